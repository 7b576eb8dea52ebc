"""An `apply_patch` envelope → the files it adds, updates, deletes or moves to.

The format is Codex's (openai/codex `codex-rs/apply-patch`, the grammar in its
`apply_patch_tool_instructions.md`); Cline's `apply_patch` (`input`) and
OpenCode's (`patchText`) take the same envelope:

    *** Begin Patch
    *** Add File: PATH        then lines that start with '+'
    *** Update File: PATH     optionally '*** Move to: PATH', then '@@' hunks of ' ', '-', '+' lines
    *** Delete File: PATH
    *** End Patch

Every path the patch names is returned, a moved file's source and destination
both; anything else is refused with one line saying where (`MalformedPatch`),
because a patch the guard cannot read is a patch it cannot judge.
"""

from __future__ import annotations

from ..errors import UsageError

BEGIN, END = "*** Begin Patch", "*** End Patch"
_HEADERS = ("*** Add File: ", "*** Update File: ", "*** Delete File: ")
_MOVE = "*** Move to: "
_END_OF_FILE = "*** End of File"


class MalformedPatch(UsageError):
    """The patch is not the apply_patch envelope; the message says which line."""


def patch_paths(text: str) -> list[str]:
    """The paths an apply_patch text writes, in order, each once, as typed (relative to the call's cwd)."""
    lines = text.strip().splitlines()
    if lines and lines[0].strip().startswith("apply_patch") and lines[-1].strip() in ("EOF", "'EOF'", '"EOF"'):
        lines = lines[1:-1]  # the heredoc form Codex also accepts: apply_patch <<'EOF' ... EOF
    if not lines or lines[0].strip() != BEGIN:
        raise MalformedPatch(f"apply_patch: the patch does not start with '{BEGIN}'")
    if lines[-1].strip() != END:
        raise MalformedPatch(f"apply_patch: the patch does not end with '{END}'")
    paths: list[str] = []
    kind = None  # the section being read: add | update | delete
    for number, line in enumerate(lines[1:-1], start=2):
        header = next((h for h in _HEADERS if line.startswith(h)), None)
        if header is not None:
            path = line[len(header) :].strip()
            if not path:
                raise MalformedPatch(f"apply_patch: line {number}: '{header.strip()}' names no file")
            kind = header[4:-7].lower()
            paths.append(path)
        elif line.startswith(_MOVE):
            path = line[len(_MOVE) :].strip()
            if kind != "update" or not path:
                raise MalformedPatch(
                    f"apply_patch: line {number}: '*** Move to:' must follow '*** Update File:' and name a file"
                )
            paths.append(path)
            kind = "moved"
        elif kind is None:
            raise MalformedPatch(
                f"apply_patch: line {number}: expected '*** Add File:', '*** Update File:' or '*** Delete File:'"
            )
        elif line.startswith("***") and line.strip() != _END_OF_FILE:
            raise MalformedPatch(f"apply_patch: line {number}: unknown header {line.strip()!r}")
        elif kind == "add" and not line.startswith("+"):
            raise MalformedPatch(f"apply_patch: line {number}: a line of an added file must start with '+'")
        elif kind == "delete":
            raise MalformedPatch(f"apply_patch: line {number}: '*** Delete File:' takes no lines")
        elif kind in ("update", "moved") and line and line[0] not in "@ -+" and line.strip() != _END_OF_FILE:
            raise MalformedPatch(f"apply_patch: line {number}: a hunk line must start with '@@', ' ', '-' or '+'")
    if not paths:
        raise MalformedPatch("apply_patch: the patch names no file")
    return list(dict.fromkeys(paths))
