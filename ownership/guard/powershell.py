"""A PowerShell command (Claude Code's `PowerShell` tool, Copilot's `powershell`) → the paths it writes.

Read: statements split on `;`, `|`, `&&`, `||` and newlines; quotes ('...' literal,
"..." and backtick escapes); redirections (`>`, `>>`, `2>`, `*>`, `>$null`);
and the cmdlets that write files, by full name or alias, case-insensitively:
Set-Content, Add-Content, Clear-Content, Out-File, Tee-Object, New-Item,
Remove-Item, Copy-Item, Move-Item, Rename-Item, with their path parameters
(-Path, -LiteralPath, -FilePath, -Destination, -NewName, -Name) or positions.

A write whose target cannot be read (a variable, a subexpression, a wildcard, a
script block, a .NET call such as [IO.File]::WriteAllText) raises
`NotUnderstood` naming the cmdlet: unlike the Bash reader (whose misses
`ownership check` catches at commit), the guard refuses it, as the issue asks.
Cmdlets that do not write files are not listed.
"""

from __future__ import annotations

import os
import re

from ..errors import UsageError


class NotUnderstood(UsageError):
    """A PowerShell write whose target the guard cannot read; the message names the cmdlet."""


_ALIASES = {
    "sc": "set-content", "ac": "add-content", "clc": "clear-content", "tee": "tee-object",
    "ni": "new-item", "md": "new-item", "mkdir": "new-item",
    "ri": "remove-item", "rm": "remove-item", "del": "remove-item", "erase": "remove-item", "rd": "remove-item",
    "rmdir": "remove-item", "cp": "copy-item", "copy": "copy-item", "cpi": "copy-item",
    "mv": "move-item", "move": "move-item", "mi": "move-item", "ren": "rename-item", "rni": "rename-item",
}  # fmt: skip
_CMDLETS = {  # cmdlet -> (path parameters, destination parameters, positions that are paths)
    "set-content": (("path", "literalpath"), (), 1),
    "add-content": (("path", "literalpath"), (), 1),
    "clear-content": (("path", "literalpath"), (), 1),
    "out-file": (("filepath", "literalpath", "path"), (), 1),
    "tee-object": (("filepath", "literalpath", "path"), (), 1),
    "new-item": (("path",), (), 1),
    "remove-item": (("path", "literalpath"), (), 1),
    "copy-item": ((), ("destination",), 2),
    "move-item": (("path", "literalpath"), ("destination",), 2),
    "rename-item": (("path", "literalpath"), (), 1),
}
_SWITCHES = {"force", "recurse", "append", "noclobber", "nonewline", "passthru", "whatif", "confirm", "container"}
_SEPARATORS = {";", "|", "&&", "||", "\n"}
_DOTNET = re.compile(r"\[(system\.)?io\.(file|directory)\]::\s*(write|append|create|delete|move|copy|replace)", re.I)


def written_paths(command: str, cwd: str) -> list[str]:
    """The absolute paths `command`, run in `cwd`, writes; `NotUnderstood` for a write it cannot read."""
    found = _DOTNET.search(command)
    if found:
        raise NotUnderstood(f"PowerShell: cannot read what {found.group(0).split('::')[0]}::{found.group(3)}... writes")
    paths: list[str] = []
    for words in _statements(_tokens(command)):
        paths.extend(_statement(words, cwd))
    return list(dict.fromkeys(paths))


def _tokens(command: str) -> list[tuple[str, bool]]:
    """(text, dynamic) words and operators; dynamic: the word holds a variable, subexpression or script block."""
    out: list[tuple[str, bool]] = []
    word, dynamic, started, i = [], False, False, 0

    def flush() -> None:
        nonlocal word, dynamic, started
        if started:
            out.append(("".join(word), dynamic))
        word, dynamic, started = [], False, False

    while i < len(command):
        c = command[i]
        if c == "'":
            end = i + 1
            while True:
                end = command.find("'", end)
                if end < 0:
                    raise NotUnderstood("PowerShell: a quote is not closed")
                if command[end + 1 : end + 2] == "'":
                    end += 2
                    continue
                break
            word.append(command[i + 1 : end].replace("''", "'"))
            started, i = True, end + 1
        elif c == '"':
            end = i + 1
            text = []
            while end < len(command) and command[end] != '"':
                if command[end] == "`" and end + 1 < len(command):
                    text.append(command[end + 1])
                    end += 2
                    continue
                if command[end] == "$":
                    dynamic = True
                text.append(command[end])
                end += 1
            if end >= len(command):
                raise NotUnderstood("PowerShell: a quote is not closed")
            word.append("".join(text))
            started, i = True, end + 1
        elif c == "`" and i + 1 < len(command):
            if command[i + 1] == "\n":  # a line continuation
                i += 2
                continue
            word.append(command[i + 1])
            started, i = True, i + 2
        elif c in " \t\r":
            flush()
            i += 1
        elif c == "#" and not started:
            while i < len(command) and command[i] != "\n":
                i += 1
        elif command.startswith(("&&", "||"), i):
            flush()
            out.append((command[i : i + 2], False))
            i += 2
        elif c in ";|\n":
            flush()
            out.append((c, False))
            i += 1
        elif re.match(r"(\d|\*)?>>?", command[i:]) and not started or c == ">":
            match = re.match(r"(\d|\*)?>>?(&\d)?", command[i:])
            flush()
            out.append((">" if not match.group(2) else ">&", False))
            i += match.end()
        else:
            if c in "${}(@":
                dynamic = True
            word.append(c)
            started, i = True, i + 1
    flush()
    return out


def _statements(tokens: list[tuple[str, bool]]) -> list[list[tuple[str, bool]]]:
    statements: list[list[tuple[str, bool]]] = [[]]
    for token in tokens:
        if token[0] in _SEPARATORS and not token[1]:
            statements.append([])
        else:
            statements[-1].append(token)
    return [s for s in statements if s]


def _statement(words: list[tuple[str, bool]], cwd: str) -> list[str]:
    paths: list[str] = []
    rest: list[tuple[str, bool]] = []
    i = 0
    while i < len(words):  # redirections first: they write whatever the command is
        text, dynamic = words[i]
        if text in (">", ">&") and not dynamic:
            if text == ">&":
                i += 1
                continue
            if i + 1 >= len(words):
                raise NotUnderstood("PowerShell: a redirection names no file")
            target, target_dynamic = words[i + 1]
            if target.lower() != "$null":
                paths.append(_path(target, target_dynamic, "the redirection", cwd))
            i += 2
            continue
        rest.append(words[i])
        i += 1
    if not rest:
        return paths
    name = rest[0][0].lower()
    if name == "&" or name == ".":
        rest = rest[1:]
        name = rest[0][0].lower() if rest else ""
    cmdlet = _ALIASES.get(name, name)
    if cmdlet not in _CMDLETS:
        return paths
    shown = "-".join(part.capitalize() for part in cmdlet.split("-"))
    path_params, dest_params, positions = _CMDLETS[cmdlet]
    named: dict[str, list[tuple[str, bool]]] = {}
    positional: list[tuple[str, bool]] = []
    args = rest[1:]
    j = 0
    while j < len(args):
        text, dynamic = args[j]
        if text.startswith("-") and len(text) > 1 and not dynamic:
            key, _, inline = text[1:].partition(":")
            key = key.lower()
            if key in _SWITCHES or key in (
                "encoding",
                "itemtype",
                "type",
                "value",
                "inputobject",
                "width",
                "stream",
                "filter",
                "include",
                "exclude",
                "credential",
            ):
                j += 1 if inline or key in _SWITCHES else 2
                continue
            value = (inline, False) if inline else (args[j + 1] if j + 1 < len(args) else None)
            if value is None:
                raise NotUnderstood(f"PowerShell: {shown} -{key} has no value")
            named.setdefault(key, []).append(value)
            j += 1 if inline else 2
            continue
        positional.append(args[j])
        j += 1
    sources = [v for k in path_params for v in named.get(k, [])]
    if cmdlet == "copy-item":
        sources = []
    destinations = [v for k in dest_params for v in named.get(k, [])]
    if cmdlet == "new-item" and "name" in named:
        base = sources or positional[:1] or [(".", False)]
        sources = [(os.path.join(b[0], n[0]), b[1] or n[1]) for b in base for n in named["name"]]
        positional = positional[1:] if not named.get("path") else positional
    elif cmdlet == "rename-item":
        new = named.get("newname") or positional[1:2] or positional[0:1] and positional[1:2]
        source = sources or positional[:1]
        if not source or not new:
            raise NotUnderstood(f"PowerShell: cannot read which file {shown} renames")
        first = _path(source[0][0], source[0][1], shown, cwd)
        return [*paths, first, _path(os.path.join(os.path.dirname(first), new[0][0]), new[0][1], shown, cwd)]
    else:
        taken = len(sources) + len(destinations)
        wanted = positional[: max(0, positions - taken)] if taken < positions else []
        if cmdlet in ("copy-item", "move-item"):
            if not named.get("path") and not named.get("literalpath") and wanted:
                moved = wanted[0]
                wanted = wanted[1:]
                if cmdlet == "move-item":
                    sources.append(moved)
            if not destinations and wanted:
                destinations = wanted[:1]
            if not destinations:
                raise NotUnderstood(f"PowerShell: cannot read where {shown} writes")
        else:
            sources.extend(wanted[:1] if not sources else [])
    targets = sources + destinations
    if not targets:
        raise NotUnderstood(f"PowerShell: cannot read which file {shown} writes")
    for text, dynamic in targets:
        for part in text.split(",") if not dynamic else [text]:
            paths.append(_path(part.strip(), dynamic, shown, cwd))
    return paths


def _path(text: str, dynamic: bool, what: str, cwd: str) -> str:
    if dynamic or not text or any(c in text for c in "*?[") or text.startswith(("$", "~", "env:", "HKLM:", "HKCU:")):
        raise NotUnderstood(f"PowerShell: cannot read the path {text!r} {what} writes")
    if text.lower().startswith("filesystem::"):
        text = text[len("filesystem::") :]
    return os.path.normpath(os.path.join(cwd, text.replace("\\", "/")))
