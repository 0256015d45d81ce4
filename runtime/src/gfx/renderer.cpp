/* SPDX-License-Identifier: MIT */
#include "gfx/renderer.h"

#include <cerrno>

#include "base/module.h"

namespace scanout {

Result<std::unique_ptr<Renderer>> createRenderer(int drmFd, uint32_t width, uint32_t height,
                                                 const FormatChoice &format, bool addFb2Modifiers)
{
    Result<void *> entry = loadModuleSymbol(kRendererModule, kRendererSymbol);
    if (!entry)
        return entry.error();
    Result<std::unique_ptr<Renderer>> renderer =
        makeError(ENOSYS, "%s: %s returned nothing", kRendererModule, kRendererSymbol);
    reinterpret_cast<CreateRendererFn> (*entry)(drmFd, width, height, &format, addFb2Modifiers,
                                                &renderer);
    return renderer;
}

} /* namespace scanout */
