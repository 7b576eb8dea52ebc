"""`ownership guard` without click: the hook runs on every tool call an agent makes, and importing click costs
about 30 ms of the ~120 a call takes. Only the exact shapes the installers write are taken here
(`[-C DIR] [--contract PATH] guard [--host HOST] [--agent NAME]`, each option also as `--opt=value`);
anything else (help, version, another command, an unknown option) returns None and click parses it, so both
paths answer the same (tests/cli/test_fast.py holds them equal).
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

_GROUP = {"-C": "directory", "--contract": "contract"}
_GUARD = {"--host": "host", "--agent": "agent"}


def parse(argv: list[str]) -> dict[str, str] | None:
    """The guard's options from `argv`, or None when the line is not one this path takes."""
    found: dict[str, str] = {}
    table, seen_guard, i = _GROUP, False, 0
    while i < len(argv):
        arg = argv[i]
        if not seen_guard and arg == "guard":
            table, seen_guard, i = _GUARD, True, i + 1
            continue
        name, eq, value = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        if name not in table:
            if not seen_guard and arg.startswith("-C") and len(arg) > 2:  # -CDIR, as click reads it
                name, eq, value = "-C", "=", arg[2:]
            else:
                return None
        if not eq:
            if i + 1 >= len(argv):
                return None
            value, i = argv[i + 1], i + 1
        if table[name] in found:  # a repeated option: click's rules (the last wins) apply there
            return None
        found[table[name]] = value
        i += 1
    return found if seen_guard else None


def guard(argv: list[str]) -> int | None:
    """Run `ownership guard` from `argv` without click; None when click must parse the line."""
    options = parse(argv)
    if options is None:
        return None
    from ..errors import ContractErrors, OwnershipError
    from ..guard.hook import run
    from ..workspace import Workspace

    def warn(line: str) -> None:
        sys.stderr.write(line + "\n")
        sys.stderr.flush()

    try:
        directory = options.get("directory", ".")
        ws = Workspace(directory, options.get("contract"))
        return run(
            ws, sys.stdin.buffer.read, _write_flushed, warn, options.get("host", "claude"), options.get("agent"),
            directory != ".",
        )  # fmt: skip
    except ContractErrors as exc:
        return report_contract_errors(exc, warn)
    except OwnershipError as exc:
        warn(f"ownership: {exc}")
        return 2
    except KeyboardInterrupt:
        warn("ownership: interrupted")
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug of ours: still one line, still a refusal
        warn(f"ownership: internal error: {type(exc).__name__}: {exc}; please report it")
        return 2


def report_contract_errors(exc, warn: Callable[[str], None]) -> int:
    """Every error of a contract that cannot be read, then the count: exit 2 (main.py says it the same way)."""
    for error in exc.errors:
        warn(f"ownership: {error}")
    warn(f"ownership: the contract has {len(exc.errors)} error(s); fix them and run again")
    return 2


def _write_flushed(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()
