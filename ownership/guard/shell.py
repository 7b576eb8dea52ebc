"""A Bash command → the paths it writes, as far as the command is understood.

The command is tokenised with the standard library's `shlex` (quotes, escapes,
operators) and read as POSIX shell: lists (`;`, `&&`, `||`, `&`, newlines),
pipelines, subshells, command substitutions, redirections and here-documents.
Each simple command is stripped of what runs it (assignments, `sudo`, `env`,
`command`, `exec`, `nohup`, `nice`, `time`, `timeout`, `xargs`) and, when it is a
command that writes files, its operands are read the way that command reads
them: redirections, `tee`, `sed -i`, `cp`, `mv`, `ln`, `rm`, `rmdir`, `unlink`,
`touch`, `mkdir`, `truncate`, and `git checkout|restore|rm|mv|apply`.

Whatever is not understood writes nothing here and is listed in
`Writes.unknown`: a command substitution or a variable where a path should be,
a destination that `xargs` supplies, text `shlex` cannot tokenise. The guard
allows it; the commit and CI checks judge its effects. Commands this module
does not know (`python`, `npm`, `make`...) are not listed at all.

Why `shlex` and not `bashlex`: importing bashlex builds its yacc parser and
costs about 65 ms, twice the start-up of the Python interpreter the guard runs
in on every tool call; shlex costs 0.3 ms. shlex is blind in two places, and
this module works around both: it does not say whether two tokens touched (so
`2>f` and `2 >f` look alike), which a second, whitespace-only tokenisation of
the same text recovers; and it does not say whether an operator was quoted, so
`grep '>' notes.txt` reads as a redirection to notes.txt, an error towards
denying.

Paths come back absolute, as typed (`..` collapsed later by the guard); a
folder ends with '/'. The filesystem is consulted only to read a command as the
command would (is the destination of `cp` an existing folder? which files does
a glob match?), never written.

Why one module of ~770 lines: the tokeniser, the command reader and the
per-command operand tables share one small state (the tokens and where each
touched the next), and this reader is due to be replaced by a tree-sitter
reader; splitting it now would be churn in code that will be deleted.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Writes:
    paths: tuple[str, ...]  # absolute; a folder ends with '/'
    unknown: tuple[str, ...]  # what looked like a write but was not understood
    # Every simple command as typed (assignments and prefixes kept) with its working folder, for
    # guard/git_commands.py; empty when the command was not understood (`understood` is then False).
    commands: tuple[tuple[tuple[str, ...], str | None], ...] = ()
    understood: bool = True


class NotUnderstood(ValueError):
    """The command's shape is beyond this reader; nothing of it is judged."""


# A word whose value is known only when the shell runs (a command substitution).
# It holds '$', so every test for variables also catches it.
DYNAMIC = "\0$(...)"

_PUNCTUATION = "();<>|&"
_OPERATORS = sorted(
    ("&>>", "<<<", ";;&", "&&", "||", ">>", "<<", ">&", "<&", "&>", ">|", "<>", "|&", ";;", ";&",
     "(", ")", "<", ">", "|", "&", ";"),
    key=len, reverse=True,
)  # fmt: skip
_WRITE_REDIRECTS = {">", ">>", ">|", "&>", "&>>", "<>", ">&"}
_READ_REDIRECTS = {"<", "<&", "<<<"}
_REDIRECTS = _WRITE_REDIRECTS | _READ_REDIRECTS | {"<<"}
_SEPARATORS = {";", "&", "&&", "||", "|", "|&", ";;", ";&", ";;&", "\n"}
# Words that open or close a compound command: the command after them is an ordinary one.
_KEYWORDS = {"if", "then", "else", "elif", "fi", "do", "done", "while", "until", "{", "}", "!", "esac"}
# Compound commands whose words are not a command (`for x in a b`): nothing in them is written.
_NOT_COMMANDS = {"for", "select", "case", "function"}
_NOT_FILES = ("/dev/",)  # /dev/null, /dev/stderr, /dev/tty: devices, not files of a repository
_MAX_EXPANSIONS = 256


def written_paths(command: str, cwd: str, toplevel: Callable[[str], str | None] | None = None) -> Writes:
    """The paths `command`, run in `cwd`, writes; `toplevel(dir)` locates the repository for `git apply`."""
    reader = _Reader(toplevel or (lambda folder: None))
    try:
        tokens = _tokenize(command)
        reader.run(tokens, cwd)
    except NotUnderstood as exc:
        return Writes((), (f"the command: {exc}",), understood=False)
    paths = tuple(dict.fromkeys(reader.paths))
    return Writes(paths, tuple(dict.fromkeys(reader.unknown)), tuple(reader.commands))


# --- tokens -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # word | op | heredoc
    value: str
    group: int  # tokens with the same group touched: no white space between them


def _lex(text: str, punctuation: bool) -> list[str]:
    lexer = shlex.shlex(text, posix=True, punctuation_chars=_PUNCTUATION if punctuation else False)
    lexer.whitespace_split = True
    return list(lexer)


def _line_tokens(text: str, base: int) -> tuple[list[_Token], int]:
    """One logical line's tokens, operators split apart, each tagged with its whitespace-separated group.

    The groups come from a second tokenisation that splits at white space only:
    every token of the first lies inside one word of the second.
    """
    pieces = _lex(text, True)
    groups = _lex(text, False)
    tokens: list[_Token] = []
    index, acc = 0, ""
    for piece in pieces:
        if index >= len(groups):
            raise NotUnderstood("shlex tokenised it two ways")
        acc += piece
        if piece and all(c in _PUNCTUATION for c in piece):
            tokens.extend(_Token("op", op, base + index) for op in _split_operators(piece))
        else:
            tokens.append(_Token("word", piece, base + index))
        if acc == groups[index]:
            index, acc = index + 1, ""
        elif not groups[index].startswith(acc):
            raise NotUnderstood("shlex tokenised it two ways")
    return tokens, base + len(groups) + 1


def _split_operators(run: str) -> list[str]:
    """'&&(' → ['&&', '(']: shlex hands a run of operator characters over as one token."""
    out = []
    while run:
        op = next(o for o in _OPERATORS if run.startswith(o))
        out.append(op)
        run = run[len(op) :]
    return out


def _tokenize(command: str) -> list[_Token]:
    """Tokens of the whole command: lines joined where quotes or a backslash continue them, here-documents read."""
    lines = command.replace("\r\n", "\n").split("\n")
    tokens: list[_Token] = []
    base = i = 0
    while i < len(lines):
        text = lines[i]
        i += 1
        while True:
            try:
                line, base = _line_tokens(text, base)
                break
            except NotUnderstood:
                raise
            except ValueError as exc:  # shlex: "No closing quotation", "No escaped character"
                if i >= len(lines):
                    raise NotUnderstood(str(exc).lower()) from None
                if str(exc) == "No escaped character":  # backslash-newline: the line goes on
                    text = text[:-1] + lines[i]
                else:
                    text += "\n" + lines[i]
                i += 1
        i = _read_heredocs(line, lines, i, tokens)
        tokens.append(_Token("op", "\n", -1))
    return tokens


def _read_heredocs(line: list[_Token], lines: list[str], i: int, out: list[_Token]) -> int:
    """Copy the line's tokens to `out`, each `<<WORD` replaced by its body read from `lines[i:]`."""
    j = 0
    while j < len(line):
        token = line[j]
        if token.kind == "op" and token.value == "<<" and j + 1 < len(line) and line[j + 1].kind == "word":
            delimiter = line[j + 1].value
            strip_tabs = delimiter.startswith("-") and line[j + 1].group == token.group
            if strip_tabs:
                delimiter = delimiter[1:]
            body = []
            while i < len(lines):
                text = lines[i]
                i += 1
                if (text.lstrip("\t") if strip_tabs else text) == delimiter:
                    break
                body.append(text.lstrip("\t") if strip_tabs else text)
            out.append(_Token("heredoc", "".join(b + "\n" for b in body), token.group))
            j += 2
            continue
        out.append(token)
        j += 1
    return i


# --- commands -----------------------------------------------------------------


class _Reader:
    def __init__(self, toplevel: Callable[[str], str | None]) -> None:
        self.toplevel = toplevel
        self.paths: list[str] = []
        self.unknown: list[str] = []
        self.commands: list[tuple[tuple[str, ...], str | None]] = []
        self.tokens: list[_Token] = []
        self.pos = 0

    def run(self, tokens: list[_Token], cwd: str) -> None:
        self.tokens, self.pos = tokens, 0
        self.parse(cwd, closing=False)

    def peek(self, offset: int = 0) -> _Token | None:
        at = self.pos + offset
        return self.tokens[at] if at < len(self.tokens) else None

    def parse(self, cwd: str | None, closing: bool) -> None:
        """Commands up to the end, or up to the ')' that closes a subshell; a subshell's `cd` stays inside."""
        words: list[str] = []
        redirects: list[tuple[str, str]] = []
        last_group = None  # group of the last word, to glue `a$(b)c` into one word
        while self.pos < len(self.tokens):
            token = self.tokens[self.pos]
            self.pos += 1
            if token.kind == "heredoc":
                redirects.append(("<<", token.value))
            elif token.kind == "word":
                following = self.peek()
                if (
                    following
                    and following.kind == "op"
                    and following.group == token.group
                    and (following.value in _REDIRECTS)
                    and (token.value.isdigit() or (token.value.startswith("{") and token.value.endswith("}")))
                ):
                    continue  # a file descriptor: 2>/dev/null, {fd}>file
                if not words and token.value == "[[":
                    self.skip_until_word("]]")
                    continue
                if words and token.group == last_group and words[-1] == DYNAMIC:
                    continue  # the rest of a word that holds a command substitution
                words.append(token.value)
                last_group = token.group
            elif token.value == "(":
                following = self.peek()
                arithmetic = (
                    following and following.kind == "op" and following.value == "(" and following.group == token.group
                )
                if words and words[-1].endswith("$") and last_group == token.group:
                    words[-1] = DYNAMIC  # $(...) or $((...))
                    self.skip_balanced() if arithmetic else self.parse(cwd, closing=True)
                    last_group = self.tokens[self.pos - 1].group
                elif words:
                    raise NotUnderstood(f"'(' after {words[-1]!r} (a function definition?)")
                elif arithmetic:
                    self.skip_balanced()  # (( arithmetic ))
                else:
                    self.parse(cwd, closing=True)
            elif token.value == ")":
                self.command(words, redirects, cwd)
                if not closing:
                    raise NotUnderstood("')' closes nothing")
                return
            elif token.value in _REDIRECTS:
                target = self.peek()
                if target and target.kind == "op" and target.value == "(" and target.group == token.group:
                    self.pos += 1  # process substitution >(...) <(...): an argument
                    self.parse(cwd, closing=True)
                    words.append(DYNAMIC)
                    last_group = self.tokens[self.pos - 1].group
                elif target and target.kind == "word":
                    self.pos += 1
                    redirects.append((token.value, target.value))
                else:
                    raise NotUnderstood(f"{token.value!r} without a file")
            elif token.value in _SEPARATORS:
                cwd = self.command(words, redirects, cwd)
                words, redirects, last_group = [], [], None
            else:
                raise NotUnderstood(f"unexpected {token.value!r}")
        self.command(words, redirects, cwd)
        if closing:
            raise NotUnderstood("'(' is never closed")

    def skip_until_word(self, end: str) -> None:
        while self.pos < len(self.tokens):
            token = self.tokens[self.pos]
            self.pos += 1
            if token.kind == "word" and token.value == end:
                return
        raise NotUnderstood(f"no {end!r}")

    def skip_balanced(self) -> None:
        """Skip to the ')' that closes the '(' just read (arithmetic: nothing in it writes a file)."""
        depth = 1
        while self.pos < len(self.tokens):
            token = self.tokens[self.pos]
            self.pos += 1
            if token.kind == "op" and token.value == "(":
                depth += 1
            elif token.kind == "op" and token.value == ")":
                depth -= 1
                if depth == 0:
                    return
        raise NotUnderstood("'(' is never closed")

    # --- one simple command ---------------------------------------------------

    def command(self, words: list[str], redirects: list[tuple[str, str]], cwd: str | None) -> str | None:
        """Record what one simple command writes; return the working folder after it (`cd` changes it)."""
        heredoc = None
        for op, target in redirects:
            if op == "<<":
                heredoc = target
            elif op in _WRITE_REDIRECTS and not (op == ">&" and (target.isdigit() or target == "-")):
                self.add(target, cwd)
        if words:
            self.commands.append((tuple(words), cwd))
        unwrapped = _unwrap(words, cwd)
        if unwrapped is None:
            return cwd
        name, args, base, xargs = unwrapped
        if name in ("cd", "pushd"):
            return _cd(args, cwd)
        if name == "popd":
            return None
        handler = _COMMANDS.get(name)
        if handler is not None:
            handler(self, Call(name, args, base, xargs, heredoc, redirects))
        return cwd

    def add(self, word: str, cwd: str | None, folder: bool = False, note: str | None = None) -> None:
        """Record a path the command writes (globs and braces expanded); what cannot be known goes to `unknown`."""
        if "$" in word or "`" in word:
            self.unknown.append(note or word.replace(DYNAMIC, "$(...)"))
            return
        for path in _expand(word, cwd):
            if path is None:
                self.unknown.append(note or f"{word} (relative to an unknown folder)")
                continue
            if path.startswith(_NOT_FILES) or path == "/dev":
                continue
            if folder or (os.path.isdir(path) and not os.path.islink(path)):
                path = path.rstrip("/") + "/"
            self.paths.append(path)


@dataclass(frozen=True)
class Call:
    name: str
    args: list[str]
    cwd: str | None
    xargs: bool  # xargs appends operands nobody knows
    heredoc: str | None
    redirects: list[tuple[str, str]]


def _assignment(word: str) -> bool:
    name, eq, _ = word.partition("=")
    return bool(eq) and name.isidentifier()


def _unwrap(words: list[str], cwd: str | None) -> tuple[str, list[str], str | None, bool] | None:
    """(command name, its arguments, its working folder, under xargs) past prefixes; None when nothing runs."""
    xargs = False
    while words:
        word = words[0]
        name = word.rsplit("/", 1)[-1]
        if _assignment(word) or word in _KEYWORDS or name in ("exec", "nohup", "time", "builtin"):
            words = words[1:]
            if name == "time" and words[:1] == ["-p"]:
                words = words[1:]
        elif word in _NOT_COMMANDS:
            return None
        elif name in ("sudo", "doas"):
            long = ("user", "group", "host", "prompt", "close-from", "chdir", "role", "type", "other-user")
            _, words = _options(words[1:], "ugpCDhrtTU", (*long, "command-timeout"), stop=True)
        elif name == "env":
            opts, words = _options(words[1:], "uCS", ("unset", "chdir", "split-string"), stop=True)
            for opt, value in opts:
                if opt in ("-S", "--split-string"):
                    return None  # the command is inside a string
                if opt in ("-C", "--chdir"):
                    cwd = _join(cwd, value)
            while words and _assignment(words[0]):
                words = words[1:]
        elif name == "command":
            if words[1:2] and words[1].startswith(("-v", "-V")):
                return None  # looks a command up, runs nothing
            words = words[2:] if words[1:2] == ["-p"] else words[1:]
        elif name == "nice":
            _, words = _options(words[1:], "n", ("adjustment",), stop=True)
        elif name == "stdbuf":
            _, words = _options(words[1:], "ioe", ("input", "output", "error"), stop=True)
        elif name == "timeout":
            _, words = _options(words[1:], "sk", ("signal", "kill-after"), stop=True)
            words = words[1:]  # the duration
        elif name == "xargs":
            opts, words = _options(words[1:], "aIdEsnLP", ("arg-file", "delimiter", "eof", "max-chars", "max-args",
                                                          "max-lines", "max-procs", "replace", "process-slot-var"),
                                   stop=True, attached="eil")  # fmt: skip
            replace = [v for o, v in opts if o in ("-I", "--replace") or (o == "-i" and v is not None)]
            marker = (replace[-1] or "{}") if replace else None
            if marker:  # -I: every operand is spelled out, the replaced ones unknown
                words = [DYNAMIC if marker in w else w for w in words]
            xargs = not marker
            if not words:
                words = ["echo"]
        else:
            return name, words[1:], cwd, xargs
    return None


def _options(
    args: list[str], with_value: str = "", long_with_value: tuple[str, ...] = (),
    stop: bool = False, attached: str = "",
) -> tuple[list[tuple[str, str | None]], list[str]]:  # fmt: skip
    """GNU-style options → ([(option, value)], operands).

    `with_value`: short options that take a value (`-tDIR` or `-t DIR`);
    `long_with_value`: long ones (`--target-directory=DIR` or `... DIR`, a
    unique prefix is enough); `attached`: short options whose value is optional
    and only ever attached (`-i.bak`). Options may follow operands, unless
    `stop`: then the first operand ends them (what runs another command does
    this). `--` ends options.
    """
    options: list[tuple[str, str | None]] = []
    operands: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if arg == "--":
            operands += args[i:]
            break
        if arg.startswith("--"):
            name, eq, value = arg[2:].partition("=")
            prefixed = [n for n in long_with_value if name and n.startswith(name)]
            full = name if name in long_with_value else (prefixed[0] if len(prefixed) == 1 else None)
            if full and not eq and i < len(args):
                value, eq = args[i], "="
                i += 1
            options.append(("--" + (full or name), value if eq else None))
        elif arg.startswith("-") and arg != "-" and arg != DYNAMIC:
            j = 1
            while j < len(arg):
                letter = arg[j]
                j += 1
                if letter in with_value:
                    value = arg[j:]
                    if not value and i < len(args):
                        value = args[i]
                        i += 1
                    options.append(("-" + letter, value))
                    break
                if letter in attached:
                    options.append(("-" + letter, arg[j:]))
                    break
                options.append(("-" + letter, None))
        else:
            if stop:
                return options, args[i - 1 :]
            operands.append(arg)
    return options, operands


def _has(options: list[tuple[str, str | None]], *names: str) -> bool:
    return any(o in names for o, _ in options)


def _value(options: list[tuple[str, str | None]], *names: str) -> str | None:
    values = [v for o, v in options if o in names]
    return values[-1] if values else None


def _join(cwd: str | None, path: str) -> str | None:
    if "$" in path or "`" in path:
        return None
    path = os.path.expanduser(path)
    if os.path.isabs(path):
        return os.path.normpath(path)
    return os.path.normpath(os.path.join(cwd, path)) if cwd else None


def _cd(args: list[str], cwd: str | None) -> str | None:
    operands = [a for a in args if not (a.startswith("-") and a != "-")]
    if not operands:
        return os.path.expanduser("~")
    if operands[0] == "-":
        return None
    return _join(cwd, operands[0])


def _expand(word: str, cwd: str | None) -> list[str | None]:
    """The absolute paths a word stands for: brace expansion, then `~`, then globs (a glob matching nothing stays)."""
    out: list[str | None] = []
    for item in _braces(word)[:_MAX_EXPANSIONS]:
        path = _join(cwd, item)
        if path is None:
            out.append(None)
        elif any(c in item for c in "*?["):
            import glob

            matches = sorted(glob.glob(path))
            out.extend(matches[:_MAX_EXPANSIONS] or [path])
        else:
            out.append(path + "/" if item.endswith("/") and path != "/" else path)
    return out


def _braces(word: str) -> list[str]:
    """Bash brace expansion of comma lists: `src/{a,b}.py` → src/a.py, src/b.py (sequences stay as typed)."""
    depth, start = 0, -1
    for i, c in enumerate(word):
        if c == "{":
            if depth == 0:
                start = i
            depth += 1
        elif c == "}" and depth:
            depth -= 1
            if depth == 0:
                parts = _split_top(word[start + 1 : i])
                if len(parts) > 1:
                    head, tail = word[:start], word[i + 1 :]
                    return [x for p in parts for x in _braces(head + p + tail)]
    return [word]


def _split_top(text: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for i, c in enumerate(text):
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        elif c == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


# --- the commands that write --------------------------------------------------


def _plain(with_value: str = "", long_with_value: tuple[str, ...] = (), folder: bool = False, skip_existing=False):
    """A command whose operands are the paths it writes (rm, touch, truncate, tee...)."""

    def handle(reader: _Reader, call: Call) -> None:
        options, operands = _options(call.args, with_value, long_with_value)
        for operand in operands:
            if skip_existing and (path := _join(call.cwd, operand)) and os.path.isdir(path):
                continue  # mkdir of a folder that exists writes nothing
            reader.add(operand, call.cwd, folder=folder)
        if call.name == "rmdir" and _has(options, "-p", "--parents"):
            for operand in operands:
                parent = os.path.dirname(operand.rstrip("/"))
                while parent and parent not in (".", "/"):
                    reader.add(parent, call.cwd, folder=True)
                    parent = os.path.dirname(parent)

    return handle


def _sed(reader: _Reader, call: Call) -> None:
    """`sed -i[SUFFIX]` (GNU) or `sed -i SUFFIX` with '' or .ext (BSD) writes its files, and SUFFIX backups."""
    args, suffix, script_given, files = call.args, None, False, []
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if arg == "--":
            files += args[i:]
            break
        if arg.startswith("--"):
            name, eq, value = arg[2:].partition("=")
            if name == "in-place":
                suffix = value
            elif name in ("expression", "file", "line-length"):
                script_given = script_given or name != "line-length"
                i += 0 if eq else 1
        elif arg.startswith("-") and arg != "-":
            for j in range(1, len(arg)):
                letter = arg[j]
                if letter == "i":
                    suffix = arg[j + 1 :]
                    following = args[i] if i < len(args) else None
                    bsd = following == "" or (following and following.startswith(".") and "/" not in following)
                    if not suffix and bsd:
                        suffix = following  # BSD sed: -i '' or -i .bak
                        i += 1
                    break
                if letter in "efl":
                    script_given = script_given or letter != "l"
                    if not arg[j + 1 :]:
                        i += 1
                    break
        else:
            files.append(arg)
    if suffix is None:
        return
    for name in files if script_given else files[1:]:
        reader.add(name, call.cwd)
        if suffix and "$" not in name:
            if "*" in suffix:
                backup = suffix.replace("*", os.path.basename(name))
                backup = backup if "/" in backup else os.path.join(os.path.dirname(name), backup)
            else:
                backup = name + suffix
            reader.add(backup, call.cwd)


def _copy(kind: str):
    """cp, mv, ln: SOURCE... DEST, or -t DIR SOURCE...; mv also writes (removes) each source."""

    def handle(reader: _Reader, call: Call) -> None:
        options, operands = _options(call.args, "St", ("suffix", "target-directory"))
        cwd = call.cwd
        target = _value(options, "-t", "--target-directory")
        if call.xargs:  # xargs appends operands: the destination, or more sources nobody knows
            what = "sources come" if target else "the destination comes"
            reader.unknown.append(f"{call.name}: {what} from xargs")
            if target is None:
                return
        if target is not None:
            sources, dests = operands, [(s, target, True) for s in operands]
        elif kind == "ln" and len(operands) == 1:
            sources, dests = operands, [(operands[0], ".", True)]
        elif len(operands) < 2:
            return
        else:
            sources, dest = operands[:-1], operands[-1]
            into = not _has(options, "-T", "--no-target-directory") and (
                len(sources) > 1 or ((path := _join(cwd, dest)) is not None and os.path.isdir(path)
                                     and not (kind == "ln" and _has(options, "-n", "--no-dereference")
                                              and os.path.islink(path)))
            )  # fmt: skip
            dests = [(s, dest, into) for s in sources]
        backup = _has(options, "-b", "--backup", "-S", "--suffix")
        suffix = _value(options, "-S", "--suffix") or "~"
        for source, dest, into in dests:
            source_path = _join(cwd, source)
            if into:
                if "$" in source or "`" in source:
                    reader.unknown.append(f"{call.name}: {dest}/<name of {source.replace(DYNAMIC, '$(...)')}>")
                    continue
                dest = dest.rstrip("/") + "/" + os.path.basename(source.rstrip("/"))
            is_folder = kind != "ln" and source_path is not None and os.path.isdir(source_path)
            dest_path = _join(cwd, dest)
            if backup and dest_path and os.path.lexists(dest_path) and not is_folder:
                reader.add(dest + suffix, cwd)
            reader.add(dest, cwd, folder=is_folder)
        if kind == "mv":
            for source in sources:
                reader.add(source, cwd)

    return handle


def _git(reader: _Reader, call: Call) -> None:
    args, cwd, i = call.args, call.cwd, 0
    while i < len(args) and args[i].startswith("-"):
        arg = args[i]
        if arg == "-C" and i + 1 < len(args):
            cwd = _join(cwd, args[i + 1])
            i += 2
        elif arg in ("-c", "--namespace", "--config-env"):
            i += 2
        elif arg.startswith(("--git-dir", "--work-tree")):
            reader.unknown.append(f"git {arg}")
            return
        else:
            i += 1
    if i >= len(args):
        return
    sub, rest = args[i], args[i + 1 :]
    if "--" in rest:
        at = rest.index("--")
        before, after = rest[:at], rest[at + 1 :]
    else:
        before, after = rest, None
    if any(a.startswith("--pathspec-from-file") for a in before):
        reader.unknown.append(f"git {sub} --pathspec-from-file")
        return
    if sub == "checkout":
        options, positional = _options(before, "bB", ("orphan",))
        if after is not None:
            paths = after
        elif _has(options, "-b", "-B", "--orphan") or not positional:
            paths = []
        else:  # `git checkout X`: a path when X exists, else a branch; what follows a revision is a path
            first = _join(cwd, positional[0])
            paths = positional if first and os.path.lexists(first) else positional[1:]
    elif sub == "restore":
        options, positional = _options(before, "s", ("source",))
        paths = positional + (after or [])
    elif sub == "rm":
        options, positional = _options(before)
        paths = [] if _has(options, "-n", "--dry-run") else positional + (after or [])
    elif sub == "mv":
        options, positional = _options(before)
        if not _has(options, "-n", "--dry-run"):
            _copy("mv")(reader, Call("git mv", positional + (after or []), cwd, call.xargs, None, []))
        return
    elif sub == "apply":
        _git_apply(reader, before + (after or []), cwd, call)
        return
    else:
        return
    for path in paths:
        reader.add(path, cwd)


def _git_apply(reader: _Reader, args: list[str], cwd: str | None, call: Call) -> None:
    """`git apply` writes the files its patch names (relative to the repository's top, `-p` components stripped)."""
    options, patches = _options(args, "pC", ("directory", "exclude", "include", "whitespace", "build-fake-ancestor"))
    if _has(options, "--check", "--stat", "--numstat", "--summary") and not _has(options, "--apply"):
        return
    level = _value(options, "-p")
    strip = int(level) if level and level.isdigit() else 1
    prefix = _value(options, "--directory") or ""
    texts: list[str] = []
    sources = [p for p in patches if p != "-"] if patches else []
    if not sources:
        stdin = [t for op, t in call.redirects if op == "<"]
        if call.heredoc is not None:
            texts.append(call.heredoc)
        elif stdin:
            sources = stdin[-1:]
        else:
            reader.unknown.append("git apply: the patch comes from stdin")
            return
    for source in sources:
        path = _join(cwd, source)
        try:
            with open(path or "", encoding="utf-8", errors="surrogateescape") as handle:
                texts.append(handle.read())
        except OSError:
            reader.unknown.append(f"git apply {source}: cannot read the patch")
    top = (cwd and reader.toplevel(cwd)) or cwd
    for text in texts:
        for name in _patch_paths(text, strip):
            reader.add(os.path.join(prefix, name) if prefix else name, top)


def _patch_paths(text: str, strip: int) -> list[str]:
    found: list[str] = []
    for line in text.splitlines():
        if line.startswith(("--- ", "+++ ")):
            name = line[4:].split("\t")[0].strip()
            if name == "/dev/null":
                continue
            if name.startswith('"') and name.endswith('"'):
                name = name[1:-1].encode("latin-1", "backslashreplace").decode("unicode_escape")
            parts = name.split("/")
            if len(parts) > strip:
                found.append("/".join(parts[strip:]))
        elif line.startswith(("rename from ", "rename to ", "copy to ")):
            found.append(line.split(" ", 2)[2])
        elif line.startswith("diff --git a/") and " b/" in line:
            rest = line[len("diff --git ") :]
            half = (len(rest) - 1) // 2
            a, b = rest[:half], rest[half + 1 :]
            if a[2:] == b[2:] and strip == 1:
                found.append(a[2:])
    return list(dict.fromkeys(found))


_COMMANDS: dict[str, Callable[[_Reader, Call], None]] = {
    "rm": _plain(),
    "unlink": _plain(),
    "rmdir": _plain(folder=True),
    "touch": _plain("drt", ("date", "reference")),
    "truncate": _plain("sr", ("size", "reference")),
    "mkdir": _plain("m", ("mode", "context"), folder=True, skip_existing=True),
    "tee": _plain(),
    "sed": _sed,
    "gsed": _sed,
    "cp": _copy("cp"),
    "mv": _copy("mv"),
    "ln": _copy("ln"),
    "git": _git,
}
