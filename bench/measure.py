#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Guest side of the benchmark: runs one command and prints its wall time, the
CPU time it and its children used, and its peak resident set, so every tool is
measured the same way.

  measure.py LABEL COMMAND [ARG...]

The command runs under GNU time (/usr/bin/time), which reports the peak RSS
(KiB) of the command's own process. It is not read from this script's
RUSAGE_CHILDREN: a child forked from Python starts with Python's resident set
(10 MiB and more), the kernel keeps that peak through exec, and every tool
would appear at least that large. CPU is user+sys of RUSAGE_CHILDREN: the
command and every descendant it waited for (time's own share is a few ms)."""

import os
import resource
import subprocess
import sys
import tempfile
import time

label, cmd = sys.argv[1], sys.argv[2:]
with tempfile.NamedTemporaryFile(mode="r", prefix="measure-", suffix=".rss") as rss:
    t0 = time.monotonic()
    proc = subprocess.run(["/usr/bin/time", "-q", "-o", rss.name, "-f", "%M", *cmd],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    wall = time.monotonic() - t0
    lines = rss.read().split()
maxrss = int(lines[-1]) if lines and lines[-1].isdigit() else -1
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print(proc.stdout.rstrip())
print(f"BENCH {label} status={proc.returncode} wall={wall:.3f} "
      f"cpu={ru.ru_utime + ru.ru_stime:.3f} user={ru.ru_utime:.3f} sys={ru.ru_stime:.3f} "
      f"maxrss={maxrss}")
