/* SPDX-License-Identifier: MIT */
#include "base/module.h"

#include <cerrno>
#include <string>

#include <dlfcn.h>

#include <scanout/log.h>

namespace scanout {

namespace {

/* The folder this library (or the executable, when linked statically) was loaded from. */
std::string ownFolder()
{
    Dl_info info{};
    if (!dladdr(reinterpret_cast<void *>(&loadModuleSymbol), &info) || !info.dli_fname)
        return {};
    std::string path = info.dli_fname;
    size_t slash = path.rfind('/');
    return slash == std::string::npos ? std::string() : path.substr(0, slash + 1);
}

} /* namespace */

Result<void *> loadModuleSymbol(const char *soname, const char *symbol)
{
    std::string besideUs = ownFolder() + soname;
    std::string tried;
    void *handle = nullptr;
    for (const std::string &candidate : {besideUs, std::string(soname)}) {
        /* RTLD_NODELETE: modules stay until exit (see the header). */
        handle = dlopen(candidate.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
        if (handle) {
            LOG_DEBUG("module %s loaded", candidate.c_str());
            break;
        }
        const char *why = dlerror();
        tried += (tried.empty() ? "" : "; ") + std::string(why ? why : candidate);
        if (candidate.find('/') == std::string::npos)
            break;
    }
    if (!handle)
        return makeError(ENOENT, "load module %s: %s", soname, tried.c_str());
    dlerror();
    void *address = dlsym(handle, symbol);
    if (!address) {
        const char *why = dlerror();
        return makeError(ENOENT, "module %s has no symbol %s: %s", soname, symbol,
                         why ? why : "null");
    }
    return address;
}

} /* namespace scanout */
