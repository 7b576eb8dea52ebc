"""What reading a Bash command costs the guard: the parser's import, then read and decision time per command.

    .venv/bin/python bench/guard_parse.py [--repeat N]

Prints, for a corpus of typical and hostile commands, the time guard/shell.py
takes to read each one (parse with tree-sitter-bash, expand, list) and the time
the whole decision takes (Guard.decide in-process, in a scratch repository with
a two-agent contract), best of N runs; then the import cost of the parser in a
fresh interpreter, next to bashlex's when it is installed and the floor
(`python -c pass`). Standalone: bench/bench.py does not run it; to add it
there, call `main(["--repeat", "5"])` from its guard section and copy the lines
into RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TOP = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(TOP))

LONG = "; ".join(f"echo {i} > svc/src/api/out{i}.txt && cp a/{i} b/{i}" for i in range(400))
CORPUS = [
    ("typical", "git status"),
    ("typical", "ls -la svc"),
    ("typical", "pytest -q tests/ -k 'users and not slow'"),
    ("typical", "echo x > svc/src/api/x.py"),
    ("typical", "cd svc && make test 2>&1 | tail -20"),
    ("typical", "cat > svc/src/api/gen.py <<'EOF'\nprint('hello')\nEOF"),
    ("typical", "for f in svc/src/api/*.py; do sed -i 's/a/b/' \"$f\"; done"),
    ("typical", "git add svc/src/api/users.py && git commit -m msg"),
    ("typical", "rm -rf svc/src/api/gen"),
    ("typical", "git checkout -- svc/src/api"),
    ("hostile", "echo x > svc/src/db/x; arr=(1 2)"),
    ("hostile", 'echo "$(touch svc/src/db/x)" `rm svc/src/db/y`'),
    ("hostile", "ln -s ../db svc/src/api/l && echo x > svc/src/api/l/x"),
    ("hostile", "true || tee a/" + "{a,b}" * 22),
    ("hostile", "true || rm /*/*/*/*/*/*"),
    ("hostile", "git checkout -- :/"),
    ("hostile", "echo ${x:-(} > svc/src/api/ok.py"),
    ("hostile", f"long: {len(LONG)} bytes, 800 commands"),
]


def best(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times) * 1000


def fresh(statement: str, repeat: int) -> float:
    """Milliseconds a statement takes in a new interpreter (best of `repeat`), the interpreter's start excluded."""
    code = f"import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}  # as installed: bytecode cached
    runs = []
    for _ in range(repeat + 1):  # the first run writes the bytecode
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=TOP, env=env)
        if out.returncode != 0:
            return float("nan")
        runs.append(float(out.stdout))
    return min(runs[1:]) * 1000


def scratch() -> Path:
    """A two-agent repository like the tests' example: api owns svc/src/api/**, db owns svc/src/db/**."""
    top = Path(tempfile.mkdtemp(prefix="guard-parse-"))
    files = {
        "contract/ownership.yaml": "version: 1\nroot: svc\nagents:\n  api:\n    owns: [src/api/**]\n"
        "    reads: [src/db/**]\n  db:\n    owns: [src/db/**]\n",
        "svc/src/api/users.py": "users = []\n",
        "svc/src/db/models.py": "models = []\n",
    }
    for name, text in files.items():
        (top / name).parent.mkdir(parents=True, exist_ok=True)
        (top / name).write_text(text)
    env = dict(
        os.environ, GIT_AUTHOR_NAME="b", GIT_AUTHOR_EMAIL="b@x", GIT_COMMITTER_NAME="b", GIT_COMMITTER_EMAIL="b@x"
    )
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "start"]):
        subprocess.run(["git", *args], cwd=top, check=True, env=env)
    return top


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    repeat = parser.parse_args(argv).repeat

    from ownership.guard.decide import Guard
    from ownership.guard.protocol import HookInput
    from ownership.guard.shell import written_paths
    from ownership.workspace import Workspace

    top = str(scratch())
    ws = Workspace(top)
    print(f"{'kind':8} {'read ms':>9} {'decide ms':>10}  answer  command")
    for kind, command in CORPUS:
        text = LONG if command.startswith("long:") else command
        read = best(lambda text=text: written_paths(text, top), repeat)
        hook = HookInput("PreToolUse", top, "s", "Bash", {"command": text}, "t", "a-1", "api")
        decide = best(lambda hook=hook: Guard(ws).decide(hook), repeat)
        answer = "deny" if Guard(ws).decide(hook).denied else "allow"
        shown = command.replace("\n", "\\n")
        print(f"{kind:8} {read:9.2f} {decide:10.2f}  {answer:6}  {shown[:70]}")
    print()
    print("import cost in a fresh interpreter (best of %d):" % repeat)
    floor = fresh("pass", repeat)
    print(f"  floor (nothing)                            {floor:7.1f} ms")
    statement = (
        "import tree_sitter, tree_sitter_bash; tree_sitter.Parser(tree_sitter.Language(tree_sitter_bash.language()))"
    )
    print(f"  tree-sitter + tree-sitter-bash + parser    {fresh(statement, repeat):7.1f} ms")
    print(f"  ownership.guard.shell (grammar not loaded) {fresh('import ownership.guard.shell', repeat):7.1f} ms")
    print(f"  bashlex (for comparison, if installed)     {fresh('import bashlex', repeat):7.1f} ms")
    print(f"  shlex (the old reader)                     {fresh('import shlex', repeat):7.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
