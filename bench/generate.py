"""Synthetic repositories and contracts for the benchmark: real files, real git."""

from __future__ import annotations

import subprocess
from pathlib import Path

EXTENSIONS = ("py", "ts", "md", "sql", "json", "yaml", "txt")
SERVICES = 40


def file_paths(count: int) -> list[str]:
    """`count` paths in nested folders, deterministic."""
    paths = []
    for i in range(count):
        ext = EXTENSIONS[i % len(EXTENSIONS)]
        bucket = i % 10
        svc, mod, sub = i % SERVICES, (i // SERVICES) % 12, (i // (SERVICES * 12)) % 9
        if bucket < 6:
            kind = ("src", "src", "tests", "migrations", "generated", "schema")[bucket]
            paths.append(f"services/svc{svc}/{kind}/mod{mod}/sub{sub}/f{i}.{ext}")
        elif bucket < 8:
            paths.append(f"libs/lib{svc}/pkg{mod}/f{i}.{ext}")
        elif bucket == 8:
            paths.append(f"web/app{svc}/components/c{mod}/f{i}.{ext}")
        else:
            paths.append(f"{('docs', 'infra')[i % 2]}/area{svc}/f{i}.{ext}")
    return paths


def agent_rules(index: int, agents: int) -> dict[str, list[str]]:
    """About fifteen patterns an agent: anchored and not, '**', '*.ext', negations, overlaps."""
    return {
        "owns": [
            f"/services/svc{index}/**",
            f"/services/svc{index + agents}/**" if index + agents < SERVICES else f"/services/svc{index}/README",
            # git cannot re-include a file under a folder that is in: take the folder out, then what is under it.
            f"!/services/svc{index}/generated/",
            f"!/services/svc{index}/generated/**",
            f"/libs/lib{index}/**/*.py",
            f"web/app{index}/",
            f"/infra/area{index}/*.yaml",
            f"*.agent{index}",
        ],
        "reads": ["/libs/**", "*.md", "/docs/**", "**/schema/*.json"],
        "cannot_touch": [
            "**/migrations/**",
            "/infra/prod/**",
            "*.lock",
            f"/services/svc{(index + 1) % agents}/**",
        ],
    }


def contract_text(agents: int) -> str:
    lines = ["version: 1", "root: .", "unlisted: deny", "agents:"]
    for a in range(agents):
        lines.append(f"  agent{a}:")
        for section, patterns in agent_rules(a, agents).items():
            quoted = ", ".join(f"'{p}'" for p in patterns)
            lines.append(f"    {section}: [{quoted}]")
    return "\n".join(lines) + "\n"


def codeowners_text(agents: int) -> str:
    """The owns rules as CODEOWNERS lines, for the `codeowners` library (negations cannot be written)."""
    lines = []
    for a in range(agents):
        for pattern in agent_rules(a, agents)["owns"]:
            if not pattern.startswith("!"):
                lines.append(f"{pattern} @org/agent{a}")
    return "\n".join(lines) + "\n"


def git(repo: Path, *args: str, input: bytes | None = None) -> None:
    subprocess.run(["git", *args], cwd=repo, input=input, check=True, capture_output=True)


def make_repo(root: Path, count: int) -> Path:
    """A committed repository of `count` files with contracts of 4 and 30 agents (reused when present)."""
    repo = root / f"repo-{count}"
    if (repo / ".git" / "bench-ready").exists():
        return repo
    if repo.exists():
        subprocess.run(["rm", "-rf", str(repo)], check=True)
    repo.mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.email", "bench@example.com")
    git(repo, "config", "user.name", "Bench")
    for path in file_paths(count):
        target = repo / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(path + "\n")
    for agents in (4, 30):
        (repo / f"contract{agents}.yaml").write_text(contract_text(agents))
    (repo / "CODEOWNERS").write_text(codeowners_text(30))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "generated")
    (repo / ".git" / "bench-ready").write_text("")
    return repo


def make_bulk_commit(repo: Path, count: int) -> str:
    """A commit on a branch that rewrites the first `count` files; returns its range."""
    branch = f"bulk-{count}"
    git(repo, "checkout", "-q", "-B", branch, "main")
    for path in file_paths(count):
        with open(repo / path, "a") as handle:
            handle.write("changed\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", f"rewrite {count} files\n\nAgent: agent3")
    git(repo, "checkout", "-q", "main")
    return f"main..{branch}"


def make_many_commits(repo: Path, count: int, agents: int = 30) -> str:
    """`count` small commits on a branch (one to three files each, one agent's trailer, every fifth out of lane),
    written by one `git fast-import`; returns their range."""
    branch = f"many-{count}"
    paths = file_paths(min(count * 3, 100_000))
    main = subprocess.run(
        ["git", "rev-parse", "main"], cwd=repo, capture_output=True, text=True, check=True
    ).stdout.strip()
    stream = []
    for n in range(count):
        agent = n % agents
        # Files of the agent's own service (svc<agent>), or, every fifth commit, of the next agent's.
        service = (agent + 1) % agents if n % 5 == 4 else agent
        start = n * 3 % len(paths)
        mine = [p for p in paths[start : start + 400] if p.startswith(f"services/svc{service}/src/")]
        touched = (mine or [f"services/svc{service}/src/new{n}.py"])[: 1 + n % 3]
        message = f"change {n}\n\nAgent: agent{agent}\n".encode()
        stream.append(f"commit refs/heads/{branch}\nauthor Bench <bench@example.com> {1700000000 + n} +0000\n"
                      f"committer Bench <bench@example.com> {1700000000 + n} +0000\n"
                      f"data {len(message)}\n".encode() + message)  # fmt: skip
        if n == 0:
            stream.append(f"from {main}\n".encode())
        for path in touched:
            content = f"{path} {n}\n".encode()
            stream.append(f"M 100644 inline {path}\ndata {len(content)}\n".encode() + content)
        stream.append(b"\n")
    git(repo, "fast-import", "--quiet", "--force", input=b"".join(stream))
    return f"main..{branch}"
