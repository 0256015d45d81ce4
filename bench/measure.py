#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Guest side of the benchmark: runs one command and prints its wall time, the
CPU time it and its children used, and the largest resident set among them, so
every tool is measured the same way.

  measure.py LABEL COMMAND [ARG...]

COMMAND is run directly (not through a shell) when it is the tool itself, so
its own rusage is what is read: RUSAGE_CHILDREN of this process covers the
tool and every descendant it waited for; ru_maxrss is the peak RSS of the
largest one (KiB), not a sum."""

import resource
import subprocess
import sys
import time

label, cmd = sys.argv[1], sys.argv[2:]
t0 = time.monotonic()
proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
wall = time.monotonic() - t0
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print(proc.stdout.rstrip())
print(f"BENCH {label} status={proc.returncode} wall={wall:.3f} "
      f"cpu={ru.ru_utime + ru.ru_stime:.3f} user={ru.ru_utime:.3f} sys={ru.ru_stime:.3f} "
      f"maxrss={ru.ru_maxrss}")
