/* SPDX-License-Identifier: MIT */
#pragma once

#include <scanout/result.h>

namespace scanout {

/**
 * A part of scanout built as a shared object of its own (the GL renderer,
 * the libseat session) and loaded the first time it is needed, so a process
 * that never needs it never maps it, nor the libraries it pulls in (Mesa,
 * libsystemd).
 *
 * \a soname ("libscanout-gl.so.0") is looked for beside libscanout.so first
 * (the build tree, or the install's libdir), then on the dynamic linker's
 * search path. Returns the address of \a symbol in it. A module stays loaded
 * until the process exits: its code may still run from destructors.
 */
Result<void *> loadModuleSymbol(const char *soname, const char *symbol);

} /* namespace scanout */
