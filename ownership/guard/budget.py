"""The guard's time budget: it decides within BUDGET seconds, or refuses the call and says what took too long.

A host that waits too long for a hook lets the call run (Claude Code treats a
timed-out hook as a non-blocking error), so a slow answer is an allowed call.
Three layers keep the answer in time, whatever is slow:

- every git call made after `start` is killed at the deadline (`git.set_deadline`),
  and the guard answers with the refusal below;
- a watchdog thread answers at the deadline (plus GRACE, so that a killed git
  call answers first) when the decision is stuck in Python code or in C code
  that lets go of the interpreter lock (a system call, a child process): it writes
  the host's refusal (`host.fail`) to the process's stdout and stderr and ends the
  process with the host's exit code (`os._exit`: nothing else runs after it);
- C code that holds the interpreter lock (no thread runs then) is ended by
  `faulthandler` BACKSTOP seconds later, with exit 1 and a traceback on stderr;
  the installed hook command turns every exit other than the guard's into a
  refusal (`|| exit 2`, guard/adapters/base.py).

The budget is BUDGET seconds, or $OWNERSHIP_GUARD_BUDGET (seconds, between
SHORTEST and LONGEST: a machine that is slow on purpose may give it more, never
so much that the host's own hook timeout comes first). For tests only,
$OWNERSHIP_GUARD_TEST_STALL makes the decision stall (`stall`): it can make the
guard refuse a call, never allow one.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable

from .. import git

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .adapters.base import Answer

BUDGET = 2.0  # seconds
SHORTEST, LONGEST = 0.1, 30.0
GRACE = 0.25  # seconds the watchdog leaves a killed git call to answer through the guard's own path
BACKSTOP = 1.0  # seconds after the watchdog: faulthandler ends a process stuck in C code holding the GIL
VARIABLE = "OWNERSHIP_GUARD_BUDGET"
STALL = "OWNERSHIP_GUARD_TEST_STALL"  # tests only: python | git | c (see `stall`)

_current: Watchdog | None = None


def seconds() -> float:
    """The budget: BUDGET, or $OWNERSHIP_GUARD_BUDGET within [SHORTEST, LONGEST] (an unreadable value: BUDGET)."""
    try:
        given = float(os.environ.get(VARIABLE, BUDGET))
    except ValueError:
        return BUDGET
    return min(max(given, SHORTEST), LONGEST) if given == given else BUDGET  # NaN: the default


def message(budget: float, phase: str) -> str:
    return f"ownership: the guard could not decide within {budget:g} s ({phase} took too long); the call is refused"


class Watchdog:
    """Started when a hook call arrives; `claim` before answering, so that exactly one answer is written."""

    def __init__(self, fail: Callable[[str], Answer], budget: float | None = None) -> None:
        import faulthandler

        self.budget = seconds() if budget is None else budget
        self.phase = "reading the hook input"
        self.deadline = time.monotonic() + self.budget
        self._fail = fail
        self._answering = threading.Lock()
        self._done = threading.Event()
        git.set_deadline(self.deadline)
        threading.Thread(target=self._watch, name="ownership-budget", daemon=True).start()
        faulthandler.dump_traceback_later(self.budget + GRACE + BACKSTOP, exit=True, file=2)

    def message(self, phase: str | None = None) -> str:
        return message(self.budget, phase or self.phase)

    def claim(self) -> None:
        """Take the right to answer (once; again is a no-op); when the watchdog has it, wait for the process to end."""
        import faulthandler

        if self._done.is_set():
            return
        self._answering.acquire()
        self._done.set()
        git.set_deadline(None)
        faulthandler.cancel_dump_traceback_later()

    def _watch(self) -> None:
        end = self.deadline + GRACE
        while not self._done.wait(max(0.0, end - time.monotonic())):
            if time.monotonic() >= end:
                break
        if self._done.is_set() or not self._answering.acquire(blocking=False):
            return  # answered in time, or the answer is being written
        answer = self._fail(self.message())
        _write_all(1, answer.stdout.encode())
        _write_all(2, answer.stderr.encode())
        os._exit(answer.code)


def start(fail: Callable[[str], Answer]) -> Watchdog:
    global _current
    _current = Watchdog(fail)
    return _current


def note(phase: str) -> None:
    """What the guard is doing now, named in the refusal when the budget runs out during it."""
    if _current is not None:
        _current.phase = phase
    stall(phase)


def stall(phase: str) -> None:
    """Tests only ($OWNERSHIP_GUARD_TEST_STALL=KIND:PHASE): stall when `phase` begins.

    KIND: python (a loop in Python), git (a git call that does not end: `sleep` as a git alias),
    c (C code holding the interpreter lock: a regular expression that backtracks for minutes).
    """
    kind, _, when = os.environ.get(STALL, "").partition(":")
    if not kind or when != phase:
        return
    if kind == "python":
        while True:
            pass
    if kind == "git":
        git.call(["-c", "alias.stall=!sleep 60", "stall"], os.getcwd())
    if kind == "c":
        import re

        re.match(r"(a*)*b", "a" * 64)


def _write_all(fd: int, data: bytes) -> None:
    while data:
        try:
            data = data[os.write(fd, data) :]
        except OSError:
            return
