"""A Bash command → the paths it writes, read with a maintained bash grammar (tree-sitter-bash).

The command is parsed by tree-sitter with the tree-sitter-bash grammar, then
read as bash runs it: lists, pipelines, subshells (a `cd` inside stays inside),
compound commands, functions (their bodies are read as if called), and every
place bash expands a command substitution (`$(...)`, backticks, inside double
quotes, `[[ ]]`, `$(( ))`, `${x:-...}`, unquoted here-document bodies, process
substitutions). Each simple command's words are expanded as bash expands them,
in bounded time: quotes removed (`'bob/$x'` is literal, `$'..'` decoded),
variables assigned earlier in the command and `for` lists substituted, `~`,
braces, sequences and globs. What runs the command is stripped (assignments,
`sudo`, `env`, `command`, `exec`, `nohup`, `nice`, `time`, `timeout`, `xargs`,
`bash -c STRING`, `eval STRING`), and a command that writes files is read by
its operand table (guard/writers.py).

What cannot be read is never ignored: a word whose value is known only when the
command runs (a variable from outside, `$(...)`), a glob too big to list, a
part of the command the grammar cannot parse: each lands in `Writes.unknown`
when it stands where a file is written, and the guard denies it, naming it.
Writes found before or around an unreadable part are kept.

Why tree-sitter (measured on this project's machine, Python 3.11, best of 7;
bench/guard_parse.py prints them again):

- import: `tree_sitter` + `tree_sitter_bash` + building the parser ~15 ms;
  `bashlex` ~156 ms (it builds its yacc tables on import); `shlex` 0.5 ms.
  It is imported only when a Bash command is judged.
- parse: a 16 kB command of 800 simple commands 3.4 ms (bashlex 152 ms); a
  typical one-liner 0.007 ms (bashlex 0.35 ms).
- coverage: tree-sitter-bash parses arrays, functions, `case`, process
  substitution, `$(( ))`, `[[ ]]`, quoted and unquoted here-documents, `$'..'`
  and backticks; bashlex fails on arrays, `case`, `$(( ))`, `[[ ]]` and quoted
  here-documents, and it is GPL-3.0 (this project is MIT). Neither reads
  `${x:-(}`: tree-sitter marks that one node as an error and parses the rest.

Paths come back absolute with every folder resolved as the kernel resolves it
(guard/paths.py: symlinks, then `..`), links made earlier in the same command
included; a folder ends with '/'. The filesystem and git are consulted only to
read the command as it would run (does the folder exist? which files does the
glob match, the archive hold, the checkout change?), never written.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from .paths import Links, leads, other_names, place
from .writers import COMMANDS, MAX_FOLDER_FILES, UNKNOWN, Call, _shown, unwrap

__all__ = ["MAX_FOLDER_FILES", "UNKNOWN", "Writes", "written_paths"]

MAX_WORDS = 4096  # words all expansions of one command may produce, dead code included
MAX_GLOB_ENTRIES = 20000  # folder entries all globs of one command may look at
MAX_DEPTH = 8  # `bash -c`, `eval` and substitutions nested in each other

_WRITE_REDIRECTS = {">", ">>", ">|", "&>", "&>>", "<>", ">&", "&>|"}
_NOT_FILES = ("/dev/",)  # /dev/null, /dev/stderr, /dev/fd/N: devices, not files of a repository
_SHELLS = {"bash", "sh", "dash", "zsh", "ksh"}


@dataclass(frozen=True)
class Writes:
    paths: tuple[str, ...]  # absolute, folders resolved; a folder ends with '/'
    unknown: tuple[str, ...]  # what the guard cannot read (too big, unparsed writes, code known at run time): denied
    # Every simple command as expanded (assignments and prefixes kept) with its working folder, for
    # guard/git_commands.py; a part known only at run time keeps its source text ('$x', '$(...)').
    commands: tuple[tuple[tuple[str, ...], str | None], ...] = ()
    understood: bool = True  # False when part of the command could not be parsed
    # Writes whose target is known only at run time ('> "$t"'): denied, unless the command runs in the
    # agent's OS sandbox (guard/wrap.py), where the kernel places them.
    late: tuple[str, ...] = ()


class TooBig(Exception):
    """An expansion went past its bound: the command is refused, not expanded."""


def written_paths(command: str, cwd: str, toplevel: Callable[[str], str | None] | None = None) -> Writes:
    """The paths `command`, run in `cwd`, writes; `toplevel(dir)` locates the repository for `git apply`."""
    reader = Reader(toplevel or (lambda folder: None))
    reader.read_text(command, cwd)
    unknown = list(dict.fromkeys(reader.unknown))
    if reader.unreadable:
        operator = write_operator(command)
        if operator:
            where = reader.unreadable[0]
            unknown.append(f"the guard cannot read part of the command ({where}), and it holds the write {operator}")
    return Writes(
        tuple(dict.fromkeys(reader.paths)),
        tuple(unknown),
        tuple(reader.commands),
        understood=not reader.unreadable,
        late=tuple(dict.fromkeys(reader.late)),
    )


_OPERATOR = re.compile(r"(&>>|&>|>>|>\||<>|(?<![<>&\d])>(?!&\d|&-)|\d+>(?!&))")


def write_operator(command: str) -> str | None:
    """The first write operator in a text: a redirection, or a command that writes files (`tee`, `cp`...)."""
    found = _OPERATOR.search(command)
    if found:
        return f"operator '{found.group(0)}'"
    for word in re.findall(r"[A-Za-z_][\w.-]*", command):
        if word in COMMANDS:
            return f"command '{word}'"
    return None


# --- the parser ---------------------------------------------------------------

_PARSER = None


def _parse(text: str):
    global _PARSER
    if _PARSER is None:
        import tree_sitter
        import tree_sitter_bash

        _PARSER = tree_sitter.Parser(tree_sitter.Language(tree_sitter_bash.language()))
    return _PARSER.parse(text.encode("utf-8", "surrogateescape")).root_node


_MKTEMP = re.compile(r"(?:\$\(|`)\s*mktemp((?:\s+-[dqu]+)*)\s*(?:\)|`)")


def _mktemp(text: str) -> str | None:
    """Where `$(mktemp)` (options -d -q -u only) makes its file: `$TMPDIR`, else /tmp (coreutils' mktemp(1)).

    The name is random; a stand-in inside that folder is judged instead (`scratch.temp`). With a
    template, `-p` or `--tmpdir` the folder is the command's to choose: the value stays unknown.
    """
    found = _MKTEMP.fullmatch(text.strip())
    if found is None:
        return None
    folder = os.environ.get("TMPDIR") or "/tmp"
    return os.path.join(folder, "tmp.mktemp" + ("/" if "d" in found.group(1) else ""))


def _text(node) -> str:
    return node.text.decode("utf-8", "surrogateescape")


# --- the reader ---------------------------------------------------------------


@dataclass
class State:
    """What a subshell copies and a `cd` or an assignment changes."""

    cwd: str | None
    variables: dict[str, tuple[str, ...] | None] = field(default_factory=dict)  # None: known only at run time
    stack: list[str | None] = field(default_factory=list)  # pushd's
    oldpwd: str | None = None

    def copy(self) -> State:
        return State(self.cwd, dict(self.variables), list(self.stack), self.oldpwd)


class Reader:
    def __init__(self, toplevel: Callable[[str], str | None]) -> None:
        self.toplevel = toplevel
        self.paths: list[str] = []
        self.unknown: list[str] = []
        self.late: list[str] = []
        self.unreadable: list[str] = []
        self.commands: list[tuple[tuple[str, ...], str | None]] = []
        self.links = Links()
        self.words_left = MAX_WORDS
        self.entries_left = MAX_GLOB_ENTRIES
        self.depth = 0
        self.state = State(None)

    def read_text(self, text: str, cwd: str | None) -> None:
        self.state = State(cwd)
        try:
            self.read_nested(text)
        except TooBig as exc:
            self.unknown.append(str(exc))

    def read_nested(self, text: str) -> None:
        """A command text in the current state (the whole command, `bash -c STRING`, `eval STRING`)."""
        if self.depth >= MAX_DEPTH:
            self.unknown.append(f"commands nested more than {MAX_DEPTH} deep")
            return
        self.depth += 1
        try:
            self.statement(_parse(text))
        finally:
            self.depth -= 1

    # --- statements ---

    def statement(self, node) -> None:
        kind = node.type
        if node.is_missing or kind == "ERROR":
            self.unreadable.append(repr(_text(node)[:40]) if _text(node) else "an unfinished construct")
            if kind == "ERROR":
                self.children(node)
            return
        handler = _STATEMENTS.get(kind)
        if handler is not None:
            handler(self, node)
        elif node.is_named:
            self.children(node)

    def children(self, node) -> None:
        for child in node.children:
            if child.type in _WORDLIKE:
                self.substitutions(child)
            else:
                self.statement(child)

    def subshell(self, node) -> None:
        saved = self.state
        self.state = saved.copy()
        try:
            self.children(node)
        finally:
            self.state = saved

    def pipeline(self, node) -> None:
        for child in node.named_children:  # every part runs in a subshell of its own (no lastpipe)
            saved = self.state
            self.state = saved.copy()
            try:
                self.statement(child)
            finally:
                self.state = saved

    def redirected(self, node) -> None:
        body = node.child_by_field_name("body")
        redirects = [c for c in node.children if c.type.endswith("_redirect")] + [
            c for c in node.children if c.type == "ERROR"
        ]
        if body is not None and body.type == "command":
            self.command(body, redirects)
        elif body is not None and body.type in ("list", "pipeline") and redirects:
            self.trailing(body, redirects)
        else:
            self.redirections(redirects)
            if body is not None:
                self.statement(body)
        for child in node.children:
            if child.type == "heredoc_redirect":
                self.heredoc_tail(child)

    def trailing(self, node, redirects: list) -> None:
        """tree-sitter-bash 0.25 hangs `a && b > f` and `a | b > f` as one redirected list; bash redirects b only."""
        parts = node.named_children
        last = parts[-1] if parts else None
        for part in parts:
            saved = self.state
            if node.type == "pipeline":
                self.state = saved.copy()  # every part of a pipeline runs in a subshell of its own
            try:
                if part is not last:
                    self.statement(part)
                elif part.type == "command":
                    self.command(part, redirects)
                elif part.type in ("list", "pipeline"):
                    self.trailing(part, redirects)
                else:
                    self.redirections(redirects)
                    self.statement(part)
            finally:
                if node.type == "pipeline":
                    self.state = saved

    def heredoc_tail(self, node) -> None:
        """tree-sitter-bash hangs what follows `<<EOF` on the same line (`&& more`) under the heredoc node."""
        for i, child in enumerate(node.children):
            name = node.field_name_for_child(i)
            if name == "right" or (child.is_named and child.type not in _REDIRECT_PARTS and name != "redirect"):
                self.statement(child)

    def assignment(self, node) -> None:
        name, values = self.assigned(node)
        if name:
            self.state.variables[name] = values

    def assignments(self, node) -> None:
        for child in node.named_children:
            self.statement(child)

    def declaration(self, node) -> None:
        words = [_text(node.children[0])]
        for child in node.named_children:
            if child.type == "variable_assignment":
                name, values = self.assigned(child)
                if name:
                    self.state.variables[name] = values
                words.append(f"{name}={_shown(values[0]) if values else _text(child).partition('=')[2]}")
            else:
                words += [_shown(w) for w in self.expand(child)]
        self.commands.append((tuple(words), self.state.cwd))

    def unset(self, node) -> None:
        words = [_text(node.children[0])] + [w for c in node.named_children for w in map(_shown, self.expand(c))]
        for name in words[1:]:
            self.state.variables.pop(name, None)
        self.commands.append((tuple(words), self.state.cwd))

    def for_loop(self, node) -> None:
        variable = node.child_by_field_name("variable")
        values: list[str] = []
        known = True
        for i, child in enumerate(node.children):
            if node.field_name_for_child(i) == "value":
                for word in self.expand(child):
                    known = known and UNKNOWN not in word
                    values.append(word)
        if variable is not None:
            self.state.variables[_text(variable)] = tuple(values) if known else None
        body = node.child_by_field_name("body")
        if body is not None:
            self.statement(body)

    def substitutions(self, node) -> None:
        """Read every command bash runs while expanding a word (nothing of the word itself is written)."""
        if node.type in ("command_substitution", "process_substitution"):
            self.subshell(node)
            return
        if node.type == "ERROR":
            self.statement(node)
            return
        for child in node.children:
            self.substitutions(child)

    # --- one simple command ---

    def assigned(self, node) -> tuple[str | None, tuple[str, ...] | None]:
        name_node = node.child_by_field_name("name")
        value = node.child_by_field_name("value")
        name = _text(name_node) if name_node is not None and name_node.type == "variable_name" else None
        if value is None:
            return name, ("",)
        if value.type == "array":
            words = [w for c in value.named_children for w in self.expand(c)]
            return name, None if any(UNKNOWN in w for w in words) else tuple(words)
        patterns = self.patterns(value)
        values = tuple(_unescape(p) for p in patterns)
        return name, None if any(UNKNOWN in v for v in values) else values

    def command(self, node, outer: list) -> None:
        state = self.state
        prefix: list[str] = []
        words: list[str] = []
        redirects = list(outer)
        for child in node.children:
            kind = child.type
            if kind == "variable_assignment":
                name, values = self.assigned(child)
                shown = _shown(values[0]) if values else _text(child).partition("=")[2]
                prefix.append(f"{name or _text(child).partition('=')[0]}={shown}")
            elif kind.endswith("_redirect"):
                redirects.append(child)
            elif kind == "command_name":
                words += self.expand(child.children[0] if child.named_child_count else child)
            elif kind == "comment":
                continue
            elif child.is_named:
                words += self.expand(child)
        heredoc, stdin = self.redirections(redirects)
        if prefix or words:
            self.commands.append((tuple(prefix + [_shown(w) for w in words]), state.cwd))
        if not words:
            for child in node.children:
                if child.type == "variable_assignment":
                    self.assignment(child)
            return
        self.run(words, heredoc, stdin)

    def run(self, words: list[str], heredoc: str | None, stdin: str | None) -> None:
        state = self.state
        unwrapped = unwrap(words, state.cwd)
        if unwrapped is None:
            return
        name, args, cwd, xargs = unwrapped
        if UNKNOWN in name:
            return  # a command known only at run time: what it writes is not read here
        if name in ("cd", "pushd", "popd"):
            self.change_folder(name, args)
            return
        if name in _SHELLS or name == "eval":
            self.nested(name, args, cwd)
            return
        handler = COMMANDS.get(name)
        if handler is not None:
            handler(self, Call(name, args, cwd, xargs, heredoc, stdin))

    def nested(self, name: str, args: list[str], cwd: str | None) -> None:
        """`bash -c STRING` and `eval WORDS`: the string is read as a command of its own."""
        if name == "eval":
            text = " ".join(args)
        else:
            options = [a for a in args if a.startswith("-") and not a.startswith("--")]
            flagged = next((i for i, a in enumerate(args) if a.startswith("-") and "c" in a[1:]), None)
            if flagged is None or flagged + 1 >= len(args) or not options:
                return  # a script file or stdin: what it writes is not read here
            text = args[flagged + 1]
        if UNKNOWN in text:
            self.unknown.append(f"{name}: the command it runs is known only when it runs ({_shown(text)})")
            return
        saved = self.state
        self.state = saved.copy() if name != "eval" else saved
        self.state.cwd = cwd
        try:
            self.read_nested(text)
        finally:
            self.state = saved

    def change_folder(self, name: str, args: list[str]) -> None:
        state = self.state
        operands = [a for a in args if not (a.startswith("-") and a != "-") or a in ("-", "--")]
        operands = [a for a in operands if a != "--"]
        if name == "popd":
            state.cwd = state.stack.pop() if state.stack else None
            return
        if name == "pushd":
            if operands and operands[0].startswith(("+", "-")) and operands[0][1:].isdigit():
                state.cwd = None  # rotating the stack: a folder this reader does not follow
                return
            state.stack.append(state.cwd)
        target = operands[0] if operands else os.path.expanduser("~")
        if target == "-":
            new = state.oldpwd
        elif UNKNOWN in target:
            new = None
        else:
            new = _logical(state.cwd, target)
        state.oldpwd, state.cwd = state.cwd, new

    def redirections(self, nodes: list) -> tuple[str | None, str | None]:
        """Record what the redirections write; return (here-document text, the file `<` reads)."""
        heredoc = stdin = None
        herestring = False
        for node in nodes:
            if node.type == "ERROR":
                # tree-sitter-bash 0.25 parses `<<< word` after another redirection as ERROR('<<') + `< word`
                herestring = _text(node) == "<<"
                if not herestring:
                    self.statement(node)
                continue
            if herestring and node.type == "file_redirect":
                herestring = False
                self.substitutions(node)
                heredoc = " ".join(_shown(w) for c in _destinations(node) for w in self.expand(c)) + "\n"
                continue
            if node.type == "heredoc_redirect":
                heredoc = self.heredoc(node)
                for child in node.children:
                    if child.type == "file_redirect":
                        heredoc_stdin = self.redirect(child)
                        stdin = heredoc_stdin or stdin
                continue
            if node.type == "herestring_redirect":
                self.substitutions(node)
                values = [self.expand(c) for c in node.named_children]
                heredoc = " ".join(_shown(w) for ws in values for w in ws) + "\n"
                continue
            stdin = self.redirect(node) or stdin
        return heredoc, stdin

    def redirect(self, node) -> str | None:
        # The operator's characters; tree-sitter-bash 0.25 parses `<>` as '<' then ERROR('>').
        operator = "".join(_text(c) for c in node.children if not c.is_named or c.type == "ERROR") or None
        destinations = _destinations(node)
        if not destinations:
            return None
        for extra in destinations[1:]:  # `echo a > b c`: c is an argument of echo
            self.substitutions(extra)
        words = self.expand(destinations[0])
        if operator in ("<", "<&"):
            return words[0] if len(words) == 1 else None
        if operator not in _WRITE_REDIRECTS:
            return None
        for word in words:
            if operator in (">&", "<&") and (word.isdigit() or word == "-"):
                continue
            self.add(word, self.state.cwd, note=f"the redirection '{operator} {_shown(word)}'")
        return None

    def heredoc(self, node) -> str:
        start = next((c for c in node.children if c.type == "heredoc_start"), None)
        body = next((c for c in node.children if c.type == "heredoc_body"), None)
        if body is None:
            return ""
        quoted = start is not None and any(q in _text(start) for q in "'\"\\")
        if not quoted:
            self.substitutions(body)  # an unquoted body is expanded: its $(...) and `...` run
        text = _text(body)
        if start is not None and _text(node.children[0]) == "<<-":
            text = "\n".join(line.lstrip("\t") for line in text.split("\n"))
        return text

    # --- what a command writes ---

    def add(self, word: str, cwd: str | None, folder: bool = False, note: str | None = None) -> None:
        """Record a path the command writes; a word known only at run time is a reason to deny."""
        if UNKNOWN in word:
            what = note or f"'{_shown(word)}'"
            self.late.append(f"{what}: a path known only when the command runs")
            return
        if not os.path.isabs(word) and cwd is None:
            self.late.append(f"'{word}': relative to a folder known only when the command runs")
            return
        if word.startswith(_NOT_FILES) or word == "/dev":
            return
        folder = folder or word.endswith("/")
        absolute = os.path.join(cwd or "/", word)
        where = place(absolute, self.links)
        if where.startswith(_NOT_FILES):
            return
        names = [where]
        if where in self.links.symlinks:  # a symlink made earlier in this command: the write lands where it leads
            names.append(leads(absolute, self.links))
        names += other_names(where, self.links)
        for name in names:
            is_folder = folder or (os.path.isdir(name) and not os.path.islink(name))
            self.paths.append(name.rstrip("/") + "/" if is_folder and name != "/" else name)

    def link(self, link: str, target: str, cwd: str | None, hard: bool) -> None:
        """Remember a link the command makes, so that later writes through it are judged where they land."""
        if UNKNOWN in link or UNKNOWN in target or cwd is None:
            return
        where = place(os.path.join(cwd, link), self.links)
        if hard:
            self.links.hard[where] = leads(os.path.join(cwd, target), self.links)
        else:
            self.links.symlinks[where] = target

    def resolve(self, word: str, cwd: str | None) -> str | None:
        """A known word → where it lands (for reading the filesystem as the command would); None when unknown."""
        if UNKNOWN in word or (cwd is None and not os.path.isabs(word)):
            return None
        return leads(os.path.join(cwd or "/", word), self.links)

    # --- words ---

    def expand(self, node) -> list[str]:
        """A word of the command → the fields bash makes of it (braces, then globs), bounded."""
        out: list[str] = []
        for pattern in self.patterns(node):
            if UNKNOWN in pattern:
                self.spend(1)
                out.append(_unescape(pattern))
                continue
            for item in _braces(pattern, self):
                out.extend(self.glob(item))
        return out

    def spend(self, count: int) -> None:
        self.words_left -= count
        if self.words_left < 0:
            raise TooBig(
                f"the command expands to more than {MAX_WORDS} words (braces, sequences, globs, loops; "
                "dead code counts too); split it into smaller commands"
            )

    def patterns(self, node) -> list[str]:
        """A word → its variants (a `for` variable may hold several), quoting kept as backslash escapes."""
        kind = node.type
        if kind in ("word", "number", "brace_expression", "special_variable_name", "variable_name", "test_operator"):
            text = _text(node)
            if kind == "word" and text.startswith("~"):
                return [_tilde(text)]
            return [text]
        if kind == "raw_string":
            return [_escape(_text(node)[1:-1])]
        if kind == "ansi_c_string":
            return [_escape(_ansi_c(_text(node)[2:-1]))]
        if kind in ("string", "translated_string"):
            variants = [""]
            for child in node.named_children if kind == "string" else node.named_children[0].named_children:
                if child.type == "string_content":
                    parts = [_escape(_double_quoted(_text(child)))]
                else:
                    parts = self.patterns(child)
                variants = self.product(variants, parts)
            return variants
        if kind == "concatenation":
            variants = [""]
            for at, child in enumerate(node.named_children):
                parts = self.patterns(child)
                if at and child.type == "word" and _text(child).startswith("~"):
                    parts = [_text(child)]  # a tilde inside a word is a character
                variants = self.product(variants, parts)
            return variants
        if kind == "simple_expansion" or (kind == "expansion" and _simple_expansion(node)):
            names = [c for c in node.named_children if c.type in ("variable_name", "special_variable_name")]
            return self.variable(_text(names[0]) if names else "", _text(node))
        if kind == "process_substitution":
            self.subshell(node)
            return ["/dev/fd/63"]
        made = _mktemp(_text(node)) if kind == "command_substitution" else None
        if made is not None:  # `$(mktemp)`: a new name in the temp folder, judged there
            return [_escape(made)]
        self.substitutions(node)  # $(...), `...`, $((...)), ${x:-...}: read, value unknown
        return [UNKNOWN + _text(node) + UNKNOWN]

    def product(self, variants: list[str], parts: list[str]) -> list[str]:
        if len(variants) * len(parts) > 1:
            self.spend(len(variants) * len(parts))
        return [v + p for v in variants for p in parts]

    def variable(self, name: str, source: str) -> list[str]:
        state = self.state
        if name in state.variables:
            values = state.variables[name]
            if values is not None:
                return [_escape(v) for v in values] or [""]
        elif name == "HOME":
            return [_escape(os.path.expanduser("~"))]
        elif name == "PWD" and state.cwd:
            return [_escape(state.cwd)]
        elif name == "OLDPWD" and state.oldpwd:
            return [_escape(state.oldpwd)]
        return [UNKNOWN + source + UNKNOWN]

    def glob(self, pattern: str) -> list[str]:
        """Pathname expansion of one field (bash's defaults: no match leaves the word, `*` skips dot files)."""
        self.spend(1)
        if not _has_glob(pattern):
            return [_unescape(pattern)]
        cwd = self.state.cwd
        absolute = pattern.startswith("/")
        if not absolute and cwd is None:
            return [UNKNOWN + _unescape(pattern) + UNKNOWN]
        parts = [p for p in _split_escaped(pattern) if p]
        found = [("/" if absolute else "", "/" if absolute else cwd)]
        for at, part in enumerate(parts):
            last = at == len(parts) - 1
            following: list[tuple[str, str]] = []
            if not _has_glob(part):
                name = _unescape(part)
                following = [(shown + name + ("" if last else "/"), os.path.join(real, name)) for shown, real in found]
            else:
                regex = _glob_regex(part)
                for shown, real in found:
                    for entry in self.entries(real):
                        if regex.fullmatch(entry) and (entry[0] != "." or part.startswith((".", "\\."))):
                            path = os.path.join(real, entry)
                            if last or os.path.isdir(path):
                                following.append((shown + entry + ("" if last else "/"), path))
            found = following
            if not found:
                return [_unescape(pattern)]
        self.spend(len(found))
        return sorted(shown for shown, _ in found)

    def entries(self, folder: str) -> list[str]:
        try:
            names = os.listdir(folder)
        except OSError:
            return []
        self.entries_left -= len(names)
        if self.entries_left < 0:
            raise TooBig(
                f"the command's globs look at more than {MAX_GLOB_ENTRIES} folder entries (dead code counts too); "
                "name the files, or split the command"
            )
        return sorted(names)


def _destinations(node) -> list:
    return [node.children[i] for i in range(node.child_count) if node.field_name_for_child(i) == "destination"]


def _simple_expansion(node) -> bool:
    """`${name}`: no operator, no index."""
    named = node.named_children
    return len(named) == 1 and named[0].type in ("variable_name", "special_variable_name") and node.child_count == 3


_STATEMENTS: dict[str, Callable[[Reader, object], None]] = {
    "subshell": Reader.subshell,
    "pipeline": Reader.pipeline,
    "redirected_statement": Reader.redirected,
    "command": lambda reader, node: reader.command(node, []),
    "variable_assignment": Reader.assignment,
    "variable_assignments": Reader.assignments,
    "declaration_command": Reader.declaration,
    "unset_command": Reader.unset,
    "for_statement": Reader.for_loop,
    "comment": lambda reader, node: None,
}
# Nodes that are words (or hold only expressions): bash expands them, running their substitutions.
_WORDLIKE = {
    "word", "string", "raw_string", "ansi_c_string", "translated_string", "concatenation", "simple_expansion",
    "expansion", "arithmetic_expansion", "command_substitution", "process_substitution", "number",
    "binary_expression", "unary_expression", "ternary_expression", "postfix_expression", "parenthesized_expression",
    "test_operator", "brace_expression", "regex", "extglob_pattern", "array", "variable_name", "subscript",
}  # fmt: skip
_REDIRECT_PARTS = {"heredoc_start", "heredoc_body", "heredoc_end", "file_redirect", "heredoc_content"}


# --- quoting ------------------------------------------------------------------

_SPECIAL = set("\\*?[]{},~")  # characters brace and pathname expansion give a meaning


def _escape(text: str) -> str:
    """Quoted text: every character expansion would interpret is escaped."""
    return "".join("\\" + c if c in _SPECIAL else c for c in text)


def _unescape(pattern: str) -> str:
    out = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            out.append(pattern[i + 1])
            i += 2
            continue
        if c == UNKNOWN:
            end = pattern.find(UNKNOWN, i + 1)
            end = len(pattern) if end < 0 else end
            out.append(pattern[i : end + 1])
            i = end + 1
            continue
        out.append(c)
        i += 1
    return "".join(out)


def _double_quoted(text: str) -> str:
    """Inside double quotes a backslash escapes only $ ` \" \\ and a newline."""
    return re.sub(r'\\([$`"\\\n])', lambda m: "" if m.group(1) == "\n" else m.group(1), text)


_C_ESCAPES = {"a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b", "f": "\f", "n": "\n", "r": "\r", "t": "\t",
              "v": "\v", "\\": "\\", "'": "'", '"': '"', "?": "?"}  # fmt: skip


def _ansi_c(text: str) -> str:
    """The body of `$'...'` decoded (bash(1), QUOTING: \\n, \\xHH, \\0NNN, \\uHHHH...)."""

    def one(m: re.Match) -> str:
        body = m.group(1)
        if body[0] in _C_ESCAPES:
            return _C_ESCAPES[body[0]]
        if body[0] in "xuU":
            return chr(int(body[1:], 16)) if len(body) > 1 else m.group(0)
        if body[0] == "c":
            return chr(ord(body[1]) & 0x1F) if len(body) > 1 else m.group(0)
        return chr(int(body, 8) & 0xFF)

    return re.sub(r"\\(x[0-9a-fA-F]{1,2}|u[0-9a-fA-F]{1,4}|U[0-9a-fA-F]{1,8}|[0-7]{1,3}|c.|.)", one, text, flags=re.S)


def _tilde(text: str) -> str:
    head, slash, rest = text.partition("/")
    if head == "~":
        return _escape(os.path.expanduser("~")) + slash + rest
    if head in ("~+", "~-"):
        return UNKNOWN + head + UNKNOWN + slash + rest
    return UNKNOWN + head + UNKNOWN + slash + rest  # ~user: another user's home


def _logical(cwd: str | None, target: str) -> str | None:
    """`cd` in bash's default (logical) mode: `..` drops the last name typed, links are not followed."""
    target = os.path.expanduser(target)
    if os.path.isabs(target):
        return os.path.normpath(target)
    return os.path.normpath(os.path.join(cwd, target)) if cwd else None


# --- brace, sequence and pathname expansion ----------------------------------------


def _braces(pattern: str, reader: Reader) -> list[str]:
    """Bash brace expansion, `{a,b}` and `{1..9..2}`, each produced word paid for before it is made."""
    start, end, parts = _first_brace(pattern)
    if start < 0:
        return [pattern]
    head, tail = pattern[:start], pattern[end + 1 :]
    heads = parts if parts is not None else None
    if heads is None:
        return [pattern]
    out: list[str] = []
    reader.spend(len(heads))
    for part in heads:
        for word in _braces(head + part + tail, reader):
            out.append(word)
    return out


def _first_brace(pattern: str) -> tuple[int, int, list[str] | None]:
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if c == "{" and not (i and pattern[i - 1] == "$"):
            depth, j, commas = 1, i + 1, []
            while j < n and depth:
                d = pattern[j]
                if d == "\\":
                    j += 2
                    continue
                if d == "{":
                    depth += 1
                elif d == "}":
                    depth -= 1
                elif d == "," and depth == 1:
                    commas.append(j)
                j += 1
            if depth == 0:
                close = j - 1
                inner = pattern[i + 1 : close]
                if commas:
                    bounds = [i, *commas, close]
                    return i, close, [pattern[a + 1 : b] for a, b in zip(bounds, bounds[1:], strict=False)]
                sequence = _sequence(inner)
                if sequence is not None:
                    return i, close, sequence
        i += 1
    return -1, -1, None


_SEQUENCE = re.compile(r"(-?\d+|[A-Za-z])\.\.(-?\d+|[A-Za-z])(?:\.\.(-?\d+))?")


def _sequence(inner: str) -> list[str] | None:
    found = _SEQUENCE.fullmatch(inner)
    if not found:
        return None
    first, last, step_text = found.groups()
    step = abs(int(step_text)) if step_text and int(step_text) else 1
    if first.lstrip("-").isdigit() != last.lstrip("-").isdigit():
        return None
    numeric = first.lstrip("-").isdigit()
    a, b = (int(first), int(last)) if numeric else (ord(first), ord(last))
    count = abs(b - a) // step + 1
    if count > MAX_WORDS:
        return [str(i) for i in range(MAX_WORDS + 1)]  # more than the bound: spend() refuses it
    direction = step if b >= a else -step
    values = range(a, b + (1 if direction > 0 else -1), direction)
    if not numeric:
        return [_escape(chr(v)) for v in values]
    width = max(len(first), len(last)) if (first.lstrip("-").startswith("0") or last.lstrip("-").startswith("0")) else 0
    return [str(v).zfill(width) if width else str(v) for v in values]


def _has_glob(pattern: str) -> bool:
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if c in "*?[":
            return True
        i += 1
    return False


def _split_escaped(pattern: str) -> list[str]:
    return pattern.split("/")  # '/' is never escaped meaningfully, and a glob never matches it


def _glob_regex(part: str) -> re.Pattern:
    out, i = [], 0
    while i < len(part):
        c = part[i]
        if c == "\\" and i + 1 < len(part):
            out.append(re.escape(part[i + 1]))
            i += 2
            continue
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            close = part.find("]", i + 2 if part[i + 1 : i + 2] in ("!", "^") else i + 1)
            if close < 0:
                out.append(re.escape(c))
            else:
                body = part[i + 1 : close]
                negate = body[:1] in ("!", "^")
                body = body[1:] if negate else body
                out.append("[" + ("^" if negate else "") + body.replace("\\", "\\\\") + "]")
                i = close + 1
                continue
        else:
            out.append(re.escape(c))
        i += 1
    return re.compile("".join(out), re.S)
