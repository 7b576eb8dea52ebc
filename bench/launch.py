"""Run one command and report its wall time, its own peak memory and, optionally, how much it printed.

A child keeps the memory high-water mark of the process it was forked from,
so a command started straight from the benchmark (a large Python process)
would report the benchmark's size. This small launcher forks the command from
a fresh interpreter instead: the floor of the measurement is this launcher's
own size (about 10 MB).

Usage: launch.py RESULT_FILE TIMEOUT COUNT COMMAND [ARG...]. TIMEOUT in
seconds (0: none): past it the command's process group is killed and the run
is reported as timed out. COUNT 1: the command's stdout and stderr go through
a pipe that this launcher reads and counts (as `wc -c` would); 0: they are
inherited.
RESULT_FILE receives "seconds max_rss_kb exit_code bytes_printed timed_out".
"""

import os
import signal
import sys
import time

result, timeout, count, command = sys.argv[1], float(sys.argv[2]), sys.argv[3] == "1", sys.argv[4:]
timed_out = False
pipe = os.pipe() if count else None
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.setpgid(0, 0)
        if pipe:
            os.dup2(pipe[1], 1)
            os.dup2(pipe[1], 2)
            os.close(pipe[0])
            os.close(pipe[1])
        os.execvp(command[0], command)
    finally:
        os._exit(127)


def expire(signum, frame):
    global timed_out
    timed_out = True
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


if timeout:
    signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, timeout)
printed = 0
if pipe:
    os.close(pipe[1])
    while True:
        try:
            block = os.read(pipe[0], 1 << 20)
        except InterruptedError:
            continue
        if not block:
            break
        printed += len(block)
while True:
    try:
        _, status, usage = os.wait4(pid, 0)
        break
    except InterruptedError:
        continue
elapsed = time.perf_counter() - start
signal.setitimer(signal.ITIMER_REAL, 0)
with open(result, "w") as handle:
    code = os.waitstatus_to_exitcode(status)
    handle.write(f"{elapsed} {usage.ru_maxrss} {code} {printed} {int(timed_out)}\n")
