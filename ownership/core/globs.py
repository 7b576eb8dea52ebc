"""gitignore patterns: one tokenizer, and from its tokens a matcher and the facts a bulk search needs.

A pattern is read exactly as git reads one line of a .gitignore (git 2.39's
dir.c `parse_path_pattern`, `match_basename`, `match_pathname`, and
wildmatch.c `dowild`), on bytes: a path is matched as the UTF-8 (or, for a name
that is not UTF-8, the raw) bytes git stores, so `?` is one byte and a class
member one byte. Under `core.ignorecase` letters fold as git folds them, ASCII
only, with git's own quirks kept: a class member or an escaped letter written
in upper case never matches (wildmatch lower-cases the path, not those).

A `Glob` answers for one *node*: a file, or a folder when `is_dir` is set.
Whether a path is in a list of patterns (parent folders first, negations) is
the engine's business, not this module's (see `engine.Section`).

Matching time is bounded: the regex is built so that no star backtracks
against another. Inside one path component a run of `*`s takes the leftmost
place for each literal chunk (as CPython's fnmatch does, atomically), and
around `**` each fixed group of components takes its leftmost place; the last
of each is free. Both choices are the optimal ones, so the answer is git's.

Refused with GlobError (always mistakes in a contract): an empty pattern, `***`
(git reads it as `**`), an unclosed `[`, a trailing backslash, an unknown
`[:class:]`, and a pattern holding a newline, a carriage return or a NUL
(no .gitignore line can). Accepted but never matching, as in git, with the
reason in `Glob.never` so that `lint` can say so: a line starting with `#`
(a comment to git), a pattern ending in `//`, and the ignorecase quirks above.

One module of about 400 lines on purpose: the tokenizer, the matcher built from
its tokens and the facts Bulk reads from them change together, and splitting
them would put one reading of a pattern in several places.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

# wildmatch's character classes, on bytes, ASCII only (git's sane-ctype macros).
_ASCII = range(128)
_POSIX_CLASSES = {
    "alnum": frozenset(c for c in _ASCII if chr(c).isalnum()),
    "alpha": frozenset(c for c in _ASCII if chr(c).isalpha()),
    "blank": frozenset(b" \t"),
    "cntrl": frozenset([*range(32), 127]),
    "digit": frozenset(b"0123456789"),
    "graph": frozenset(range(0x21, 0x7F)),
    "lower": frozenset(b"abcdefghijklmnopqrstuvwxyz"),
    "print": frozenset(range(0x20, 0x7F)),
    "punct": frozenset(c for c in range(0x21, 0x7F) if not chr(c).isalnum()),
    "space": frozenset(b" \t\n\r\v\f"),
    "upper": frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
    "xdigit": frozenset(b"0123456789abcdefABCDEF"),
}
_UPPER = _POSIX_CLASSES["upper"]
_LOWER = _POSIX_CLASSES["lower"]
_SLASH = ord("/")
_NOTHING = b"(?!)"


class GlobError(ValueError):
    """A pattern that cannot be a rule; the message says what to write instead."""


# --- tokens ----------------------------------------------------------------
# ("lit", byte, escaped) one byte; ("any",) `?`; ("class", frozenset) one byte of the set;
# ("star",) `*` within a component; ("ds", kind) a special `**`: kind "opt" is `**/` (zero or
# more folders), "dot" is `**` before `\/` (any text, the slash follows as a literal), "end" a
# trailing `**` (everything).


def _fold(byte: int) -> int:
    return byte + 32 if byte in _UPPER else byte


def _tokenize(text: bytes, casefold: bool) -> list[tuple]:
    """wildmatch's reading of a pattern (WM_PATHNAME), `text` being what it is handed."""
    tokens: list[tuple] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == 0x5C:  # backslash
            if i + 1 >= n:
                raise GlobError("trailing backslash escapes nothing; remove it or escape it as \\\\")
            tokens.append(("lit", text[i + 1], True))
            i += 2
        elif c == 0x3F:  # ?
            tokens.append(("any",))
            i += 1
        elif c == 0x2A:  # *
            j = i
            while j < n and text[j] == 0x2A:
                j += 1
            if j - i > 2:
                raise GlobError("'***' is not a glob; use '**' for any depth or '*' within one folder")
            special = (
                j - i == 2
                and (i == 0 or text[i - 1] == _SLASH)
                and (j == n or text[j] == _SLASH or text[j : j + 2] == b"\\/")
            )
            if not special:
                tokens.append(("star",))
            elif j == n:
                tokens.append(("ds", "end"))
            elif text[j] == _SLASH:
                tokens.append(("ds", "opt"))
                j += 1  # the slash belongs to `**/`: it may match nothing with the folders
            else:
                tokens.append(("ds", "dot"))
            i = j
        elif c == 0x5B:  # [
            members, i = _read_class(text, i, casefold)
            tokens.append(("class", members))
        else:
            tokens.append(("lit", c, False))
            i += 1
    return tokens


def _read_class(text: bytes, start: int, casefold: bool) -> tuple[frozenset[int], int]:
    """The bytes a bracket expression matches, as wildmatch decides it for each byte of a path."""
    unclosed = GlobError("unclosed '['; close the class with ']' or escape it as '\\['")
    n = len(text)
    i = start + 1
    negated = i < n and text[i] in b"!^"
    if negated:
        i += 1
    literal: set[int] = set()  # members compared with the (folded) path byte
    ranges: list[tuple[int, int]] = []
    named: list[str] = []
    prev = 0  # wildmatch's prev_ch: 0 after a range or a class, so '-' there is literal
    while True:
        if i >= n:
            raise unclosed
        c = text[i]
        if c == 0x5C:
            i += 1
            if i >= n:
                raise unclosed
            c = text[i]
            literal.add(c)
        elif c == 0x2D and prev and i + 1 < n and text[i + 1] != 0x5D:
            i += 1
            end = text[i]
            if end == 0x5C:
                i += 1
                if i >= n:
                    raise unclosed
                end = text[i]
            ranges.append((prev, end))
            c = 0
        elif c == 0x5B and i + 1 < n and text[i + 1] == 0x3A:
            close = text.find(b"]", i + 2)
            if close < 0:
                raise unclosed
            size = close - (i + 2) - 1
            if size < 0 or text[close - 1] != 0x3A:
                literal.add(c)  # no ':]': the '[' is a member, and git (2.39) skips the ':' after it
                i += 1
            else:
                name = text[i + 2 : close - 1].decode("ascii", "replace")
                if name not in _POSIX_CLASSES:
                    raise GlobError(f"unknown character class '[:{name}:]'")
                named.append(name)
                i = close
                c = 0
        else:
            literal.add(c)
        prev = c
        i += 1
        if i >= n:
            raise unclosed
        if text[i] == 0x5D:
            i += 1
            break
    matched = set()
    for byte in range(256):
        t = _fold(byte) if casefold else byte
        hit = t in literal or any(low <= t <= high for low, high in ranges)
        if not hit and casefold and t in _LOWER:
            upper = t - 32
            hit = any(low <= upper <= high for low, high in ranges)
        for name in named:
            members = _POSIX_CLASSES[name]
            if t in members or (casefold and name == "upper" and t in _LOWER):
                hit = True
        if hit != negated and byte != _SLASH:
            matched.add(byte)
    return frozenset(matched), i


# --- the glob --------------------------------------------------------------


@dataclass(frozen=True)
class Glob:
    """One pattern, ready to match nodes (a path that is a file, or a folder when is_dir)."""

    pattern: str  # as written in the contract
    negated: bool
    dir_only: bool
    anchored: bool  # holds a slash: matched against the whole path, not the last name
    ignorecase: bool
    source: bytes  # the regex, on bytes
    prefix: bytes  # literal bytes every match starts with (folded under ignorecase); anchored only
    required: bytes  # the longest literal run every match holds (folded under ignorecase)
    literal: bool  # no wildcard at all: it names one path (or, unanchored, one name)
    never: str | None  # why git can never match it, or None

    @property
    def regex(self) -> re.Pattern[bytes]:
        return _compiled(self.source)

    def matches(self, path: str | bytes, is_dir: bool = False) -> bool:
        """Whether the node itself matches (parent folders are not looked at: see engine.Section)."""
        if self.dir_only and not is_dir:
            return False
        data = path if isinstance(path, bytes) else os.fsencode(path)
        return self.regex.fullmatch(data) is not None

    def matches_path(self, path: str) -> bool:
        """Whether git would ignore `path` (a file) for this one pattern, negation aside: it or a parent folder."""
        data = os.fsencode(path)
        regex = self.regex
        for end in _folder_ends(data):
            if regex.fullmatch(data, 0, end):
                return True
        return not self.dir_only and regex.fullmatch(data) is not None


_CACHE: dict[bytes, re.Pattern[bytes]] = {}


def _compiled(source: bytes) -> re.Pattern[bytes]:
    found = _CACHE.get(source)
    if found is None:
        found = _CACHE[source] = re.compile(source, re.DOTALL)
    return found


def _folder_ends(data: bytes) -> list[int]:
    """The end offsets of every parent folder of a path, outermost first."""
    ends, at = [], data.find(b"/")
    while at > 0:
        ends.append(at)
        at = data.find(b"/", at + 1)
    return ends


def strip_trailing_spaces(text: str) -> str:
    """git's trim_trailing_spaces: drop trailing spaces (not tabs) unless escaped by a backslash."""
    last_space = None
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == " ":
            if last_space is None:
                last_space = i
        elif c == "\\":
            i += 1
            if i >= n:
                return text
            last_space = None
        else:
            last_space = None
        i += 1
    return text if last_space is None else text[:last_space]


def _simple_length(text: bytes) -> int:
    """dir.c simple_length: bytes before the first of `*?[\\`."""
    for i, c in enumerate(text):
        if c in b"*?[\\":
            return i
    return len(text)


def translate(pattern: str, ignorecase: bool = False) -> Glob:
    """Read one pattern as git would; raise GlobError for a pattern that is surely a mistake."""
    if not pattern or not pattern.strip():
        raise GlobError("empty pattern")
    if any(c in pattern for c in "\n\r\0"):
        raise GlobError("a pattern cannot hold a line break or NUL; write one pattern a line")
    if pattern.startswith("#"):
        return _never(pattern, "git reads a line starting with '#' as a comment; write '\\#' for a literal '#'")
    text = strip_trailing_spaces(pattern)
    negated = text.startswith("!")
    body = os.fsencode(text[1:] if negated else text)
    dir_only = body.endswith(b"/")
    if dir_only:
        body = body[:-1]  # git drops one trailing slash
    if not body:
        raise GlobError("the pattern names no path; write a folder or file name")
    anchored = b"/" in body
    prefix_length = _simple_length(body)
    if anchored and body.startswith(b"/"):
        body, prefix_length = body[1:], prefix_length - 1
        if not body:
            raise GlobError("the pattern names no path; write a folder or file name")
    if anchored:
        head = [("lit", c, False) for c in body[:prefix_length]]
        tokens = head + _tokenize(body[prefix_length:], ignorecase)
    else:
        tokens = _tokenize(body, ignorecase)  # a name: no special `**`, no slash to care about
        tokens = [("star",) if t[0] == "ds" else t for t in tokens]
    literal = all(t[0] == "lit" for t in tokens)
    never = _never_reason(tokens, ignorecase)
    source = _NOTHING if never else _emit(tokens, anchored, ignorecase)
    prefix, required = _literal_facts(tokens, anchored, ignorecase)
    return Glob(pattern, negated, dir_only, anchored, ignorecase, source, prefix, required, literal, never)


def _never(pattern: str, why: str, negated: bool = False, dir_only: bool = False, anchored: bool = True) -> Glob:
    return Glob(pattern, negated, dir_only, anchored, False, _NOTHING, b"", b"", False, why)


def _never_reason(tokens: list[tuple], casefold: bool) -> str | None:
    for token in tokens:
        if token[0] == "class" and not token[1]:
            if casefold:
                return "under core.ignorecase git never matches an upper-case class member; write it in lower case"
            return "its bracket class matches no character"
        if token[0] == "lit" and token[2] and casefold and token[1] in _UPPER:
            return "under core.ignorecase git never matches an escaped upper-case letter; write it in lower case"
    for a, b in zip(tokens, tokens[1:]):
        if a[:2] == ("lit", _SLASH) and b[:2] == ("lit", _SLASH):
            return "it holds two slashes in a row, and no path does; write one"
    if tokens and tokens[-1][:2] == ("lit", _SLASH):
        return "it ends in two slashes, and no path does; write one"
    return None


# --- regex emission ----------------------------------------------------------


def _byte(c: int, escaped: bool, casefold: bool) -> bytes:
    if casefold and (c in _UPPER or c in _LOWER):
        low = _fold(c)
        return b"[" + bytes([low, low - 32]) + b"]"
    return re.escape(bytes([c]))


def _class(members: frozenset[int]) -> bytes:
    if len(members) == 255:  # everything but the slash
        return b"[^/]"
    return b"[" + b"".join(re.escape(bytes([m])) for m in sorted(members)) + b"]"


def _fixed(token: tuple, casefold: bool) -> bytes:
    kind = token[0]
    if kind == "lit":
        return _byte(token[1], token[2], casefold)
    if kind == "any":
        return b"[^/]"
    return _class(token[1])


def _emit_group(tokens: list[tuple], casefold: bool) -> bytes:
    """Fixed tokens and `*`s: each `*` but the last of its component takes its chunk's leftmost place."""
    out: list[bytes] = []
    i, n = 0, len(tokens)
    while i < n:
        if tokens[i][0] != "star":
            out.append(_fixed(tokens[i], casefold))
            i += 1
            continue
        j = i + 1
        while j < n and tokens[j][0] != "star" and tokens[j][:2] != ("lit", _SLASH):
            j += 1
        chunk = b"".join(_fixed(t, casefold) for t in tokens[i + 1 : j])
        last_in_component = j == n or tokens[j][0] != "star"
        if last_in_component:
            out.append(b"[^/]*" + chunk)
        else:
            out.append(b"(?>[^/]*?" + chunk + b")")
        i = j
    return b"".join(out)


def _emit(tokens: list[tuple], anchored: bool, casefold: bool) -> bytes:
    groups: list[list[tuple]] = [[]]
    stars: list[str] = []
    for token in tokens:
        if token[0] == "ds":
            stars.append(token[1])
            groups.append([])
        else:
            groups[-1].append(token)
    out = [b"" if anchored else b"(?>(?:.*/)?)", _emit_group(groups[0], casefold)]
    for number, (kind, group) in enumerate(zip(stars, groups[1:]), start=1):
        body = _emit_group(group, casefold)
        if kind == "end":
            out.append(b".*")
        elif number < len(stars):  # a fixed group between two `**`: its leftmost place is the best
            lazy = b"(?:.*?/)??" if kind == "opt" else b".*?"
            out.append(b"(?>" + lazy + body + b")")
        else:
            out.append((b"(?:.*/)?" if kind == "opt" else b".*") + body)
    return b"".join(out)


def _literal_facts(tokens: list[tuple], anchored: bool, casefold: bool) -> tuple[bytes, bytes]:
    """(the literal start of every match, anchored patterns only; the longest literal run of every match)."""
    runs, run = [], bytearray()
    for token in tokens:
        if token[0] == "lit":
            run.append(_fold(token[1]) if casefold else token[1])
        else:
            runs.append(bytes(run))
            run = bytearray()
    runs.append(bytes(run))
    prefix = runs[0] if anchored else b""
    return prefix, max(runs, key=len)
