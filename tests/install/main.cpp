/* SPDX-License-Identifier: MIT */
/* Every public header, compiled with no libdrm, GBM, EGL, libinput or xkbcommon include path. */
#include <scanout/device.h>
#include <scanout/display.h>
#include <scanout/dma_buf.h>
#include <scanout/event_loop.h>
#include <scanout/input/input.h>
#include <scanout/kms_types.h>
#include <scanout/log.h>
#include <scanout/result.h>
#include <scanout/select.h>
#include <scanout/unique_fd.h>

#include <cstdio>

int main()
{
    scanout::Result<scanout::ModeRequest> r = scanout::parseModeRequest("1280x800@60");
    if (!r || r->width != 1280)
        return 1;
    scanout::input::InputOptions input;
    scanout::BoardConfig::Input board;
    board.keymapLayout = "de";
    scanout::input::applyBoardInput(board, input);
    if (input.keymapLayout != "de" || input.seat != "seat0")
        return 1;
    std::printf("%s\n", scanout::fourccName(scanout::kFormatXrgb8888).c_str());
    return 0;
}
