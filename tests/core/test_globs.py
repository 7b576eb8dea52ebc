"""Pattern semantics, with git itself as the oracle.

Every vector below is decided three ways: by the one-path engine
(`Section.match`), by the bulk decider (`Bulk`), and by real
`git check-ignore --no-index` given a .gitignore holding the same patterns.
The property tests then do the same on generated patterns and paths that
cover the whole grammar. A failure prints the patterns, the path and each
answer.
"""

from __future__ import annotations

import os
import random
import subprocess
import time
from pathlib import Path

import pytest

from ownership.core.bulk import Bulk
from ownership.core.engine import Engine, Section
from ownership.core.globs import GlobError, strip_trailing_spaces, translate
from ownership.core.model import Agent, Contract, Rule

# --- the oracle --------------------------------------------------------------


class Git:
    """`git check-ignore --no-index -v` over a scratch repository: {path: line of the deciding pattern}."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        subprocess.run(["git", "init", "-q", str(folder)], check=True)

    def decide(self, patterns: list[str], paths: list[bytes], ignorecase: bool, root: str = "") -> dict[bytes, int]:
        base = self.folder / root if root else self.folder
        base.mkdir(parents=True, exist_ok=True)
        ignore = base / ".gitignore"
        ignore.write_bytes(b"".join(os.fsencode(p) + b"\n" for p in patterns))
        try:
            return self._run(paths, ignorecase)
        finally:  # nothing may stay on disk: git asks the disk whether a path is a folder
            ignore.unlink()
            if root:
                base.rmdir()

    def _run(self, paths: list[bytes], ignorecase: bool) -> dict[bytes, int]:
        proc = subprocess.run(
            ["git", "-c", f"core.ignorecase={str(ignorecase).lower()}", "check-ignore", "--no-index", "-v", "-z",
             "--stdin"],
            cwd=self.folder, input=b"".join(p + b"\0" for p in paths), capture_output=True, check=False,
        )  # fmt: skip
        assert proc.returncode in (0, 1), proc.stderr
        fields = proc.stdout.split(b"\0")
        found = {}
        for source, line, pattern, path in zip(fields[0::4], fields[1::4], fields[2::4], fields[3::4]):
            if not pattern.startswith(b"!"):  # -v also names the '!' pattern that let a path through
                found[path] = int(line)
        return found


@pytest.fixture(scope="module")
def git_oracle(tmp_path_factory) -> Git:
    return Git(tmp_path_factory.mktemp("oracle"))


def ours(patterns: list[str], paths: list[bytes], ignorecase: bool, root: str = "") -> tuple[dict, dict]:
    """(one path at a time, bulk): {path: line of the deciding pattern} for the paths in the section."""
    rules = tuple(Rule("owns", p, "c", n) for n, p in enumerate(patterns, 1))
    contract = Contract("c", root, (Agent("a", "c", 1, owns=rules),), ())
    engine = Engine(contract, ignorecase)
    decoded = [os.fsdecode(p) for p in paths]
    single = {}
    for data, path in zip(paths, decoded):
        decision = engine.decide(path, "a")
        if decision.access == "owns":
            single[data] = decision.rule.line
    bulk = Bulk(engine, decoded)
    many = {paths[i]: rule.line for i, rule in bulk.winners("a", "owns").items()}
    return single, many


def check_against_git(git_oracle: Git, patterns: list[str], paths: list[bytes], ignorecase: bool, root: str = ""):
    inside = [p for p in paths if not root or p.startswith(root.encode() + b"/")]
    expected = git_oracle.decide(patterns, inside, ignorecase, root)
    single, many = ours(patterns, inside, ignorecase, root)
    report = []
    for path in inside:
        answers = (expected.get(path), single.get(path), many.get(path))
        if len(set(answers)) > 1:
            report.append(f"patterns={patterns!r} path={path!r} ignorecase={ignorecase} root={root!r}: "
                          f"git={answers[0]} engine={answers[1]} bulk={answers[2]}")  # fmt: skip
    return report


# --- a table of vectors, each proved against git -----------------------------

VECTORS = [
    # (patterns, path, in the section?, ignorecase)
    (["main.py"], "main.py", True, False),
    (["main.py"], "src/db/main.py", True, False),
    (["/main.py"], "src/db/main.py", False, False),
    (["src/api/**/*"], "src/api/v1/users.py", True, False),
    (["src/api/**/*"], "lib/src/api/x.py", False, False),
    (["src/*"], "src/a/b.py", True, False),  # the folder src/a matches, and takes its contents
    (["logs/"], "logs", False, False),  # directory-only: a file named logs is not a folder
    (["logs/"], "a/logs/err.log", True, False),
    (["foo/**"], "foo", False, False),
    (["**/x"], "x", True, False),
    (["a/**/b"], "a/b", True, False),
    (["a**b"], "ax/yb", False, False),  # '**' not between slashes is a plain '*'
    # bracket classes
    (["[[:digit:]]*"], "001_generated.py", True, False),
    (["[[:digit:]]*"], "alice/001_generated.py", True, False),
    (["[!]]x"], "ax", True, False),
    (["[!]]x"], "]x", False, False),
    (["[a\\]b]x"], "]x", True, False),
    (["[a\\]b]x"], "cx", False, False),
    (["[]]x"], "]x", True, False),
    (["[^a]x"], "bx", True, False),
    (["[z-a]x"], "zx", True, False),  # a reversed range still holds its first character
    (["[z-a]x"], "mx", False, False),
    (["[[:alpha:]x]y"], "xy", True, False),
    (["[[:nope]x"], "[x", True, False),  # no ':]': '[' is a member...
    (["[[:nope]x"], ":x", False, False),  # ...and git 2.39 skips the ':' after it
    (["[[:nope]x"], "nx", True, False),
    (["a**//"], "a/b/c", True, False),  # '**/' right after the literal start may match nothing
    (["a[/]b"], "a/b", False, False),
    # bytes, not characters
    (["???"], "AÉ", True, False),  # 3 bytes
    (["???"], "AB本", False, False),  # 5 bytes
    (["?????"], "AB本", True, False),
    (["[é]?"], "é", True, False),  # a class of two bytes, then one more
    # git's case folding: ASCII only, and its quirks
    (["ſ"], "s", False, True),
    (["Foo"], "foo", True, True),
    (["[A]"], "A", False, True),  # an upper-case member never matches under ignorecase
    (["[a]"], "A", True, True),
    (["[A-Z]x"], "qx", True, True),
    (["[[:upper:]]x"], "qx", True, True),
    (["\\A"], "a", False, True),  # an escaped upper-case letter never matches either
    (["\\a"], "A", True, True),
    # lines git reads specially
    (["#foo"], "#foo", False, False),  # a comment
    (["\\#foo"], "#foo", True, False),
    (["foo  "], "foo", True, False),  # trailing spaces are dropped
    (["foo\\ "], "foo ", True, False),
    (["foo\t"], "foo\t", True, False),  # tabs are not
    (["foo//"], "foo/x", False, False),  # never matches
    (["foo/"], "foo/x", True, False),
    # '**' in odd places
    (["a/**\\/b"], "a/x/b", True, False),
    (["a/**\\/b"], "a/b", False, False),
    (["a**/b"], "ab", True, False),
    (["a**/b"], "ax/y/b", True, False),
    (["a**/b"], "a/b", True, False),
    (["x/a**/b"], "x/a/q/b", True, False),
    (["**/"], "a/b", True, False),
    # escapes everywhere
    (["a\\*"], "a*", True, False),
    (["a\\*"], "ab", False, False),
    (["\\[ab]"], "[ab]", True, False),
    (["\\!x"], "!x", True, False),
    # negation, and git's rule that nothing comes back from under a folder that is in
    (["src/", "!src/a.py"], "src/a.py", True, False),
    (["src/**", "!src/vendor/**"], "src/vendor/lib.py", True, False),
    (["src/**", "!src/vendor/", "!src/vendor/**"], "src/vendor/lib.py", False, False),
    (["src/**", "!src/vendor/", "!src/vendor/**"], "src/app.py", True, False),
    (["*.py", "!keep.py"], "a/keep.py", False, False),
    (["/a/**", "!/a/b/"], "a/b/x", True, False),
    # names with odd characters
    (["src/**"], "src/a\nb.py", True, False),
    (["*.py"], "x/a\nb.py", True, False),
    (["a?b"], "a\nb", True, False),
    (["a b"], "a b", True, False),
    (["\\\\x"], "\\x", True, False),
]


@pytest.mark.parametrize(("patterns", "path", "expected", "ignorecase"), VECTORS)
def test_vector(git_oracle, patterns, path, expected, ignorecase) -> None:
    data = os.fsencode(path)
    git_says = data in git_oracle.decide(patterns, [data], ignorecase)
    single, many = ours(patterns, [data], ignorecase)
    assert (git_says, data in single, data in many) == (expected, expected, expected), patterns


def test_a_path_that_is_not_utf8(git_oracle) -> None:
    path = b"src/\xff\xfe.bin"
    for patterns in (["src/?\xfe.bin"], ["*.bin"], ["src/??.bin"], ["src/?.bin"]):
        assert check_against_git(git_oracle, patterns, [path], False) == []


def test_the_deciding_rule_is_gits(git_oracle) -> None:
    """The rule named is the one git names: the outermost folder's last match, else the path's own."""
    patterns = ["src/api/**", "main.py", "!src/api/keep/", "src/api/keep/x/"]
    paths = [b"src/api/v1/main.py", b"src/api/main.py", b"src/api/keep/main.py", b"src/api/keep/x/y.py"]
    assert check_against_git(git_oracle, patterns, paths, False) == []
    single, _ = ours(patterns, paths, False)
    assert single == {b"src/api/v1/main.py": 1, b"src/api/main.py": 2, b"src/api/keep/main.py": 2,
                      b"src/api/keep/x/y.py": 4}  # fmt: skip


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("***", "'***' is not a glob"),
        ("src/***/x", "'***' is not a glob"),
        ("[abc", "unclosed '['"),
        ("[]", "unclosed '['"),
        ("[a-\\", "unclosed '['"),
        ("x\\", "trailing backslash"),
        ("[[:nope:]]", "unknown character class '[:nope:]'"),
        ("[[::]]", "unknown character class '[::]'"),
        ("", "empty pattern"),
        ("   ", "empty pattern"),
        ("/", "names no path"),
        ("a\nb", "line break"),
    ],
)
def test_invalid_patterns_are_refused(pattern: str, message: str) -> None:
    with pytest.raises(GlobError, match=message.replace("[", "\\[").replace("*", "\\*")):
        translate(pattern)


@pytest.mark.parametrize(
    ("pattern", "ignorecase", "reason"),
    [
        ("#foo", False, "comment"),
        ("foo//", False, "two slashes"),
        ("a//b", False, "two slashes in a row"),
        ("[A]x", True, "upper-case class member"),
        ("\\Ax", True, "escaped upper-case letter"),
    ],
)
def test_rules_git_never_matches_say_why(pattern: str, ignorecase: bool, reason: str) -> None:
    glob = translate(pattern, ignorecase)
    assert glob.never is not None and reason in glob.never
    assert not glob.matches_path(pattern.lstrip("#\\").rstrip("/"))
    if ignorecase:  # a quirk of core.ignorecase alone: the same pattern matches without it
        assert translate(pattern, False).never is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("a.py  ", "a.py"), ("a\\ ", "a\\ "), ("a\\  ", "a\\ "), ("a\\\\  ", "a\\\\"), ("a", "a"), ("a\t", "a\t")],
)
def test_trailing_spaces_as_git_trims_them(raw: str, expected: str) -> None:
    assert strip_trailing_spaces(raw) == expected


def test_matching_time_is_bounded() -> None:
    """Backtracking-prone pairs answer (the bench times them; here only a hang guard of seconds)."""
    cases = [
        ("*_*_*_*_*.lock", "_" * 300),
        ("**/*a*a*a*a*a*b", "a" * 300),
        ("a/**/**/**/**/b*c", "a/" + "a/" * 150 + "b" * 10),
        ("**/a/**/a/**/a/**/a/**/b", "a/" * 150),
        ("[!x]*[!x]*[!x]*[!x]*y", "z" * 300),
    ]
    started = time.monotonic()
    for pattern, path in cases:
        assert translate(pattern).matches_path(path) is False
    assert time.monotonic() - started < 10


# --- property tests: generated patterns and paths over the whole grammar ------

NAMES = [
    "a",
    "b",
    "ab",
    "x.py",
    "foo",
    "Foo",
    "FOO",
    "a b",
    "é",
    "本",
    "ſ",
    "t\tb",
    "[ab]",
    "]",
    "*",
    "\\",
    "n\nl",
    "A",
]
PIECES = [
    "*", "?", "**", "*.py", "a*", "*b", "[ab]", "[!a]*", "[^a]", "[]a]", "[!]]", "[a-c]?", "[z-a]", "[A-Z]",
    "[[:digit:]]", "[[:upper:]]", "[[:alpha:]x]", "[\\]]", "[a\\]b]", "[é]", "\\*", "\\?", "\\[", "\\\\", "\\ ",
    "\\A", "\\a", "f?o", "a**", "**b", "x.*", "[[:space:]]", "[[:punct:]]",
]  # fmt: skip


def random_pattern(rng: random.Random) -> str:
    segments = [rng.choice(NAMES[:-4] + PIECES) for _ in range(rng.randint(1, 4))]
    text = "/".join(segments).replace("\n", "")
    if "***" in text:
        text = text.replace("***", "**")
    roll = rng.random()
    if roll < 0.3:
        text = "/" + text
    elif roll < 0.35:
        text = "**/" + text
    roll = rng.random()
    if roll < 0.2:
        text += "/"
    elif roll < 0.23:
        text += "//"
    elif roll < 0.26:
        text += "  "
    elif roll < 0.28:
        text += "\\/"
    if rng.random() < 0.04:
        text = "#" + text
    return text


def random_path(rng: random.Random) -> bytes:
    names = [os.fsencode(n) for n in NAMES] + [b"\xff\xfe", b"x.pyc", b"keep.py"]
    return b"/".join(rng.choice(names) for _ in range(rng.randint(1, 4)))


def valid(pattern: str) -> bool:
    try:
        translate(pattern)
    except GlobError:
        return False
    return True


@pytest.mark.parametrize("ignorecase", [False, True])
def test_single_patterns_agree_with_git(git_oracle, ignorecase: bool) -> None:
    rng = random.Random(20261207 + ignorecase)
    report, pairs = [], 0
    for _ in range(160):
        pattern = random_pattern(rng)
        if not valid(pattern):
            continue
        paths = sorted({random_path(rng) for _ in range(30)})
        pairs += len(paths)
        report += check_against_git(git_oracle, [pattern], paths, ignorecase)
    assert pairs >= 3000
    assert report == [], "\n".join(report[:20])


@pytest.mark.parametrize(("ignorecase", "root"), [(False, ""), (True, ""), (False, "a"), (True, "Foo")])
def test_pattern_lists_with_negations_agree_with_git(git_oracle, ignorecase: bool, root: str) -> None:
    """Several patterns and `!` in one section: git's last match, and its parent-folder rule."""
    rng = random.Random(7 + ignorecase + len(root))
    report = []
    for _ in range(60):
        patterns = [p for p in (random_pattern(rng) for _ in range(rng.randint(2, 5))) if valid(p)]
        patterns = [("!" + p if rng.random() < 0.35 and not p.startswith("#") else p) for p in patterns]
        paths = sorted({(root.encode() + b"/" if root else b"") + random_path(rng) for _ in range(30)})
        report += check_against_git(git_oracle, patterns, paths, ignorecase, root)
    assert report == [], "\n".join(report[:20])


def test_whole_contracts_engine_and_bulk_agree() -> None:
    """Engine.decide and Bulk agree on every decision and owner list, for random contracts."""
    rng = random.Random(11)

    def rules(section: str) -> tuple[Rule, ...]:
        patterns = [p for p in (random_pattern(rng) for _ in range(rng.randint(0, 6))) if valid(p)]
        marked = [("!" if rng.random() < 0.25 else "") + p for p in patterns]
        return tuple(Rule(section, p, "c.yaml", n + 1) for n, p in enumerate(marked))

    agents = tuple(Agent(f"a{i}", "c.yaml", 1, rules("owns"), rules("reads"), rules("cannot_touch")) for i in range(5))
    paths = sorted({os.fsdecode(random_path(rng)) for _ in range(500)})
    for ignorecase in (False, True):
        for root, unlisted in (("", "deny"), ("a", "allow"), ("Foo", "deny")):
            contract = Contract("c.yaml", root, agents, ("c.yaml",), protected=rules("protected"), unlisted=unlisted)
            engine = Engine(contract, ignorecase)
            bulk = Bulk(engine, paths)
            for index, path in enumerate(paths):
                for agent in agents:
                    assert bulk.decide(index, agent.name) == engine.decide(path, agent.name), (path, agent.name)
                assert bulk.owners(index) == engine.owners(path), path


def test_section_folder_queries() -> None:
    """A path ending in '/' is a folder: directory-only patterns apply to it."""
    section = Section((Rule("owns", "logs/", "c", 1),), False)
    assert section.match("logs", folder=True) is not None
    assert section.match("logs") is None
    assert section.match("logs/x") is not None
