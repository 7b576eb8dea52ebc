"""Pattern semantics: hand-written cases, then a property test against real git."""

from __future__ import annotations

import random
import re
import subprocess

import pytest

from ownership.globs import GlobError, strip_trailing_spaces, translate


def matches(pattern: str, path: str) -> bool:
    return re.fullmatch(translate(pattern).regex, path) is not None


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("main.py", "main.py", True),
        ("main.py", "src/db/main.py", True),  # unanchored: any depth
        ("/main.py", "src/db/main.py", False),
        ("/main.py", "main.py", True),
        ("src/api/**/*", "src/api/v1/users.py", True),
        ("src/api/**/*", "src/api/x.py", True),
        ("src/api/**/*", "src/apix/x.py", False),
        ("src/api/**/*", "lib/src/api/x.py", False),  # a middle slash anchors
        ("src/*", "src/a/b.py", True),  # the folder src/a matches, and takes its contents
        ("src/*", "src", False),
        ("logs/", "logs/err.log", True),
        ("logs/", "a/logs/err.log", True),
        ("logs/", "logs", False),  # directory-only: a file named logs is not a folder
        ("foo/**", "foo", False),
        ("foo/**", "foo/a/b", True),
        ("**/x", "x", True),
        ("**/x", "a/b/x", True),
        ("a/**/b", "a/b", True),
        ("a/**/b", "a/x/y/b", True),
        ("a**b", "axb", True),
        ("a**b", "ax/yb", False),  # '**' not between slashes is a plain '*'
        ("*.py", "a/b/c.py", True),
        ("*.py", "a/b/c.pyc", False),
        ("?.py", "ab.py", False),
        ("[a-c].py", "b.py", True),
        ("[!a-c].py", "d.py", True),
        ("[!a-c].py", "a.py", False),
        ("[[:digit:]].txt", "7.txt", True),
        ("[]].txt", "].txt", True),
        ("a[/]b", "a/b", False),  # a class never matches a slash
        ("\\!x", "!x", True),
        ("\\#x", "#x", True),
        ("a\\*", "a*", True),
        ("a\\*", "ab", False),
        ("[z-a]x", "zx", False),  # a reversed range matches nothing
        ("!src/**", "src/a", True),
        ("src/**", "src/a\nb.py", True),  # a newline in a name hides nothing
        ("*.py", "x/a\nb.py", True),
        ("a?b", "a\nb", True),  # the body matches; negation is decided by the section
    ],
)
def test_pattern_matches(pattern: str, path: str, expected: bool) -> None:
    assert matches(pattern, path) is expected


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("***", "'***' is not a glob"),
        ("src/***/x", "'***' is not a glob"),
        ("[abc", "unclosed '['"),
        ("x\\", "trailing backslash"),
        ("[[:nope:]]", "unknown character class '[:nope:]'"),
        ("", "empty pattern"),
        ("/", "names no path"),
    ],
)
def test_invalid_patterns_are_refused(pattern: str, message: str) -> None:
    with pytest.raises(GlobError, match=re.escape(message)):
        translate(pattern)


def test_directory_queries_match_directory_only_patterns() -> None:
    assert re.fullmatch(translate("logs/").dir_regex, "logs")
    assert not re.fullmatch(translate("logs/").regex, "logs")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("a.py  ", "a.py"), ("a\\ ", "a\\ "), ("a\\\\  ", "a\\\\"), ("a", "a")],
)
def test_trailing_spaces(raw: str, expected: str) -> None:
    assert strip_trailing_spaces(raw) == expected


# --- the oracle: git itself ------------------------------------------------

NAMES = ["a", "b", "ab", "ba", "x.py", "a.py", "foo", "Foo", "a b", "x.txt", "é.py", "t\tb"]
WILD = ["*", "?", "**", "*.py", "a*", "*b", "[ab]", "[!a]*", "[a-c]?", "x.*", "[[:alpha:]]*", "\\*", "f?o"]


def _random_pattern(rng: random.Random) -> str:
    segments = [rng.choice(NAMES + WILD) for _ in range(rng.randint(1, 3))]
    text = "/".join(segments)
    if rng.random() < 0.3:
        text = "/" + text
    if rng.random() < 0.25:
        text += "/"
    if "***" in text:
        text = text.replace("***", "**")
    return text


def _random_path(rng: random.Random) -> str:
    names = NAMES + ["*", "[ab]", "f.o", "n\nl.py", "a\nb"]  # a pattern is one line; a path may hold a newline
    return "/".join(rng.choice(names) for _ in range(rng.randint(1, 4)))


def _git_ignored(repo, pattern: str, paths: list[str], ignorecase: bool) -> set[str]:
    (repo / ".gitignore").write_text(pattern + "\n", encoding="utf-8")
    proc = subprocess.run(
        ["git", "-c", f"core.ignorecase={str(ignorecase).lower()}", "check-ignore", "--no-index", "-z", "--stdin"],
        cwd=repo,
        input="\0".join(paths).encode() + b"\0",
        capture_output=True,
        check=False,
    )
    assert proc.returncode in (0, 1), proc.stderr
    return {p.decode() for p in proc.stdout.split(b"\0") if p}


@pytest.mark.parametrize("ignorecase", [False, True])
def test_patterns_agree_with_git_check_ignore(tmp_path, ignorecase: bool) -> None:
    """Hundreds of generated pattern/path pairs, each decided by git and by us."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    rng = random.Random(20261126 + ignorecase)
    flags = re.IGNORECASE if ignorecase else 0
    pairs = 0
    disagreements = []
    for _ in range(120):
        pattern = _random_pattern(rng)
        paths = sorted({_random_path(rng) for _ in range(25)})
        ignored = _git_ignored(tmp_path, pattern, paths, ignorecase)
        regex = re.compile(translate(pattern).regex, flags)
        for path in paths:
            pairs += 1
            ours = regex.fullmatch(path) is not None
            if ours != (path in ignored):
                disagreements.append((pattern, path, path in ignored))
    assert pairs >= 2500
    assert disagreements == []


def test_bulk_scan_decides_like_one_path_at_a_time(tmp_path) -> None:
    """Engine.decide and Bulk (one scan a section over all paths) must agree everywhere."""
    from ownership.matching import Bulk, Engine
    from ownership.model import Agent, Contract, Rule

    rng = random.Random(7)
    def rules(section: str) -> tuple[Rule, ...]:
        patterns = [_random_pattern(rng) for _ in range(rng.randint(0, 6))]
        return tuple(Rule(section, ("!" if rng.random() < 0.2 else "") + p, "c.yaml", n + 1) for n, p in enumerate(patterns))

    agents = tuple(Agent(f"a{i}", "c.yaml", 1, rules("owns"), rules("reads"), rules("cannot_touch")) for i in range(6))
    paths = sorted({_random_path(rng) for _ in range(600)}) + ["a/n\nl.py", "x.py/a\nb"]
    for ignorecase in (False, True):
        for root, unlisted in (("", "deny"), ("a", "allow")):
            contract = Contract("c.yaml", root, agents, ("c.yaml",), protected=rules("protected"), unlisted=unlisted)
            engine = Engine(contract, ignorecase)
            bulk = Bulk(engine, paths)
            for index, path in enumerate(paths):
                for agent in agents:
                    assert bulk.decide(index, agent.name) == engine.decide(path, agent.name), (path, agent.name)
                assert bulk.owners(index) == engine.owners(path), path
