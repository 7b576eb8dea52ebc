"""The contract cache in <git dir>/ownership/: plain data, checked field by field; anything else is a miss."""

from __future__ import annotations

import marshal
import os
import pickle
from pathlib import Path

import pytest

from ownership import __version__
from ownership.git import cache
from ownership.sources import WorkTreeReader, load
from tests.support import TOP, Repo


def git_dir(repo: Repo) -> str:
    return str(repo.path / ".git")


def cached_entry(repo: Repo, run) -> tuple[Path, str]:
    """Run a check that fills the cache; its one entry and key."""
    repo.write({"svc/src/db/migrations/0002.py": "2\n"}).git("add", "-A")
    assert run(repo, "check", "--agent", "api")[0] == 1
    (entry,) = (repo.path / ".git" / "ownership").glob("contract-*")
    return entry, entry.name.removeprefix(f"contract-{__version__}-").removesuffix(".marshal")


def assert_cannot_touch(repo: Repo, run) -> None:
    code, out, err = run(repo, "check", "--agent", "api")
    assert (code, err) == (1, "")
    assert out.splitlines()[0].startswith("api may not write svc/src/db/migrations/0002.py (A): cannot_touch: ")


def test_the_bundled_contract_round_trips_equal(tmp_path: Path) -> None:
    contract = load(WorkTreeReader(TOP), "contract/ownership.yaml")
    cache.store(str(tmp_path), "k1", contract)
    assert cache.load(str(tmp_path), "k1") == contract
    assert cache.load(str(tmp_path), "k2") is None  # another key: a miss


def test_every_field_round_trips(tmp_path: Path) -> None:
    (tmp_path / "c.yaml").write_text(
        "root: svc\nunlisted: allow\nrequire_agent: true\ncoordinator: a\nunknown_agent: allow\n"
        "outside_repo: allow\naudit_log: log.jsonl\nrestore: true\nprotected: [x]\nscratch: {temp: false, ignored: false}\n"
        "identity: {trailer: By, branch: 'bot/<name>', authors: {Bot@x.org: a}}\n"
        "agents:\n  a: {owns: [src/**], reads: [lib/**], cannot_touch: [src/db/**], codeowner: '@o/a', description: d,\n"
        "      color: teal}\n"
        "agent_files: [m/*.md]\n",
        encoding="utf-8",
    )
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "b.md").write_text(
        "---\nname: b\ncolor: '#3f51b5'\n---\n### OWNS\n| Path | Why |\n|--|--|\n| `x/**` | z |\n| text | no |\n"
    )
    contract = load(WorkTreeReader(tmp_path), "c.yaml")
    assert (
        contract.warnings and contract.identity.authors and contract.audit_log and contract.restore
    )  # the test covers these fields
    assert not contract.scratch_temp and not contract.scratch_ignored  # and both away from their defaults
    assert {a.name: a.color for a in contract.agents} == {"a": "#009688", "b": "#3F51B5"}
    cache.store(str(tmp_path), "k", contract)
    assert cache.load(str(tmp_path), "k") == contract


class Payload:
    """Unpickling this runs os.mkdir(marker): what a planted pickle could do."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.mkdir, (str(self.marker),))


def test_a_planted_pickle_is_never_run(example, run, tmp_path: Path) -> None:
    entry, key = cached_entry(example, run)
    marker = tmp_path / "payload-ran"
    planted = pickle.dumps(Payload(marker))
    entry.write_bytes(planted)
    entry.with_suffix(".pickle").write_bytes(planted)  # where the pickle cache used to be
    assert cache.load(git_dir(example), key) is None
    assert_cannot_touch(example, run)
    assert not marker.exists()
    assert cache.load(git_dir(example), key) is not None  # the miss was read afresh and stored again


def changed(data: list, index: tuple[int, ...], value) -> list:
    copy = marshal.loads(marshal.dumps(data))
    target = copy
    for i in index[:-1]:
        target = target[i]
    target[index[-1]] = value
    return copy


# Paths into the stored list: [format, version, key, source, root, agents, files, protected, unlisted, ...];
# an agent is [name, source, line, owns, reads, cannot_touch, codeowner, description, color]; a rule
# [section, pattern, source, line, comment].
BAD_FIELDS = [
    ((0,), "ownership-contract-cache/0"),
    ((1,), "0.0.1"),
    ((2,), "0" * 32),
    ((5, 0, 3, 0, 0), "protected"),  # a rule of owns in another section
    ((5, 0, 2), 0),
    ((5, 0, 2), True),
    ((5, 0, 0), b"api"),
    ((5, 0, 3), ("an", "tuple")),
    ((5, 1, 0), "api"),  # an agent twice
    ((5, 0, 8), "red"),  # a colour is stored as #RRGGBB only
    ((5, 0, 8), "#3f51b5"),
    ((5, 0, 8), "#3F51B5; background: url(x)"),
    ((8,), "maybe"),
    ((10,), 1),
    ((11,), "ghost"),
    ((9, 2), [["bot@example.com", "ghost"]]),
    ((4,), "x" * (1024 * 1024 + 1)),
    ((15,), [["fatal", "c", "m", None, None]]),
    ((17,), "true"),  # scratch_temp
    ((18,), None),  # scratch_ignored
]


@pytest.mark.parametrize(("index", "value"), BAD_FIELDS)
def test_a_field_out_of_shape_is_a_miss(example, run, index, value) -> None:
    entry, key = cached_entry(example, run)
    data = marshal.loads(entry.read_bytes())
    assert cache.decode(data, key) is not None  # the untouched entry is valid
    entry.write_bytes(marshal.dumps(changed(data, index, value)))
    assert cache.load(git_dir(example), key) is None
    assert_cannot_touch(example, run)


def test_a_foreign_or_broken_file_is_a_miss(example, run) -> None:
    entry, key = cached_entry(example, run)
    good = entry.read_bytes()
    broken = {
        "truncated": good[: len(good) // 2],
        "empty": b"",
        "garbage": b"\x00\xffnot marshal at all",
        "a dict": marshal.dumps({"format": cache.FORMAT}),
        "a number": marshal.dumps(7),
        "a code object": marshal.dumps(compile("import os; os.mkdir('x')", "planted", "exec")),
        "nested deep": b"[\x01\x00\x00\x00" * 100_000,
        "too large": good + b"\0" * cache.MAX_BYTES,
        "json": b'["ownership-contract-cache/1"]',
    }
    for what, data in broken.items():
        entry.write_bytes(data)
        assert cache.load(git_dir(example), key) is None, what
    assert_cannot_touch(example, run)
    assert entry.read_bytes() == good  # read afresh, stored again, byte for byte
