"""`ownership map`: one self-contained HTML page of the repository's tree, coloured by owning agent.

Everything is inline (CSS, a few lines of JS, no URL to fetch): the page opens offline from a file.
Folders are collapsible `<details>`, open down to the second level (every level with
`expand`); a folder whose files all have one owner takes that owner's colour, a mixed folder
shows a bar of its owners' shares. Clicking an agent in the legend highlights its files.
Colours: the agent file's `color:`, else one far from every other agent's (exports/palette.py).
"""

from __future__ import annotations

import html
from collections import Counter

from .common import Ownership, ownership_of
from .palette import assign, text_colour

OPEN_LEVELS = 2  # folders at the first two levels open; deeper ones start collapsed

MARKS = {
    "unowned": ("#FFFFFF", "no owner"),
    "shared": ("#FFFFFF", "two owners"),
    "protected": ("#D0D0D0", "protected: no agent may write it"),
    "ungoverned": ("#EFEFEF", "outside the root: not governed"),
}

CSS = """
:root { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #222; }
body { margin: 0; display: grid; grid-template-columns: 320px 1fr; min-height: 100vh; }
aside { background: #f6f6f4; border-right: 1px solid #ddd; padding: 16px 18px; position: sticky; top: 0;
  align-self: start; max-height: 100vh; overflow: auto; }
main { padding: 16px 24px; }
h1 { font-size: 18px; margin: 0 0 4px; }
h2 { font-size: 14px; margin: 18px 0 6px; text-transform: uppercase; letter-spacing: .04em; color: #555; }
.meta { color: #555; margin: 0 0 8px; }
table.legend { border-collapse: collapse; width: 100%; }
table.legend td { padding: 3px 4px; vertical-align: middle; }
table.legend td.n { text-align: right; font-variant-numeric: tabular-nums; }
tr.agent { cursor: pointer; }
tr.agent:hover { background: #ebebe6; }
tr.agent.on { outline: 2px solid #222; }
.sw { display: inline-block; width: 14px; height: 14px; border-radius: 3px; border: 1px solid rgba(0,0,0,.25);
  vertical-align: -2px; }
.sw.unowned, li.file.unowned > .name { background: #fff; outline: 2px dashed #c62828; outline-offset: -2px; }
.sw.shared { background: repeating-linear-gradient(45deg, #666 0 3px, #fff 3px 6px); }
.handle { color: #666; font-size: 12px; }
ul.tree, ul.tree ul { list-style: none; margin: 0; padding-left: 18px; }
ul.tree { padding-left: 0; }
li { margin: 1px 0; }
summary { cursor: pointer; }
.name { display: inline-block; padding: 0 6px; border-radius: 4px; background: var(--c, transparent); }
.owned > .name, .folder.owned > details > summary .name { color: var(--t, #fff); }
.tools button { font: inherit; font-size: 12px; margin: 0 6px 0 0; padding: 1px 8px; cursor: pointer; }
li.file.shared > .name { background: var(--stripes); color: #000; text-shadow: 0 0 2px #fff; }
li.file.protected > .name { background: #D0D0D0; }
li.ungoverned > .name, li.ungoverned > details > summary .name { color: #777; }
.badge { font-size: 11px; padding: 0 5px; border-radius: 8px; margin-left: 6px; background: #eee; color: #333; }
.badge.warn { background: #c62828; color: #fff; }
.bar { display: inline-flex; width: 90px; height: 8px; margin-left: 8px; border-radius: 4px; overflow: hidden;
  vertical-align: 1px; background: #eee; }
.bar span { display: block; height: 100%; }
.dim li.file:not(.hit) > .name { opacity: .25; }
"""

JS = """
(function () {
  var rows = document.querySelectorAll("tr.agent");
  rows.forEach(function (row) {
    row.addEventListener("click", function () {
      var name = row.getAttribute("data-agent"), on = !row.classList.contains("on");
      rows.forEach(function (r) { r.classList.remove("on"); });
      document.querySelectorAll("li.file").forEach(function (li) {
        var owners = (li.getAttribute("data-owners") || "").split(" ");
        li.classList.toggle("hit", on && owners.indexOf(name) >= 0);
      });
      document.body.classList.toggle("dim", on);
      if (on) { row.classList.add("on"); }
    });
  });
  document.querySelectorAll("button[data-open]").forEach(function (button) {
    button.addEventListener("click", function () {
      var open = button.getAttribute("data-open") === "all";
      document.querySelectorAll("#tree details").forEach(function (d) { d.open = open; });
    });
  });
  document.body.setAttribute("data-ready", "true");
})();
"""


def _text(value: str) -> str:
    """Escaped for HTML; bytes that are not UTF-8 (kept as surrogates) become U+FFFD."""
    return html.escape(value.encode("utf-8", "surrogateescape").decode("utf-8", "replace"))


def agent_colours(contract) -> dict[str, str]:
    """Each agent's colour: its file's `color:` when that stands apart, else one far from all others."""
    reserved = tuple(colour for colour, _ in MARKS.values())
    return dict(zip(contract.names, assign([a.color for a in contract.agents], reserved), strict=True))


def _paint(colour: str) -> str:
    return f"--c: {colour}; --t: {text_colour(colour)}"


class _Folder:
    def __init__(self, path: str) -> None:
        self.path = path
        self.folders: dict[str, _Folder] = {}
        self.files: dict[str, tuple[str, Ownership]] = {}
        self.states: list[Ownership] = []


def _tree(states: dict[str, Ownership]) -> _Folder:
    top = _Folder("")
    for path, state in states.items():
        node = top
        node.states.append(state)
        parts = path.split("/")
        for i, part in enumerate(parts[:-1]):
            node = node.folders.setdefault(part, _Folder("/".join(parts[: i + 1])))
            node.states.append(state)
        node.files[parts[-1]] = (path, state)
    return top


def _key(state: Ownership) -> str:
    return state.agents[0] if state.status == "owned" else state.status


def _stripes(agents: tuple[str, ...], colours: dict[str, str]) -> str:
    stops, step = [], 100 / len(agents)
    for i, agent in enumerate(agents):
        stops.append(f"{colours[agent]} {i * step:.0f}% {(i + 1) * step:.0f}%")
    return f"linear-gradient(90deg, {', '.join(stops)})"


def _file(name: str, path: str, state: Ownership, colours: dict[str, str]) -> str:
    style, badge = "", ""
    if state.status == "owned":
        style = f' style="{_paint(colours[state.agents[0]])}"'
    elif state.status == "shared":
        style = f' style="--stripes: {_stripes(state.agents, colours)}"'
        badge = f'<span class="badge warn">two owners: {_text(", ".join(state.agents))}</span>'
    elif state.status == "unowned":
        badge = '<span class="badge warn">no owner</span>'
    elif state.status == "protected":
        badge = '<span class="badge">protected</span>'
    who = " ".join(state.agents)
    title = ", ".join(state.agents) if state.agents else MARKS[state.status][1]
    return (
        f'<li class="file {state.status}" data-path="{_text(path)}" data-owners="{_text(who)}"{style}>'
        f'<span class="name" title="{_text(title)}">{_text(name)}</span>{badge}</li>'
    )


def _folder(name: str, node: _Folder, colours: dict[str, str], depth: int, expand: bool) -> str:
    counts = Counter(_key(s) for s in node.states)
    if len(counts) == 1 and next(iter(counts)) in colours:
        status, style, bar = "owned", f' style="{_paint(colours[next(iter(counts))])}"', ""
    else:
        status = "ungoverned" if set(counts) == {"ungoverned"} else "mixed"
        style = ""
        total = sum(counts.values())
        parts = [
            f'<span style="width: {100 * n / total:.2f}%; background: {colours[k]}"></span>'
            for k, n in sorted(counts.items(), key=lambda kv: -kv[1])
            if k in colours
        ]
        bar = f'<span class="bar" title="owners\' shares">{"".join(parts)}</span>' if parts else ""
    warn = sum(counts[k] for k in ("unowned", "shared"))
    badge = f'<span class="badge warn">{warn} to fix</span>' if warn else ""
    inner = [_folder(n, child, colours, depth + 1, expand) for n, child in sorted(node.folders.items())]
    inner += [_file(n, path, state, colours) for n, (path, state) in sorted(node.files.items())]
    files = len(node.states)
    return (
        f'<li class="folder {status}" data-path="{_text(node.path)}/"{style}>'
        f"<details{' open' if expand or depth < OPEN_LEVELS else ''}><summary>"
        f'<span class="name">{_text(name)}/</span><span class="badge">{files}</span>{bar}{badge}</summary>'
        f"<ul>{''.join(inner)}</ul></details></li>"
    )


def render_map(ws, expand: bool = False) -> str:
    """The page; folders below the second level start collapsed unless `expand`."""
    engine = ws.engine
    contract = engine.contract
    states = {p: ownership_of(engine, p) for p in sorted(set(ws.tracked_files))}
    colours = agent_colours(contract)
    owned = Counter(a for s in states.values() for a in s.agents)
    marks = Counter(s.status for s in states.values())
    top = _tree(states)
    import os

    title = f"ownership map: {os.path.basename(ws.repo)}"
    legend = []
    for agent in contract.agents:
        handle = f'<div class="handle">{_text(agent.codeowner)}</div>' if agent.codeowner else ""
        legend.append(
            f'<tr class="agent" data-agent="{_text(agent.name)}"><td><span class="sw" style="background: '
            f'{colours[agent.name]}"></span></td><td>{_text(agent.name)}{handle}</td>'
            f'<td class="n" data-count="{owned[agent.name]}">{owned[agent.name]}</td></tr>'
        )
    for status in ("shared", "unowned", "protected", "ungoverned"):
        colour, text, count = MARKS[status][0], MARKS[status][1], marks[status]
        legend.append(
            f'<tr class="mark" data-mark="{status}"><td><span class="sw {status}" style="background-color: {colour}">'
            f'</span></td><td>{text}</td><td class="n" data-count="{count}">{count}</td></tr>'
        )
    rows = [_folder(n, child, colours, 0, expand) for n, child in sorted(top.folders.items())]
    rows += [_file(n, path, state, colours) for n, (path, state) in sorted(top.files.items())]
    root = contract.root or "."
    source = contract.source or ".claude/agents/*.md"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="ownership map">
<title>{_text(title)}</title>
<style>{CSS}</style>
</head>
<body>
<aside>
<h1>{_text(title)}</h1>
<p class="meta">Contract <code>{_text(source)}</code>, root <code>{_text(root)}</code>: {len(states)} tracked files.</p>
<h2>Agents (files owned)</h2>
<table class="legend" id="legend">
{chr(10).join(legend)}
</table>
<p class="meta">Click an agent to highlight its files. A folder takes its owner's colour when all its files
share it; a mixed folder shows its owners' shares.</p>
<p class="tools"><button type="button" data-open="all">Expand all</button><button type="button" data-open="none">Collapse all</button></p>
</aside>
<main>
<ul class="tree" id="tree">
{"".join(rows)}
</ul>
</main>
<script>{JS}</script>
</body>
</html>
"""
