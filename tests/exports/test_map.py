"""`ownership map`: the HTML page, parsed (always) and rendered by headless Chromium (when installed)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from ownership.cli import main
from ownership.exports.map import MARKS
from ownership.exports.palette import assign, contrast, distance, text_colour
from tests.exports.test_exports import HARD
from tests.support import TOP, Repo, agent_file

EXE = str(Path(sys.executable).with_name("ownership"))
CHROMIUM = shutil.which("chromium")


class Page(HTMLParser):
    """What a reader sees: file rows, folder rows, the legend, and anything that would reach the network."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.files: dict[str, tuple[str, str, str]] = {}  # path → (status, owners, style)
        self.folders: dict[str, tuple[str, str]] = {}  # path → (status, style)
        self.opened: dict[str, bool] = {}  # folder path → whether its <details> starts open
        self.counts: dict[str, int] = {}  # agent or mark → count in the legend
        self.agents: list[str] = []  # the legend's agents, in order
        self.swatches: dict[str, str] = {}
        self.external: list[str] = []
        self.body: dict[str, str] = {}
        self._row: str | None = None
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = {k: v or "" for k, v in attrs}
        for key in ("src", "href", "style"):
            if re.search(r"(https?:|//|url\()", a.get(key, "")):
                self.external.append(f"{tag} {key}={a[key]}")
        if tag in ("link", "img", "iframe", "object") or (tag == "script" and "src" in a):
            self.external.append(tag)
        classes = a.get("class", "").split()
        if tag == "body":
            self.body = a
        if tag == "li" and "file" in classes:
            self.files[a["data-path"]] = (classes[1], a["data-owners"], a.get("style", ""))
        if tag == "li" and "folder" in classes:
            self.folders[a["data-path"]] = (classes[1], a.get("style", ""))
            self._folder = a["data-path"]
        if tag == "details":
            self.opened[self._folder] = "open" in a
        if tag == "tr":
            self._row = a.get("data-agent") or a.get("data-mark")
            if a.get("data-agent"):
                self.agents.append(a["data-agent"])
        if tag == "span" and "sw" in classes and self._row:
            self.swatches[self._row] = a.get("style", "")
        if tag == "td" and "n" in classes and self._row:
            self.counts[self._row] = int(a["data-count"])


EXPECTED_FILES = {
    "README.md": ("ungoverned", "", ""),
    "ownership.yaml": ("protected", "", ""),
    "svc/main.py": ("owned", "api", "--c: #4E79A7; --t: #FFFFFF"),
    "svc/src/a.py": ("owned", "api", "--c: #4E79A7; --t: #FFFFFF"),
    "svc/src/with space.py": ("owned", "api", "--c: #4E79A7; --t: #FFFFFF"),
    "svc/src/a/x.py": ("shared", "api web", "--stripes: linear-gradient(90deg, #4E79A7 0% 50%, #59A14F 50% 100%)"),
    "svc/src/shared/s.py": ("shared", "api db", "--stripes: linear-gradient(90deg, #4E79A7 0% 50%, #F28E2B 50% 100%)"),
    "svc/src/db/m.py": ("owned", "db", "--c: #F28E2B; --t: #000000"),
    "svc/src/gen/g.py": ("unowned", "", ""),
    "svc/src/x.lock": ("unowned", "", ""),
    "svc/src/sub/y.lock": ("unowned", "", ""),
    "svc/src/secret.py": ("protected", "", ""),
    "svc/web/index.html": ("owned", "web", "--c: #59A14F; --t: #000000"),
    "svc/web/js/app.js": ("owned", "web", "--c: #59A14F; --t: #000000"),
}
EXPECTED_COUNTS = {"api": 5, "db": 2, "web": 3, "shared": 2, "unowned": 3, "protected": 2, "ungoverned": 1}


@pytest.fixture
def hard(repo):
    repo.write(HARD)
    repo.git("add", "-A")
    return repo


def check_page(page: Page) -> None:
    assert page.files == EXPECTED_FILES
    assert page.counts == EXPECTED_COUNTS
    assert page.external == []
    assert page.folders["svc/web/"] == ("owned", "--c: #59A14F; --t: #000000")
    assert page.folders["svc/src/db/"] == ("owned", "--c: #F28E2B; --t: #000000")
    assert page.folders["svc/src/"] == ("mixed", "")
    assert page.swatches["api"] == "background: #4E79A7"


def test_map_page_parsed(hard, tmp_path, capsys) -> None:
    out = tmp_path / "map.html"
    assert main(["-C", str(hard.path), "map", "--output", str(out)]) == 0
    assert capsys.readouterr().err == f"wrote {out}\n"
    text = out.read_text()
    assert text.startswith("<!DOCTYPE html>") and "<title>ownership map: repo</title>" in text
    assert '<span class="badge warn">two owners: api, web</span>' in text
    assert '<span class="badge warn">5 to fix</span>' in text  # svc/: 3 unowned and 2 with two owners
    check_page(Page(text))


def test_map_shows_what_git_decides_for_a_negation_under_a_folder_taken_whole(repo, tmp_path) -> None:
    """With `src/**` then a plain `!src/gen/**`, git keeps src/gen/ (it matches src/**) with api: so does the map."""
    plain = HARD["ownership.yaml"].replace('"!src/gen/", "!src/gen/**"', '"!src/gen/**"')
    assert plain != HARD["ownership.yaml"]
    repo.write({**HARD, "ownership.yaml": plain})
    repo.git("add", "-A")
    out = tmp_path / "map.html"
    assert main(["-C", str(repo.path), "map", "--output", str(out)]) == 0
    page = Page(out.read_text())
    assert page.files == {**EXPECTED_FILES, "svc/src/gen/g.py": ("owned", "api", "--c: #4E79A7; --t: #FFFFFF")}
    assert page.counts == {**EXPECTED_COUNTS, "api": 6, "unowned": 2}


@pytest.mark.skipif(
    CHROMIUM is None and os.environ.get("CI") != "true",
    reason="Debian's chromium is not installed (apt-get install chromium)",
)
def test_map_page_rendered_by_headless_chromium(hard, tmp_path) -> None:
    assert CHROMIUM, "CI=true: Chromium must render the map (.ci/chromium.sh installs it)"
    out = tmp_path / "map.html"
    assert main(["-C", str(hard.path), "map", "-o", str(out)]) == 0
    proc = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={tmp_path / 'chromium'}",
         "--dump-dom", out.as_uri()],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    page = Page(proc.stdout)
    assert page.body.get("data-ready") == "true"  # the page's script ran without an error
    check_page(page)


def test_map_of_the_bundled_example_through_the_installed_command(tmp_path) -> None:
    out = tmp_path / "example.html"
    proc = subprocess.run([EXE, "map", "-o", str(out)], cwd=TOP, capture_output=True, text=True, check=False)
    assert (proc.returncode, proc.stderr) == (0, f"wrote {out}\n")
    page = Page(out.read_text())
    counts = {k: v for k, v in page.counts.items() if k in ("backend-fastapi", "database", "frontend", "testing")}
    assert counts == {"backend-fastapi": 25, "database": 11, "frontend": 3, "testing": 23}
    assert (page.counts["shared"], page.counts["unowned"]) == (0, 0)
    assert page.swatches["database"] == "background: #3F51B5"  # the agent file's `color:`
    assert page.files["sample_service/src/db/migrations/env.py"] == ("owned", "database", "--c: #3F51B5; --t: #FFFFFF")
    assert page.external == []


# --- colours for many agents, folders collapsed ------------------------------------

PROTECTED_GREY = MARKS["protected"][0]


def styles(page: Page) -> dict[str, str]:
    """Agent → the colour its legend swatch shows."""
    return {agent: style.removeprefix("background: ") for agent, style in page.swatches.items() if agent in page.agents}


def test_forty_agents_get_forty_colours_apart_from_each_other_from_the_greys_and_readable() -> None:
    colours = assign([None] * 40, tuple(c for c, _ in MARKS.values()))
    assert len(set(colours)) == 40
    closest = min(distance(a, b) for i, a in enumerate(colours) for b in colours[i + 1 :])
    assert closest >= 0.06  # OKLab; a just noticeable difference is about 0.02
    assert min(distance(c, PROTECTED_GREY) for c in colours) >= 0.08
    assert min(distance(c, "#FFFFFF") for c in colours) >= 0.15  # unowned files are white
    assert min(contrast(c, text_colour(c)) for c in colours) >= 4.5  # WCAG AA for the file names on them
    assert colours[:3] == ["#4E79A7", "#F28E2B", "#59A14F"]  # the first agents keep the map's colours so far


def test_a_requested_colour_is_placed_first_and_one_close_to_the_protected_grey_is_not_used() -> None:
    colours = assign([None, "#4E79A7", "#CCCCCC", "#4E79A8"], tuple(c for c, _ in MARKS.values()))
    assert colours[1] == "#4E79A7"  # asked for: the first agent, asking nothing, does not take it
    assert colours[0] == "#F28E2B"
    assert colours[2] not in ("#CCCCCC", "#4E79A7") and distance(colours[2], PROTECTED_GREY) >= 0.08
    assert colours[3] != "#4E79A8"  # indistinguishable from agent 1's: another one


def many_files_repo(repo: Repo, agents: int = 40, files: int = 500) -> Repo:
    """`agents` agents in .claude/agents/, agent i owning pkg<i>/**; `files` files four folders deep."""
    written = {}
    for i in range(agents):
        written[f".claude/agents/a{i:02}.md"] = agent_file(f"a{i:02}", [f"pkg{i:02}/**"])
    for n in range(files):
        written[f"pkg{n % agents:02}/m{n % 3}/s{n % 2}/d/f{n}.py"] = "x\n"
    repo.write(written)
    repo.git("add", "-A")
    return repo


def test_a_500_file_map_opens_two_levels_and_gives_every_agent_its_own_colour(repo, tmp_path) -> None:
    many_files_repo(repo)
    out = tmp_path / "map.html"
    assert main(["-C", str(repo.path), "map", "-o", str(out)]) == 0
    page = Page(out.read_text())
    assert len(page.files) == 500 + 40
    folders = {"/".join(p.split("/")[:n]) + "/" for p in page.files for n in range(1, p.count("/") + 1)}
    assert set(page.opened) == folders
    deep = {p: opened for p, opened in page.opened.items() if p.count("/") > 2}
    shallow = {p: opened for p, opened in page.opened.items() if p.count("/") <= 2}
    assert len(deep) == 2 * 40 * 3 and not any(deep.values())  # pkg/m/s/ and pkg/m/s/d/ start closed
    assert len(shallow) == 2 + 40 + 40 * 3 and all(shallow.values())  # .claude/, .claude/agents/, pkg/, pkg/m/
    colours = styles(page)
    assert len(colours) == 40 and len(set(colours.values())) == 40
    assert min(distance(a, b) for a in colours.values() for b in colours.values() if a != b) >= 0.06
    assert page.files["pkg07/m1/s1/d/f7.py"] == (
        "owned",
        "a07",
        f"--c: {colours['a07']}; --t: {text_colour(colours['a07'])}",
    )


def test_map_expand_opens_every_folder(repo, tmp_path) -> None:
    many_files_repo(repo, agents=3, files=30)
    out = tmp_path / "map.html"
    assert main(["-C", str(repo.path), "map", "--expand", "-o", str(out)]) == 0
    page = Page(out.read_text())
    assert len(page.opened) == 2 + 3 + 3 + 6 + 6 and all(page.opened.values())  # pkg<i>/m<i>/s0,s1/d/


AGENT_WITH_COLOUR = """\
---
name: {name}
color: {colour}
---
### OWNS
- {name}/**
"""


def test_the_agent_files_color_is_honoured_and_an_unknown_one_is_a_warning_at_its_line(repo, run, tmp_path) -> None:
    repo.write({
        ".claude/agents/named.md": AGENT_WITH_COLOUR.format(name="named", colour="Purple"),
        ".claude/agents/hex.md": AGENT_WITH_COLOUR.format(name="hex", colour="'#3f51b5'"),
        ".claude/agents/short.md": AGENT_WITH_COLOUR.format(name="short", colour='"#f80"'),
        ".claude/agents/odd.md": AGENT_WITH_COLOUR.format(name="odd", colour="octarine"),
        ".claude/agents/bare.md": AGENT_WITH_COLOUR.format(name="bare", colour="#3F51B5"),  # a YAML comment
        "named/a.py": "", "hex/a.py": "", "short/a.py": "", "odd/a.py": "", "bare/a.py": "",
    })  # fmt: skip
    repo.git("add", "-A")
    out = tmp_path / "map.html"
    code, _, err = run(repo, "map", "-o", str(out))
    assert (code, err) == (0, f"wrote {out}\n")
    colours = styles(Page(out.read_text()))
    assert (colours["named"], colours["hex"], colours["short"]) == ("#B07AA1", "#3F51B5", "#FF8800")
    # the map's own, in file order (bare, then odd); its orange #F28E2B is too close to short's #FF8800
    assert (colours["bare"], colours["odd"]) == ("#4E79A7", "#59A14F")
    code, out_text, _ = run(repo, "lint")
    known = "write #rrggbb or one of red, blue, green, yellow, purple, orange, pink, cyan, brown, teal, magenta, indigo, lime, navy, gray"
    warnings = [line for line in out_text.splitlines() if "unknown-color" in line]
    assert warnings == [
        ".claude/agents/bare.md:3: warning: color: is empty (an unquoted # starts a YAML comment: put '#rrggbb' "
        f"in quotes); {known} [unknown-color]",
        f".claude/agents/odd.md:3: warning: color: 'octarine' is not a colour the map can draw; {known} [unknown-color]",
    ]
