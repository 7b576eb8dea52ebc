"""The documentation's console examples print what they show, and its links lead somewhere.

Every ```console block of README.md and docs/*.md is run, in order, in a fresh
clone of this checkout's HEAD made for its document (the bundled example:
contract/ governing sample_service/), and its transcript compared with the
block (a line `...` stands for lines left out), unless `<!-- example: why -->`
right before it says why it cannot run as it stands. A block with neither
fails this test, so no example drifts unseen.

An example that needs commits makes them itself: their ids differ in every
clone, so a commit id in an example's output (7 to 40 hex digits, with a digit
and a letter among them) stands for any id (git abbreviates to 7 digits or more,
as the repository grows), and a command names commits by reference
(`HEAD~2..HEAD`), never by id.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import TOP

BLOCK = re.compile(r"(<!-- example: [^>]*-->\n)?```console\n(.*?)```", re.S)
FENCE = re.compile(r"^(`{3,})[^\n]*\n.*?^\1[ \t]*$", re.M | re.S)  # a fenced block, whatever its fence length
COMMIT_ID = re.compile(r"\b(?=[0-9a-f]*[0-9])(?=[0-9a-f]*[a-f])[0-9a-f]{7,40}\b")
DOCUMENTS = [TOP / "README.md", *sorted((TOP / "docs").glob("*.md"))]


def name(document: Path) -> str:
    return document.relative_to(TOP).as_posix()


def console_blocks(document: Path) -> list[tuple[int, str | None, str]]:
    text = document.read_text(encoding="utf-8")
    return [(text.count("\n", 0, m.start(2)), m.group(1), m.group(2)) for m in BLOCK.finditer(text)]


def runnable() -> list[tuple[str, int, str]]:
    return [(name(d), line, body) for d in DOCUMENTS for line, note, body in console_blocks(d) if note is None]


def transcript_script(body: str) -> str:
    """A bash script that prints each `$ command` line, then what the command prints (exit codes carry over)."""
    lines = ["status=0"]
    for line in body.splitlines():
        if line.startswith("$ "):
            command = line[2:]
            lines += [f"printf '%s\\n' {_quote(line)}", f"(exit $status); {command} 2>&1", "status=$?"]
    return "\n".join(lines) + "\n"


def _quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def _line_pattern(line: str) -> str:
    """A shown line as a regular expression: literal, except that a commit id stands for any id."""
    pieces, start = [], 0
    for m in COMMIT_ID.finditer(line):
        pieces += [re.escape(line[start : m.start()]), "[0-9a-f]{7,40}"]
        start = m.end()
    return "".join([*pieces, re.escape(line[start:])])


def matches(expected: str, shown: str) -> bool:
    parts = [_line_pattern(line) if line != "..." else "(?:[^\n]*\n)*?" for line in expected.rstrip("\n").split("\n")]
    pattern = "".join(p if p == "(?:[^\n]*\n)*?" else p + "\n" for p in parts)
    return re.fullmatch(pattern, shown.rstrip("\n") + "\n", re.S) is not None


def test_matching_reads_dots_and_commit_ids() -> None:
    assert matches("$ a\n...\nz\n", "$ a\nb\nc\nz\n")
    assert matches("commit 60673d0eaf80: x\n", "commit 51312fc9d2f8: x\n")
    assert matches("judged by c.yaml at 18f021b\n", "judged by c.yaml at 51312fc9\n")  # abbreviations grow
    assert not matches("commit 60673d0eaf80: x\n", "commit 51312f: x\n")  # too short for an id
    assert not matches("accepted 1\n", "a0c0e0d0 1\n")  # a word is not a commit id


def test_the_documents_are_there() -> None:
    assert [name(d) for d in DOCUMENTS if d.parent.name == "docs"], "the reference lives in docs/"
    assert len(runnable()) >= 15, "most examples run"


@pytest.mark.parametrize("document", DOCUMENTS, ids=name)
def test_every_console_block_is_run_or_says_why_not(document: Path) -> None:
    for line, note, body in console_blocks(document):
        assert body.startswith("$ "), f"{name(document)}:{line}: a console block starts with '$ command'"
        if note is not None:
            assert len(note.strip()) > len("<!-- example:  -->") + 10, f"{name(document)}:{line}: say why it is not run"


@pytest.mark.parametrize("document", DOCUMENTS, ids=name)
def test_no_command_names_a_commit_by_id(document: Path) -> None:
    """Commit ids differ in every clone: an example that names one cannot be followed (`check --range a24ea4f..`)."""
    for number, line in enumerate(document.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("$ "):
            assert not COMMIT_ID.search(line), f"{name(document)}:{number}: name the commit by reference (HEAD~2)"


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation but '-' and '_' dropped, spaces as '-'.

    The rule of github/cmark-gfm's and html-pipeline's TableOfContentsFilter (downcase, remove what is not a
    word character, '-' or ' ', then ' ' -> '-'); a repeated heading gets '-1', '-2'...
    """
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(document: Path) -> set[str]:
    text = FENCE.sub("", document.read_text(encoding="utf-8"))
    seen: dict[str, int] = {}
    found = set()
    for m in re.finditer(r"^#{1,6} (.+)$", text, re.M):
        base = slug(m.group(1))
        found.add(base if base not in seen else f"{base}-{seen[base]}")
        seen[base] = seen.get(base, 0) + 1
    return found


@pytest.mark.parametrize("document", DOCUMENTS, ids=name)
def test_every_link_leads_to_a_file_and_heading(document: Path) -> None:
    text = FENCE.sub("", document.read_text(encoding="utf-8"))
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"[a-z]+:", target):
            continue  # a URL
        path, _, anchor = target.partition("#")
        linked = (document.parent / path).resolve() if path else document
        assert linked.exists(), f"{name(document)}: the link {target} leads to no file"
        if anchor:
            assert anchor in anchors(linked), f"{name(document)}: the link {target} leads to no heading"


@pytest.fixture(scope="module")
def clone(tmp_path_factory):
    """A fresh clone of HEAD for each document, made when its first example runs."""
    base = tmp_path_factory.mktemp("readme") / "base"
    subprocess.run(["git", "clone", "-q", "--no-local", str(TOP), str(base)], check=True, capture_output=True)
    made: dict[str, Path] = {}

    def of(document: str) -> Path:
        if document not in made:
            made[document] = tmp_path_factory.mktemp("example") / "ownership"
            subprocess.run(["git", "clone", "-q", str(base), str(made[document])], check=True, capture_output=True)
        return made[document]

    return of


@pytest.mark.parametrize(("document", "line", "body"), runnable(), ids=[f"{d}:{n}" for d, n, _ in runnable()])
def test_console_example(clone, document: str, line: int, body: str) -> None:
    env = dict(os.environ, PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""))
    proc = subprocess.run(
        ["bash", "-c", transcript_script(body)], cwd=clone(document), env=env, capture_output=True, text=True
    )
    assert matches(body, proc.stdout), f"{document}:{line}: the example prints something else now:\n{proc.stdout}"
