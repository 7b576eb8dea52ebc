"""`ownership export codex`: the contract as Codex permission profiles, in TOML that tomllib reads back.

The format is Codex's (developers.openai.com/codex/permissions; openai/codex
codex-rs/core/src/config/permissions.rs): `[permissions.NAME.filesystem]` and its `":workspace_roots"`
table of subpaths, each "read" or "write", the most specific path winning.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from ownership.exports.codex import agent_profile, toml_key, toml_string
from tests.support import DATA, TOP, Repo, agent_file


def sample(repo: Repo) -> Repo:
    """The bundled contract/ and the tracked paths of sample_service/ (empty), in a repository of their own."""
    files = repo.git("-C", str(TOP), "ls-files", "-z", "contract", "sample_service").split("\0")
    for name in filter(None, files):
        target = repo.path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes((TOP / name).read_bytes() if name.startswith("contract/") else b"")
    repo.commit("sample")
    return repo


def roots(text: str, profile: str) -> dict[str, str]:
    return tomllib.loads(text)["permissions"][profile]["filesystem"][":workspace_roots"]


def test_the_sample_contract_exports_exactly_this(repo: Repo, run) -> None:
    code, out, err = run(sample(repo), "export", "codex")
    assert code == 0
    assert out == (DATA / "codex-sample.toml").read_text(encoding="utf-8")
    assert err == (DATA / "codex-sample.stderr").read_text(encoding="utf-8")
    config = tomllib.loads(out)
    assert config["default_permissions"] == "ownership"
    assert sorted(config["permissions"]) == [
        "ownership", "ownership-backend-fastapi", "ownership-database", "ownership-frontend", "ownership-testing",
    ]  # fmt: skip
    assert roots(out, "ownership-database") == {".": "read", "sample_service/src/db": "write"}


def test_protected_paths_stay_read_only_for_everyone(example: Repo, run) -> None:
    code, out, err = run(example, "export", "codex")
    assert roots(out, "ownership") == {
        ".": "write", ".agents": "read", ".codex": "read", ".git": "read",
        ".pre-commit-config.yaml": "read",  # `.pre-commit-config.yaml` matches at any depth: its tracked file
        "contract/ownership.yaml": "read", "contract/agents/api.md": "read", "contract/agents/db.md": "read",
        "ownership.yaml": "read", ".ownership.yaml": "read",
    }  # fmt: skip
    assert err.splitlines()[0] == (
        "ownership: profile ownership: protected .pre-commit-config.yaml (contract/ownership.yaml:4) is a glob: "
        "the 1 tracked file(s) it matches are kept read-only, a new file it matches is not"
    )


def test_a_pattern_that_may_match_at_any_depth_keeps_every_folder_from_the_agent(example: Repo, run) -> None:
    _, out, err = run(example, "export", "codex")
    assert roots(out, "ownership-api") == {".": "read"}
    assert (
        "ownership: profile ownership-api: .pre-commit-config.yaml (contract/ownership.yaml:4) may reach beneath "
        "svc/src/api/ without naming one path there, and Codex cannot keep a glob read-only inside a writable "
        "folder: no folder it may reach is granted (anchor it to narrow it)"
    ) in err.splitlines()
    path = example.path / "contract/ownership.yaml"
    path.write_text(path.read_text().replace("[.pre-commit-config.yaml]", "[/.pre-commit-config.yaml]"))
    example.commit("anchored")
    _, out, err = run(example, "export", "codex")
    assert roots(out, "ownership-api") == {".": "read", "svc/src/api": "write"}
    assert roots(out, "ownership-db") == {".": "read", "svc/src/db": "write"}
    assert err.splitlines()[-1] == (
        "ownership: profile ownership-api: /main.py (contract/agents/api.md:12): 1 tracked file(s) the agent may "
        "write lie outside the folders granted whole (first: svc/main.py); Codex asks before a command writes "
        "there, or refuses"
    )


@pytest.fixture
def hostile(repo: Repo) -> Repo:
    """Quotes, unicode, brackets, a backslash; a literal and a glob CANNOT TOUCH inside the lane; a `!` in OWNS."""
    owns = ['src/"quoted"/**', "src/ünï/**", r"src/br\[a\]ck/**", "src/neg/**", "!src/neg/keep.py", "src/back/**"]
    repo.write({
        "ownership.yaml": "version: 1\nagent_files: [agents/*.md]\nprotected: [/src/ünï/LOCK, '/src/back/a\\b/**']\n",
        "agents/a.md": agent_file("a", owns, [], ["src/ünï/secret.txt", 'src/"quoted"/*.gen']),
        "agents/b.md": agent_file("b", ["elsewhere/**"]),
        'src/"quoted"/x.py': "", 'src/"quoted"/sub/y.py': "", "src/ünï/z.py": "", "src/br[a]ck/w.py": "",
        "src/neg/keep.py": "", "src/neg/other.py": "", "src/back/a\\b/c.py": "", "src/back/d.py": "",
    })  # fmt: skip
    repo.commit("hostile")
    return repo


def test_hostile_paths_are_escaped_and_what_codex_cannot_say_is_named(hostile: Repo, run) -> None:
    code, out, err = run(hostile, "export", "codex")
    assert code == 0
    assert roots(out, "ownership-a") == {
        ".": "read",
        'src/"quoted"/sub': "write",  # its parent holds a *.gen the agent cannot touch: a glob, not a path
        "src/ünï": "write", "src/ünï/secret.txt": "read", "src/ünï/LOCK": "read",
    }  # fmt: skip
    assert '"src/\\"quoted\\"/sub" = "write"  # owns: src/"quoted"/** (agents/a.md:11)' in out.splitlines()
    lines = [line for line in err.splitlines() if line.startswith("ownership: profile ownership-a:")]
    assert lines == [
        'ownership: profile ownership-a: src/"quoted"/*.gen (agents/a.md:27) may reach beneath src/"quoted"/ '
        "without naming one path there, and Codex cannot keep a glob read-only inside a writable folder: no folder "
        "it may reach is granted (anchor it to narrow it)",
        # in git's patterns `a\b` is `ab`: read as unsure, never as a path, so src/back/ is not granted
        r"ownership: profile ownership-a: /src/back/a\b/** (ownership.yaml:3) may reach beneath src/back/ without "
        "naming one path there, and Codex cannot keep a glob read-only inside a writable folder: no folder it may "
        "reach is granted (anchor it to narrow it)",
        'ownership: profile ownership-a: src/"quoted"/** (agents/a.md:11): 1 tracked file(s) the agent may write '
        'lie outside the folders granted whole (first: src/"quoted"/x.py); Codex asks before a command writes '
        "there, or refuses",
        r"ownership: profile ownership-a: src/back/** (agents/a.md:16): 2 tracked file(s) the agent may write lie "
        r"outside the folders granted whole (first: src/back/a\b/c.py); Codex asks before a command writes there, "
        "or refuses",
        r"ownership: profile ownership-a: src/br\[a\]ck/** (agents/a.md:13): 1 tracked file(s) the agent may "
        "write lie outside the folders granted whole (first: src/br[a]ck/w.py); Codex asks before a command "
        "writes there, or refuses",
        "ownership: profile ownership-a: src/neg/** (agents/a.md:14): 1 tracked file(s) the agent may write lie "
        "outside the folders granted whole (first: src/neg/other.py); Codex asks before a command writes there, "
        "or refuses",
    ]
    assert roots(out, "ownership-b") == {".": "read"}  # elsewhere/ holds no tracked file yet


def test_no_profile_grants_a_write_the_contract_refuses(hostile: Repo, example: Repo) -> None:
    from ownership.workspace import Workspace

    for repo in (hostile, example):
        ws = Workspace(str(repo.path))
        for agent in ws.contract.names:
            entries = agent_profile(ws.engine, agent, ws.tracked_files).entries
            written = [e.path for e in entries if e.access == "write"]
            kept = [e.path for e in entries if e.access == "read" and e.path != "."]
            probes = [f for f in ws.tracked_files] + [f"{w}/new-file.txt" for w in written]
            for path in probes:
                inside = any(path.startswith(w + "/") for w in written)
                if inside and not any(path == k or path.startswith(k + "/") for k in kept):
                    assert ws.engine.decide(path, agent).can_write, (agent, path)


@pytest.mark.parametrize("text", ['a"b', "back\\slash", "tab\there", "line\nbreak", "\x00\x1f\x7f", "ünï ☃ 𝄞", "[x]"])
def test_toml_strings_and_keys_read_back_as_written(text: str) -> None:
    assert tomllib.loads(f"k = {toml_string(text)}\n{toml_key(text)} = 1\n") == {"k": text, text: 1}
    assert toml_key("ownership-api_2") == "ownership-api_2"


def test_the_output_file_is_written_once_and_a_foreign_one_is_refused(example: Repo, run) -> None:
    assert run(example, "export", "codex", "-o", ".codex/config.toml")[::2] == (
        0,
        _notes(example, run) + "wrote .codex/config.toml\n",
    )
    text = Path(example.path / ".codex/config.toml").read_text()
    assert text.splitlines()[1] == "# Change the contract, then run: ownership export codex --output .codex/config.toml"
    assert run(example, "export", "codex", "-o", ".codex/config.toml")[2].endswith(".codex/config.toml is up to date\n")
    (example.path / ".codex/config.toml").write_text('model = "gpt-5"\n')
    assert run(example, "export", "codex", "-o", ".codex/config.toml")[::2] == (
        2, _notes(example, run) + "ownership: .codex/config.toml exists and was not written by `ownership export "
        "codex`; merge the profiles into it by hand (`ownership export codex` prints them) or write them to another file\n",
    )  # fmt: skip
    assert (example.path / ".codex/config.toml").read_text() == 'model = "gpt-5"\n'


def _notes(repo: Repo, run) -> str:
    return run(repo, "export", "codex")[2]
