"""Run one command and report its wall time and its own peak memory.

A child keeps the memory high-water mark of the process it was forked from,
so a command started straight from the benchmark (a large Python process)
would report the benchmark's size. This small launcher forks the command from
a fresh interpreter instead: the floor of the measurement is this launcher's
own size (about 10 MB). Usage: launch.py RESULT_FILE COMMAND [ARG...].
"""

import os
import sys
import time

result, command = sys.argv[1], sys.argv[2:]
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execvp(command[0], command)
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
elapsed = time.perf_counter() - start
with open(result, "w") as handle:
    handle.write(f"{elapsed} {usage.ru_maxrss} {os.waitstatus_to_exitcode(status)}\n")
