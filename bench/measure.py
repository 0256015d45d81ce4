#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Guest side of the benchmark: runs one command and prints its wall time and
the CPU time it and its children used, so every tool is measured the same way."""

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
print(f"BENCH {label} status={proc.returncode} wall={wall:.3f} cpu={ru.ru_utime + ru.ru_stime:.3f}")
