"""An agent file's `color:` → "#RRGGBB".

Claude Code's agent files carry `color: blue` and the like (the colour its
/agents menu offers: red, blue, green, yellow, purple, orange, pink, cyan);
others write a hex colour. The names map to the hues `ownership map` draws
them with (Tableau 10's, which read well behind white or black text); a few
more CSS colour names are accepted too.
"""

from __future__ import annotations

import re

NAMED = {
    "red": "#E15759", "blue": "#4E79A7", "green": "#59A14F", "yellow": "#EDC948", "purple": "#B07AA1",
    "orange": "#F28E2B", "pink": "#FF9DA7", "cyan": "#76B7B2", "brown": "#9C755F", "teal": "#009688",
    "magenta": "#C2185B", "indigo": "#3F51B5", "lime": "#8BC34A", "navy": "#1F3A68", "gray": "#808080",
    "grey": "#808080",
}  # fmt: skip
_HEX = re.compile(r"#([0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})")


def css_colour(value: str) -> str | None:
    """`#rrggbb`, `#rgb` or one of NAMED (any case) as "#RRGGBB"; None for anything else."""
    text = value.strip()
    found = _HEX.fullmatch(text)
    if found:
        digits = found.group(1)
        return "#" + (digits if len(digits) == 6 else "".join(c * 2 for c in digits)).upper()
    return NAMED.get(text.lower())


def known_colours() -> str:
    """The accepted forms, as a warning names them."""
    return "#rrggbb or one of " + ", ".join(n for n in NAMED if n != "grey")
