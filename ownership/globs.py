"""gitignore patterns → regular expressions, with git's exact semantics.

A pattern matches a path when git, given a .gitignore holding that pattern
alone, would ignore the path: the pattern matches the path itself or one of
its parent folders (a folder that is ignored takes everything under it).
The translation follows git's wildmatch (dir.c, wildmatch.c) and is checked
against `git check-ignore --no-index` by the test suite.

Three inputs git accepts silently are refused here because they are always
mistakes in a contract: `***` (git reads it as `**` or `*` depending on its
neighbours), an unclosed `[` and a trailing `\\` (git then never matches).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_POSIX_CLASSES = {
    "alnum": "0-9A-Za-z",
    "alpha": "A-Za-z",
    "blank": " \\t",
    "cntrl": "\\x00-\\x1f\\x7f",
    "digit": "0-9",
    "graph": "\\x21-\\x7e",
    "lower": "a-z",
    "print": "\\x20-\\x7e",
    "punct": "!-/:-@\\[-`{-~",
    "space": " \\t\\n\\r",
    "upper": "A-Z",
    "xdigit": "0-9A-Fa-f",
}
_NOTHING = "(?!)"
# Any characters, newlines included: a path may hold a newline, and must still match.
_ANY = "(?s:.*)"
_ANY_PLUS = "(?s:.+)"
ANY_FOLDERS = "(?:" + _ANY + "/)?"


class GlobError(ValueError):
    """A pattern that cannot be a rule; the message says what to write instead."""


@dataclass(frozen=True)
class Glob:
    """One translated pattern. `regex` matches a path and everything under it."""

    pattern: str
    negated: bool
    dir_only: bool
    anchored: bool
    body: str  # regex for the pattern itself, without the parent-folder tail

    @property
    def regex(self) -> str:
        """Regex for file paths: the pattern names the file or one of its folders."""
        return self.body + ("/" + _ANY_PLUS if self.dir_only else "(?:/" + _ANY + ")?")

    @property
    def dir_regex(self) -> str:
        """Regex for a folder path (a folder matches directory-only patterns too)."""
        return self.body + "(?:/" + _ANY + ")?"

    @property
    def prefix(self) -> str:
        """For an anchored pattern, the plain text every matching path starts with ('' when none)."""
        if not self.anchored:
            return ""
        text = (self.pattern[1:] if self.negated else self.pattern).lstrip("/")
        out, i = [], 0
        while i < len(text) and text[i] not in "*?[":
            if text[i] == "\\" and i + 1 < len(text):
                i += 1
            out.append(text[i])
            i += 1
        return "".join(out)

    @property
    def required_text(self) -> str:
        """The longest run of plain characters every matching path must contain ('' when none)."""
        text = self.pattern[1:] if self.negated else self.pattern
        text = text.strip("/")
        runs, run, i = [], [], 0
        while i < len(text):
            c = text[i]
            if c == "\\" and i + 1 < len(text):
                run.append(text[i + 1])
                i += 2
                continue
            if c in "*?[":
                runs.append("".join(run))
                run = []
                if c == "[":  # skip the class: its members are not literal
                    end = text.find("]", i + 2)
                    i = end + 1 if end > 0 else len(text)
                    continue
                if text.startswith("**/", i):  # '**/' may match nothing, its slash included
                    i += 3
                    continue
            else:
                run.append(c)
            i += 1
        runs.append("".join(run))
        return max(runs, key=len)

    @property
    def literal(self) -> bool:
        """True when the pattern has no wildcard: it names one path."""
        return not re.search(r"(?<!\\)[*?\[]", self.pattern)


def strip_trailing_spaces(text: str) -> str:
    """Drop trailing spaces as git does, keeping a space escaped with a backslash."""
    stripped = text.rstrip(" \t")
    if stripped != text and stripped.endswith("\\") and not _escaped_end(stripped):
        return stripped + text[len(stripped)]
    return stripped


def _escaped_end(text: str) -> bool:
    """True when the final backslash of text is itself escaped (an even run)."""
    run = len(text) - len(text.rstrip("\\"))
    return run % 2 == 0


def translate(pattern: str) -> Glob:
    """Translate one gitignore pattern; raise GlobError for a pattern git would not honour."""
    text = pattern
    if not text or not text.strip():
        raise GlobError("empty pattern")
    negated = text.startswith("!")
    if negated:
        text = text[1:]
    dir_only = text.endswith("/")
    text = text.rstrip("/") if dir_only else text
    if not text:
        raise GlobError("the pattern names no path; write a folder or file name")
    anchored = "/" in text
    if text.startswith("/"):
        text = text[1:]
    body = _translate_body(text)
    if not anchored:
        body = ANY_FOLDERS + body
    return Glob(pattern, negated, dir_only, anchored, body)


def _translate_body(text: str) -> str:
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "\\":
            if i + 1 >= n:
                raise GlobError("trailing backslash escapes nothing; remove it or escape it as \\\\")
            out.append(re.escape(text[i + 1]))
            i += 2
        elif c == "*":
            j = i
            while j < n and text[j] == "*":
                j += 1
            run = j - i
            if run > 2:
                raise GlobError("'***' is not a glob; use '**' for any depth or '*' within one folder")
            at_start = i == 0 or text[i - 1] == "/"
            at_end = j == n or text[j] == "/"
            if run == 2 and at_start and at_end:
                if j < n:  # "**/": zero or more folders
                    out.append(ANY_FOLDERS)
                    j += 1
                else:  # trailing "**": everything below
                    out.append(_ANY)
            else:
                out.append("[^/]*")
            i = j
        elif c == "?":
            out.append("[^/]")
            i += 1
        elif c == "[":
            cls, i = _translate_class(text, i)
            out.append(cls)
        else:
            out.append(re.escape(c))
            i += 1
    return "".join(out)


def _translate_class(text: str, start: int) -> tuple[str, int]:
    """Translate the bracket expression at text[start] as wildmatch reads it."""
    n = len(text)
    i = start + 1
    negated = i < n and text[i] in "!^"
    if negated:
        i += 1
    items: list[str] = []
    prev: str | None = None
    first = True
    while True:
        if i >= n:
            raise GlobError("unclosed '['; close the class with ']' or escape it as '\\['")
        c = text[i]
        if c == "]" and not first:
            i += 1
            break
        first = False
        if c == "\\":
            if i + 1 >= n:
                raise GlobError("unclosed '['; close the class with ']' or escape it as '\\['")
            c = text[i + 1]
            items.append(re.escape(c))
            prev = c
            i += 2
        elif c == "-" and prev is not None and i + 1 < n and text[i + 1] != "]":
            end = text[i + 1]
            i += 2
            if end == "\\":
                if i >= n:
                    raise GlobError("unclosed '['; close the class with ']' or escape it as '\\['")
                end = text[i]
                i += 1
            items.pop()  # the range replaces its first character
            if prev <= end:
                items.append(re.escape(prev) + "-" + re.escape(end))
            prev = None
        elif c == "[" and i + 1 < n and text[i + 1] == ":":
            close = text.find("]", i + 2)
            if close < 0:
                raise GlobError("unclosed '['; close the class with ']' or escape it as '\\['")
            if close - (i + 2) >= 1 and text[close - 1] == ":":
                name = text[i + 2 : close - 1]
                if name not in _POSIX_CLASSES:
                    raise GlobError(f"unknown character class '[:{name}:]'")
                items.append(_POSIX_CLASSES[name])
                prev = None
                i = close + 1
            else:  # no ':]': the '[' is an ordinary member
                items.append(re.escape("["))
                prev = "["
                i += 1
        else:
            items.append(re.escape(c))
            prev = c
            i += 1
    members = "".join(items)
    if negated:
        return "[^/" + members + "]", i
    if not members:
        return _NOTHING, i
    return "(?!/)[" + members + "]", i
