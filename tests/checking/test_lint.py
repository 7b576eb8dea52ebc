"""lint names the rules git reads differently from how they look: ones that never match, and `!`s that bring nothing back."""

from __future__ import annotations

from tests.support import Repo


def lint_lines(run, repo: Repo) -> tuple[int, list[str]]:
    code, out, err = run(repo, "lint", "--strict")
    assert err == ""
    return code, out.splitlines()


def test_a_negation_under_a_folder_that_is_in_is_named_with_the_fix(repo, run) -> None:
    repo.write({
        "ownership.yaml": "agents:\n  a:\n    owns:\n      - src/**\n      - '!src/vendor/**'\n",
        "src/vendor/lib.py": "x\n",
        "src/app.py": "x\n",
    })  # fmt: skip
    repo.commit()
    code, lines = lint_lines(run, repo)
    assert code == 1
    assert (
        "ownership.yaml:5: warning: owns pattern '!src/vendor/**' cannot take src/vendor/lib.py out: 'src/**' "
        "(line 4) takes the folder src/vendor/ whole, and git never brings back a path under a folder that is in; "
        "add '!src/vendor/' before it (and keep '!src/vendor/**' for what is inside) [negation-shadowed]"
    ) in lines
    code, out, _ = run(repo, "can-write", "--agent", "a", "src/vendor/lib.py")
    assert code == 0 and "owns" in out  # git's answer, however surprising


def test_the_idiom_that_takes_a_folder_out_is_clean(repo, run) -> None:
    repo.write({
        "ownership.yaml": "agents:\n  a:\n    owns: [src/**, '!src/vendor/', '!src/vendor/**']\n  b:\n    owns: [src/vendor/]\n",
        "src/vendor/lib.py": "x\n",
        "src/app.py": "x\n",
    })  # fmt: skip
    repo.commit()
    code, lines = lint_lines(run, repo)
    assert (code, lines[-1]) == (
        0,
        "lint passed: 0 error(s), 0 warning(s); 2 agents, 4 rules, 3 tracked files governed (strict: warnings fail)",
    )
    assert run(repo, "can-write", "--agent", "a", "src/vendor/lib.py")[0] == 1


def test_rules_git_can_never_match_are_named(repo, run) -> None:
    repo.git("config", "core.ignorecase", "true")
    repo.write({
        "ownership.yaml": "agents:\n  a:\n    owns: ['#notes', 'docs//', '[A]pi/', src/**]\n",
        "src/app.py": "x\n",
    })  # fmt: skip
    repo.commit()
    code, lines = lint_lines(run, repo)
    assert code == 1
    assert [line for line in lines if "never-matches" in line] == [
        "ownership.yaml:3: warning: owns pattern '#notes' can never match: git reads a line starting with '#' as a "
        "comment; write '\\#' for a literal '#' [never-matches]",
        "ownership.yaml:3: warning: owns pattern '[A]pi/' can never match: under core.ignorecase git never matches "
        "an upper-case class member; write it in lower case [never-matches]",
        "ownership.yaml:3: warning: owns pattern 'docs//' can never match: it ends in two slashes, and no path "
        "does; write one [never-matches]",
    ]
