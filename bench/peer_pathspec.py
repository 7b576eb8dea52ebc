"""The naive peer: pathspec's GitIgnoreSpec, one per agent section, each path matched in a loop.

Reads paths NUL-separated on stdin and prints, for each, every agent's access,
with the same precedence as `ownership` (protected aside: the generated
contracts protect nothing but themselves), so the decisions can be compared.
"""

from __future__ import annotations

import sys

import yaml
from pathspec import GitIgnoreSpec


def main() -> None:
    contract = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))
    specs = [
        (
            name,
            [
                (section, GitIgnoreSpec.from_lines(rules.get(section, [])))
                for section in ("cannot_touch", "owns", "reads")
            ],
        )
        for name, rules in contract["agents"].items()
    ]
    out = []
    for raw in sys.stdin.buffer.read().split(b"\0"):
        if not raw:
            continue
        path = raw.decode("utf-8", "surrogateescape")
        decisions = []
        for name, sections in specs:
            access = "unlisted"
            for section, spec in sections:
                if spec.match_file(path):
                    access = section
                    break
            decisions.append(f"{name}={access}")
        out.append(path + "\t" + " ".join(decisions))
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
