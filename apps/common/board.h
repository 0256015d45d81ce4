/* SPDX-License-Identifier: MIT */
#pragma once

#include <getopt.h>

#include <scanout/board_config.h>
#include <scanout/display.h>

namespace scanout::apps {

/** getopt_long's value for --board; put kBoardLongOption in the app's long option table. */
inline constexpr int kBoardOption = 0x1b0a;
inline constexpr option kBoardLongOption = {"board", required_argument, nullptr, kBoardOption};

/** The --board line for an app's usage text. */
inline constexpr const char *kBoardUsage =
    "      --board FILE      board config (INI, see docs/boards.md); options given on the\n"
    "                        command line override it\n";

/**
 * Every app's --board FILE, in one call before the app's own getopt loop:
 *
 *     scanout::BoardConfig board;
 *     if (int rc = scanout::apps::loadBoard("scanout-x", argc, argv, kShort, kLong, board,
 * &options)) return rc;
 *
 * It finds --board with the app's own option tables (so abbreviations and
 * --board=FILE work as in the real loop), reads the file, sets the log level
 * from [log] level (SCANOUT_LOG, when set, wins), and copies [display]
 * device, connector, mode, api, format, modifiers, rotation, reflect and
 * ui-zpos into \a display. The app's getopt loop then runs from the start
 * (optind is reset) and overrides those fields; its case for kBoardOption
 * does nothing. Without --board, \a board keeps its defaults.
 *
 * Returns 0, or 2 after printing "prog: file:line: ..." on stderr when the
 * file cannot be read or is invalid.
 */
int loadBoard(const char *prog, int argc, char **argv, const char *shortOptions,
              const option *longOptions, BoardConfig &board, DisplayOptions *display = nullptr);

/** The board config's [display] keys that DisplayOptions has fields for. */
Result<void> applyBoardDisplay(const BoardConfig &board, DisplayOptions &display);

} /* namespace scanout::apps */
