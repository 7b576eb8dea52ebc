"""`ownership map`: the HTML page, parsed (always) and rendered by headless Chromium (when installed)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from ownership.cli import main
from tests.exports.test_exports import HARD
from tests.support import TOP

EXE = str(Path(sys.executable).with_name("ownership"))
CHROMIUM = shutil.which("chromium")


class Page(HTMLParser):
    """What a reader sees: file rows, folder rows, the legend, and anything that would reach the network."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.files: dict[str, tuple[str, str, str]] = {}  # path → (status, owners, style)
        self.folders: dict[str, tuple[str, str]] = {}  # path → (status, style)
        self.counts: dict[str, int] = {}  # agent or mark → count in the legend
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
        if tag == "tr":
            self._row = a.get("data-agent") or a.get("data-mark")
        if tag == "span" and "sw" in classes and self._row:
            self.swatches[self._row] = a.get("style", "")
        if tag == "td" and "n" in classes and self._row:
            self.counts[self._row] = int(a["data-count"])


EXPECTED_FILES = {
    "README.md": ("ungoverned", "", ""),
    "ownership.yaml": ("protected", "", ""),
    "svc/main.py": ("owned", "api", "--c: #4E79A7"),
    "svc/src/a.py": ("owned", "api", "--c: #4E79A7"),
    "svc/src/with space.py": ("owned", "api", "--c: #4E79A7"),
    "svc/src/a/x.py": ("shared", "api web", "--stripes: linear-gradient(90deg, #4E79A7 0% 50%, #59A14F 50% 100%)"),
    "svc/src/shared/s.py": ("shared", "api db", "--stripes: linear-gradient(90deg, #4E79A7 0% 50%, #F28E2B 50% 100%)"),
    "svc/src/db/m.py": ("owned", "db", "--c: #F28E2B"),
    "svc/src/gen/g.py": ("unowned", "", ""),
    "svc/src/x.lock": ("unowned", "", ""),
    "svc/src/sub/y.lock": ("unowned", "", ""),
    "svc/src/secret.py": ("protected", "", ""),
    "svc/web/index.html": ("owned", "web", "--c: #59A14F"),
    "svc/web/js/app.js": ("owned", "web", "--c: #59A14F"),
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
    assert page.folders["svc/web/"] == ("owned", "--c: #59A14F")
    assert page.folders["svc/src/db/"] == ("owned", "--c: #F28E2B")
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
    assert page.files == {**EXPECTED_FILES, "svc/src/gen/g.py": ("owned", "api", "--c: #4E79A7")}
    assert page.counts == {**EXPECTED_COUNTS, "api": 6, "unowned": 2}


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (apt-get install chromium)")
def test_map_page_rendered_by_headless_chromium(hard, tmp_path) -> None:
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
    assert page.files["sample_service/src/db/migrations/env.py"] == ("owned", "database", "--c: #3F51B5")
    assert page.external == []
