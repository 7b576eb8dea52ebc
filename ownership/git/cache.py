"""A cache of loaded contracts, so a hook run skips YAML and Markdown parsing.

Entries live in the repository's git folder (`<git dir>/ownership/`), keyed by
the object ids of every committed file the contract was read from (see
`TreeReader.key`): any change to those files is a new key. Only contracts read
from commits are cached; the working tree is always read afresh.

An entry is plain data, never code: the Contract written out field by field as
lists, strings, integers, booleans and None (`marshal` of builtins only; it
cannot build an object of any other type), read back with every field checked
(type, allowed values, sizes, the key it was stored under). Anything else (a
truncated, foreign, older, hostile or oversized file) is a cache miss, and the
contract is read afresh. The cache is a speed-up for local hooks, not a trust
boundary: whoever can write the git folder can also rewrite its hooks, which
is why CI checks run on a fresh clone.
"""

from __future__ import annotations

import marshal
import os
import re

from .. import __version__
from ..core.model import SECTIONS, Agent, Contract, Identity, Problem, Rule

KEEP = 16  # entries kept; older ones are removed when a new one is written
FORMAT = "ownership-contract-cache/6"  # the layout below; change it with the layout
MAX_BYTES = 16 * 1024 * 1024  # a larger entry is neither written nor read
_MARSHAL_VERSION = 4  # the format of Python 3.4 and later: builtins only
_LONGEST = 1024 * 1024  # no string a contract holds can be longer (sources.MAX_FILE_BYTES)
_DENY_ALLOW = ("deny", "allow")
_COLOUR = re.compile(r"#[0-9A-F]{6}")


class _Invalid(Exception):
    """An entry that is not what `store` writes: a cache miss."""


def _folder(git_dir: str) -> str:
    return os.path.join(git_dir, "ownership")


def _entry(git_dir: str, key: str) -> str:
    return os.path.join(_folder(git_dir), f"contract-{__version__}-{key}.marshal")


def watched(git_dir: str) -> list[str]:
    """The extra places (agent file folders) earlier runs learned the contract reads."""
    try:
        with open(os.path.join(_folder(git_dir), "watch"), encoding="utf-8") as handle:
            return [line for line in handle.read(_LONGEST).split("\n") if line]
    except (OSError, UnicodeDecodeError):
        return []


def remember_watched(git_dir: str, places: list[str]) -> None:
    _write(os.path.join(_folder(git_dir), "watch"), "\n".join(sorted(places)).encode("utf-8"))


def load(git_dir: str, key: str) -> Contract | None:
    """The contract stored under `key`, or None when there is no valid entry."""
    try:
        with open(_entry(git_dir, key), "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError:
        return None
    if len(data) > MAX_BYTES:
        return None
    try:
        return decode(marshal.loads(data), key)
    except (_Invalid, ValueError, EOFError, TypeError, RecursionError, MemoryError):
        return None


def store(git_dir: str, key: str, contract: Contract) -> None:
    data = marshal.dumps(encode(contract, key), _MARSHAL_VERSION)
    if len(data) > MAX_BYTES:
        return  # too large to be read back: such a contract is read afresh every time
    folder = _folder(git_dir)
    _write(_entry(git_dir, key), data)
    try:
        entries = sorted(
            (e for e in os.scandir(folder) if e.name.startswith("contract-")), key=lambda e: e.stat().st_mtime
        )
        for old in entries[:-KEEP]:
            os.unlink(old.path)
    except OSError:
        pass


def _write(path: str, data: bytes) -> None:
    """Write atomically; a cache that cannot be written is only a slower run."""
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        temporary = f"{path}.{os.getpid()}.tmp"
        with open(temporary, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except OSError:
        pass


# --- Contract <-> plain data ---------------------------------------------------
#
# Every dataclass is a list of its fields in a fixed order; the lists below are
# read back with the same order and a check for each field.


def encode(contract: Contract, key: str) -> list:
    """The contract as lists, strings, integers, booleans and None."""
    return [
        FORMAT,
        __version__,
        key,
        contract.source,
        contract.root,
        [_encode_agent(a) for a in contract.agents],
        list(contract.files),
        [_encode_rule(r) for r in contract.protected],
        contract.unlisted,
        [
            contract.identity.trailer,
            contract.identity.branch,
            [list(pair) for pair in contract.identity.authors],
            contract.identity.signers,
            contract.identity.unsigned,
            contract.identity.contract_changes,
        ],
        contract.require_agent,
        contract.coordinator,
        contract.unknown_agent,
        contract.outside_repo,
        contract.audit_log,
        [[p.severity, p.code, p.message, p.source, p.line] for p in contract.warnings],
        [[name, list(fields)] for name, fields in contract.mcp_file_tools],
        contract.restore,
        contract.scratch_temp,
        contract.scratch_ignored,
    ]


def _encode_agent(agent: Agent) -> list:
    sections = [[_encode_rule(r) for r in agent.rules(s)] for s in SECTIONS]
    return [agent.name, agent.source, agent.line, *sections, agent.codeowner, agent.description, agent.color]


def _encode_rule(rule: Rule) -> list:
    return [rule.section, rule.pattern, rule.source, rule.line, rule.comment, rule.written]


def decode(data: object, key: str) -> Contract:
    """The Contract `encode` wrote under `key`; raises _Invalid for anything else."""
    fields = _list(data, 20)
    if fields[0] != FORMAT or fields[1] != __version__ or fields[2] != key:
        raise _Invalid("another format, version or key")
    agents = tuple(_decode_agent(a) for a in _list(fields[5]))
    names = {a.name for a in agents}
    if len(names) != len(agents):
        raise _Invalid("an agent twice")
    identity = _decode_identity(fields[9], names)
    coordinator = _str(fields[11])
    if coordinator != "allow" and coordinator not in names:
        raise _Invalid("coordinator")
    return Contract(
        source=_optional_str(fields[3]),
        root=_str(fields[4]),
        agents=agents,
        files=tuple(_str(f) for f in _list(fields[6])),
        protected=tuple(_decode_rule(r, ("protected",)) for r in _list(fields[7])),
        unlisted=_choice(fields[8], _DENY_ALLOW),
        identity=identity,
        require_agent=_bool(fields[10]),
        coordinator=coordinator,
        unknown_agent=_choice(fields[12], _DENY_ALLOW),
        outside_repo=_choice(fields[13], _DENY_ALLOW),
        audit_log=_optional_str(fields[14]),
        warnings=tuple(_decode_problem(p) for p in _list(fields[15])),
        mcp_file_tools=tuple(_decode_mcp(t) for t in _list(fields[16])),
        restore=_bool(fields[17]),
        scratch_temp=_bool(fields[18]),
        scratch_ignored=_bool(fields[19]),
    )


def _decode_mcp(data: object) -> tuple[str, tuple[str, ...]]:
    name, fields = _list(data, 2)
    return _str(name), tuple(_str(f) for f in _list(fields))


def _decode_agent(data: object) -> Agent:
    name, source, line, owns, reads, cannot_touch, codeowner, description, color = _list(data, 9)
    return Agent(
        name=_str(name),
        source=_str(source),
        line=_line(line),
        owns=tuple(_decode_rule(r, ("owns",)) for r in _list(owns)),
        reads=tuple(_decode_rule(r, ("reads",)) for r in _list(reads)),
        cannot_touch=tuple(_decode_rule(r, ("cannot_touch",)) for r in _list(cannot_touch)),
        codeowner=_optional_str(codeowner),
        description=_str(description),
        color=_colour(color),
    )


def _decode_rule(data: object, sections: tuple[str, ...]) -> Rule:
    section, pattern, source, line, comment, written = _list(data, 6)
    return Rule(
        _choice(section, sections), _str(pattern), _str(source), _optional_line(line), _str(comment), _str(written)
    )


def _decode_identity(data: object, names: set[str]) -> Identity:
    trailer, branch, authors, signers, unsigned, contract_changes = _list(data, 6)
    pairs = []
    for pair in _list(authors):
        email, agent = _list(pair, 2)
        if _str(agent) not in names:
            raise _Invalid("identity names no agent")
        pairs.append((_str(email), agent))
    signers = None if signers is None else _str(signers)
    unsigned, contract_changes = _choice(unsigned, ("person", "fail")), _choice(contract_changes, ("person", "signed"))
    return Identity(_str(trailer), _str(branch), tuple(pairs), signers, unsigned, contract_changes)


def _decode_problem(data: object) -> Problem:
    severity, code, message, source, line = _list(data, 5)
    return Problem(
        _choice(severity, ("error", "warning")), _str(code), _str(message), _optional_str(source), _optional_line(line)
    )


def _list(value: object, length: int | None = None) -> list:
    if type(value) is not list or (length is not None and len(value) != length):
        raise _Invalid("not a list of the expected length")
    return value


def _str(value: object) -> str:
    if type(value) is not str or len(value) > _LONGEST:
        raise _Invalid("not a string of a contract's size")
    return value


def _colour(value: object) -> str | None:
    """None or "#RRGGBB" (what sources/colours.py makes of a `color:`)."""
    if value is not None and (type(value) is not str or not _COLOUR.fullmatch(value)):
        raise _Invalid("not a colour")
    return value


def _optional_str(value: object) -> str | None:
    return None if value is None else _str(value)


def _choice(value: object, choices: tuple[str, ...]) -> str:
    if type(value) is not str or value not in choices:
        raise _Invalid("not one of the allowed values")
    return value


def _bool(value: object) -> bool:
    if type(value) is not bool:
        raise _Invalid("not a boolean")
    return value


def _line(value: object) -> int:
    if type(value) is not int or not 1 <= value <= _LONGEST:
        raise _Invalid("not a line number")
    return value


def _optional_line(value: object) -> int | None:
    return None if value is None else _line(value)
