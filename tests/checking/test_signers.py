"""Identity CI can verify: `identity.signers` (git's allowed-signers file), real ssh-keygen keys, real signed commits.

`ownership check --range` runs as the installed command in a subprocess, as a CI job would.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import Repo, agent_file

EXE = str(Path(sys.executable).with_name("ownership"))


def keygen(folder: Path, name: str) -> tuple[Path, str]:
    """A fresh ed25519 key: (private key file, the public key line)."""
    key = folder / name
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(key)], check=True)
    return key, (folder / f"{name}.pub").read_text().split(" ", 2)[0:2]


@pytest.fixture
def keys(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "keys"
    folder.mkdir()
    found, lines = {}, []
    for name, principal in (("api", "api"), ("db", "db"), ("person", "lead@example.com"), ("stranger", None)):
        key, (kind, blob) = keygen(folder, name)
        found[name] = key
        if principal:
            lines.append(f"{principal} {kind} {blob}")
    found["allowed"] = "\n".join(lines) + "\n"
    return found


def signed_commit(repo: Repo, key: Path | None, message: str, files: dict[str, str]) -> str:
    repo.write(files)
    repo.git("add", "-A")
    sign = ["-c", "gpg.format=ssh", "-c", f"user.signingkey={key}", "commit", "-S"] if key else ["commit"]
    repo.git(*sign, "-q", "-m", message)
    return repo.git("rev-parse", "HEAD").strip()


def check(repo: Repo, *args: str) -> tuple[int, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "OWNERSHIP_"))}
    proc = subprocess.run([EXE, "check", *args], cwd=repo.path, capture_output=True, text=True, env=env)
    out = proc.stdout + proc.stderr
    if "--range" in args and proc.returncode in (
        0,
        1,
    ):  # a range names the contract that judged it: a commit id, different every run
        assert re.search(r"; judged by contract/ownership\.yaml at [0-9a-f]{7,}\n$", out), out
        out = re.sub(r"; judged by contract/ownership\.yaml at [0-9a-f]{7,}\n$", "\n", out)
    return proc.returncode, out


@pytest.fixture
def signed(repo: Repo, keys: dict) -> Repo:
    """Agents api (src/api/**) and db (src/db/**); the contract and its signers committed, signed by the lead."""
    signed_commit(
        repo,
        keys["person"],
        "contract",
        {
            "contract/ownership.yaml": """
                version: 1
                agent_files: [agents/*.md]
                identity:
                  signers: allowed_signers
                  unsigned: fail
                  contract_changes: signed
            """,
            "contract/allowed_signers": keys["allowed"],
            "contract/agents/api.md": agent_file("api", ["src/api/**"]),
            "contract/agents/db.md": agent_file("db", ["src/db/**"]),
        },
    )
    return repo


def test_each_commit_is_its_signers_whatever_its_trailer_or_branch(signed: Repo, keys: dict) -> None:
    base = signed.git("rev-parse", "HEAD").strip()
    signed.git("checkout", "-q", "-b", "agent/api/x")
    signed_commit(signed, keys["api"], "api work", {"src/api/a.py": "a\n"})
    signed_commit(signed, keys["db"], "db work on the api branch", {"src/db/m.py": "m\n"})
    assert check(signed, "--range", f"{base}..HEAD") == (0, "check passed: 2 path(s) in 2 commit(s); acting: api, db\n")
    spoof = signed_commit(signed, keys["api"], "into db\n\nAgent: db", {"src/db/n.py": "n\n"})
    code, out = check(signed, "--range", f"{base}..HEAD")
    assert (code, out) == (
        1,
        f"commit {spoof[:12]}: api may not write src/db/n.py (A): unlisted: no section of its lane names it, and unlisted is deny; owners: db\n"
        "check failed: 1 violation(s) among 3 path(s) in 3 commit(s); acting: api, db\n",
    )


def test_unsigned_and_unknown_signers_fail_under_unsigned_fail(signed: Repo, keys: dict) -> None:
    base = signed.git("rev-parse", "HEAD").strip()
    plain = signed_commit(signed, None, "unsigned\n\nAgent: api", {"src/api/a.py": "a\n"})
    stranger = signed_commit(signed, keys["stranger"], "stranger\n\nAgent: api", {"src/api/b.py": "b\n"})
    assert check(signed, "--range", f"{base}..HEAD") == (
        1,
        f"commit {plain[:12]}: no signature verified by identity.signers (git's %G? is N), and identity.unsigned is fail\n"
        f"commit {stranger[:12]}: no signature verified by identity.signers (git's %G? is U), "
        "and identity.unsigned is fail\n"
        "check failed: 2 violation(s) among 2 path(s) in 2 commit(s); acting: api (the commit trailer 'Agent:')\n",
    )


def test_a_contract_change_needs_a_persons_verified_signature(signed: Repo, keys: dict) -> None:
    base = signed.git("rev-parse", "HEAD").strip()
    widened = (signed.path / "contract/allowed_signers").read_text() + "api ssh-ed25519 AAAA\n"
    by_lead = signed_commit(signed, keys["person"], "lead", {"contract/allowed_signers": widened})
    assert check(signed, "--range", f"{base}..HEAD") == (
        0, "check passed: 1 path(s) in 1 commit(s); no agent identified: a person is acting\n"
    )  # fmt: skip
    by_api = signed_commit(signed, keys["api"], "api", {"contract/agents/api.md": agent_file("api", ["**"])})
    assert check(signed, "--range", f"{by_lead}..HEAD") == (
        1,
        f"commit {by_api[:12]}: contract/agents/api.md is a file of the contract, changed without the verified "
        "signature of a person listed in identity.signers (identity.contract_changes: signed)\n"
        f"commit {by_api[:12]}: api may not write contract/agents/api.md (M): protected: /contract/agents/*.md "
        "(contract/ownership.yaml, automatic); owners: no agent (a person must change it)\n"
        "check failed: 2 violation(s) among 1 path(s) in 1 commit(s); acting: api (the verified signature of api)\n",
    )


def test_an_unsigned_contract_change_fails_even_when_unsigned_commits_count_as_a_persons(
    signed: Repo, keys: dict
) -> None:
    path = signed.path / "contract/ownership.yaml"
    path.write_text(path.read_text().replace("unsigned: fail", "unsigned: person"))
    base = signed_commit(signed, keys["person"], "relax", {})
    tidy = signed_commit(signed, None, "tidy", {"contract/agents/db.md": agent_file("db", ["src/**"])})
    assert check(signed, "--range", f"{base}..HEAD") == (
        1,
        f"commit {tidy[:12]}: contract/agents/db.md is a file of the contract, changed without the verified "
        "signature of a person listed in identity.signers (identity.contract_changes: signed)\n"
        "check failed: 1 violation(s) among 1 path(s) in 1 commit(s); no agent identified: a person is acting\n",
    )


def test_signers_that_name_a_missing_file_are_one_clear_line(signed: Repo, keys: dict) -> None:
    base = signed.git("rev-parse", "HEAD").strip()
    signed.git("rm", "-q", "contract/allowed_signers")
    signed_commit(signed, keys["person"], "drop the signers", {})
    signed_commit(signed, keys["api"], "api", {"src/api/a.py": "a\n"})
    head = signed.git("rev-parse", "HEAD~1").strip()
    code, out = check(signed, "--range", f"{head}..HEAD")
    assert (code, out) == (
        2,
        "ownership: identity.signers names contract/allowed_signers, which does not exist at "
        f"{head[:12]}; commit it with the contract\n",
    )
    assert check(signed, "--range", f"{base}..{base}") == (
        0,
        "check passed: 0 path(s) in 0 commit(s); acting: nobody identified\n",
    )


@pytest.mark.parametrize(
    ("identity", "message"),
    [
        ("  signers: /etc/keys\n", "contract/ownership.yaml:4: identity.signers must be a path relative to this file"),
        ("  signers: ../keys\n", "contract/ownership.yaml:4: identity.signers must be a path relative to this file"),
        ("  signers: keys\n  unsigned: maybe\n",
         "contract/ownership.yaml:5: identity.unsigned must be person or fail, not 'maybe'"),
        ("  contract_changes: signed\n",
         "contract/ownership.yaml:4: identity.unsigned and identity.contract_changes need identity.signers"),
    ],
)  # fmt: skip
def test_bad_identity_settings_are_reported_at_their_line(repo: Repo, identity: str, message: str) -> None:
    repo.write({"contract/agents/api.md": agent_file("api", ["src/api/**"])})
    (repo.path / "contract/ownership.yaml").write_text("version: 1\nagent_files: [agents/*.md]\nidentity:\n" + identity)
    code, out = check(repo, "--staged")
    assert (code, message in out) == (2, True), out
