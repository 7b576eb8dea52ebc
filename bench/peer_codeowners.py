"""The `codeowners` library answering "who owns this path" for every path on stdin (NUL-separated)."""

from __future__ import annotations

import sys

from codeowners import CodeOwners


def main() -> None:
    owners = CodeOwners(open(sys.argv[1], encoding="utf-8").read())
    out = []
    for raw in sys.stdin.buffer.read().split(b"\0"):
        if raw:
            path = raw.decode("utf-8", "surrogateescape")
            out.append(path + "\t" + " ".join(name for _, name in owners.of(path)))
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
