"""The commands that change files, each read the way that command reads its operands.

guard/shell.py expands a simple command's words and hands it here: `unwrap`
strips what runs another command (`sudo`, `env`, `exec -a NAME`, `nohup --`,
`command --`, `xargs`...), and `COMMANDS` maps a command name to its reader.
A reader records every file the command would change with `reader.add` (a
word known only at run time is a reason to deny), and the links it makes
with `reader.link`.

A command that copies, moves or unpacks is judged by the files it would
create, listed before it runs: a copied folder by its files (`cp -r`, `mv`,
`rsync`), an archive by its members (`tar -t`, `unzip -Z1`), a patch by the
files it names (`patch`, `git apply`), and git's own file changers by what git
says they change (`git diff --name-only -z`, `git clean -n`, `git stash show`),
pathspec globs interpreted by git itself.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

# A part of a word known only when the command runs is held between two UNKNOWN characters (a NUL: a hook's
# command never holds one), its source text in between; guard/shell.py makes the words.
UNKNOWN = "\0"
MAX_FOLDER_FILES = 200_000  # files a copied or moved folder may hold to be listed


def _shown(word: str) -> str:
    """A word for messages: a part known only at run time as typed."""
    return word.replace(UNKNOWN, "")


@dataclass(frozen=True)
class Call:
    """One simple command, expanded, past what runs it."""

    name: str
    args: list[str]
    cwd: str | None
    xargs: bool  # xargs appends operands nobody knows
    heredoc: str | None  # the here-document or here-string fed to it
    stdin: str | None  # the file `<` feeds it


class Reader(Protocol):
    """What a command's reader records into (guard/shell.py's Reader)."""

    unknown: list[str]
    toplevel: Callable[[str], str | None]

    def add(self, word: str, cwd: str | None, folder: bool = False, note: str | None = None) -> None: ...
    def link(self, link: str, target: str, cwd: str | None, hard: bool) -> None: ...
    def resolve(self, word: str, cwd: str | None) -> str | None: ...


Options = list[tuple[str, str | None]]
LIST_TIMEOUT = 5  # seconds `tar -t` or `unzip -Z1` may take to list an archive


def _assignment(word: str) -> bool:
    name, eq, _ = word.partition("=")
    return bool(eq) and name.isidentifier()


def unwrap(words: list[str], cwd: str | None) -> tuple[str, list[str], str | None, bool] | None:
    """(command name, its arguments, its working folder, under xargs) past what runs it; None when nothing runs."""
    xargs = False
    while words:
        word = words[0]
        name = word.rsplit("/", 1)[-1]
        if _assignment(word) or name in ("time", "builtin", "nohup", "setsid", "chronic"):
            words = words[1:]
            if words[:1] == ["--"] or (name == "time" and words[:1] == ["-p"]):
                words = words[1:]
        elif name == "exec":
            _, words = _options(words[1:], "a", stop=True)  # exec [-cl] [-a NAME] command
        elif name in ("sudo", "doas"):
            long = ("user", "group", "host", "prompt", "close-from", "chdir", "role", "type", "other-user")
            opts, words = _options(words[1:], "ugpCDhrtTU", (*long, "command-timeout"), stop=True)
            cwd = _chdir(opts, ("-D", "--chdir"), cwd)
        elif name == "env":
            opts, words = _options(words[1:], "uCS", ("unset", "chdir", "split-string"), stop=True)
            for opt, value in opts:
                if opt in ("-S", "--split-string"):
                    return "eval", [value or "", *words], cwd, False
            cwd = _chdir(opts, ("-C", "--chdir"), cwd)
            while words and _assignment(words[0]):
                words = words[1:]
        elif name == "command":
            opts, words = _options(words[1:], stop=True)
            if _has(opts, "-v", "-V"):
                return None  # looks a command up, runs nothing
        elif name == "nice":
            _, words = _options(words[1:], "n", ("adjustment",), stop=True)
        elif name == "ionice":
            _, words = _options(words[1:], "cnp", ("class", "classdata", "pid"), stop=True)
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
                words = [UNKNOWN + w + UNKNOWN if marker in w else w for w in words]
            xargs = not marker
            if not words:
                words = ["echo"]
        else:
            return name, words[1:], cwd, xargs
    return None


def _chdir(opts: Options, names: tuple[str, ...], cwd: str | None) -> str | None:
    value = _value(opts, *names)
    if value is None:
        return cwd
    if UNKNOWN in value:
        return None
    return os.path.normpath(os.path.join(cwd, value)) if cwd or os.path.isabs(value) else None


def _options(
    args: list[str], with_value: str = "", long_with_value: tuple[str, ...] = (),
    stop: bool = False, attached: str = "",
) -> tuple[Options, list[str]]:  # fmt: skip
    """GNU-style options → ([(option, value)], operands).

    `with_value`: short options that take a value (`-tDIR` or `-t DIR`);
    `long_with_value`: long ones (`--target-directory=DIR` or `... DIR`, a
    unique prefix is enough); `attached`: short options whose value is optional
    and only ever attached (`-i.bak`). Options may follow operands, unless
    `stop`: then the first operand ends them (what runs another command does
    this). `--` ends options.
    """
    options: Options = []
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
        elif arg.startswith("-") and arg != "-":
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


def _has(options: Options, *names: str) -> bool:
    return any(o in names for o, _ in options)


def _value(options: Options, *names: str) -> str | None:
    values = [v for o, v in options if o in names]
    return values[-1] if values else None


def _listing(folder: str) -> list[str] | None:
    """The files under an existing folder, relative to it, sorted; None past MAX_FOLDER_FILES."""
    found: list[str] = []
    for dirpath, dirnames, filenames in os.walk(folder):
        rel = os.path.relpath(dirpath, folder)
        prefix = "" if rel == "." else rel + "/"
        dirnames.sort()
        links = [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]
        found.extend(prefix + f for f in [*filenames, *links])
        if len(found) > MAX_FOLDER_FILES:
            return None
    return sorted(found)


def _add_tree(reader: Reader, name: str, dest: str, source: str | None, cwd: str | None) -> None:
    """The files a copy of the folder `source` (resolved) creates at `dest`: each of its files, by name."""
    files = _listing(source) if source else None
    if files is None:
        what = f"more than {MAX_FOLDER_FILES} files" if source else "files known only when it runs"
        reader.unknown.append(f"{name}: the folder it copies to {_shown(dest)} holds {what}")
        return
    if not files:
        reader.add(dest, cwd, folder=True)
    for file in files:
        reader.add(dest.rstrip("/") + "/" + file, cwd)


# --- plain operands -----------------------------------------------------------------


def _plain(with_value: str = "", long_with_value: tuple[str, ...] = (), folder: bool = False, skip_existing=False):
    """A command whose operands are the paths it writes (rm, touch, truncate, tee...)."""

    def handle(reader: Reader, call: Call) -> None:
        options, operands = _options(call.args, with_value, long_with_value)
        for operand in operands:
            if skip_existing and (path := reader.resolve(operand, call.cwd)) and os.path.isdir(path):
                continue  # mkdir of a folder that exists writes nothing
            reader.add(operand, call.cwd, folder=folder)
        if call.name == "rmdir" and _has(options, "-p", "--parents"):
            for operand in operands:
                parent = os.path.dirname(operand.rstrip("/"))
                while parent and parent not in (".", "/"):
                    reader.add(parent, call.cwd, folder=True)
                    parent = os.path.dirname(parent)

    return handle


def _dd(reader: Reader, call: Call) -> None:
    for arg in call.args:
        if arg.startswith("of="):
            reader.add(arg[3:], call.cwd)


# --- sed ----------------------------------------------------------------------


def _sed(reader: Reader, call: Call) -> None:
    """`sed -i[SUFFIX]` writes its files (and SUFFIX backups); a script's `w FILE` and `s///w FILE` write FILE."""
    args, suffix, scripts, files = call.args, None, [], []
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
                if not eq:
                    value = args[i] if i < len(args) else ""
                    i += 1
                if name != "line-length":
                    scripts.append((name == "file", value))
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
                    value = arg[j + 1 :]
                    if not value:
                        value = args[i] if i < len(args) else ""
                        i += 1
                    if letter != "l":
                        scripts.append((letter == "f", value))
                    break
        else:
            files.append(arg)
    if not scripts and files:
        scripts.append((False, files.pop(0)))
    for from_file, script in scripts:
        if from_file:
            path = reader.resolve(script, call.cwd)
            try:
                with open(path or "", encoding="utf-8", errors="surrogateescape") as handle:
                    script = handle.read()
            except OSError:
                reader.unknown.append(f"sed -f {_shown(script)}: cannot read the script")
                continue
        if UNKNOWN in script:
            reader.unknown.append(f"sed: its script is known only when it runs ({_shown(script)})")
            continue
        written, runs = sed_script_writes(script)
        for name in written:
            reader.add(name, call.cwd, note=f"sed's 'w {name}'")
        if runs:
            reader.unknown.append("sed: its script runs a shell command (the 'e' command or flag)")
    if suffix is None:
        return
    for name in files:
        reader.add(name, call.cwd)
        if suffix and UNKNOWN not in name:
            if "*" in suffix:
                backup = suffix.replace("*", os.path.basename(name))
                backup = backup if "/" in backup else os.path.join(os.path.dirname(name), backup)
            else:
                backup = name + suffix
            reader.add(backup, call.cwd)


def sed_script_writes(script: str) -> tuple[list[str], bool]:
    """The files a sed script writes (`w FILE`, `W FILE`, `s/a/b/w FILE`), and whether it runs a command (`e`).

    The grammar is GNU sed's (sed.info, "sed scripts"): addresses, then a
    one-letter command; a file name runs to the end of the line.
    """
    written: list[str] = []
    runs = False
    i, n = 0, len(script)

    def to_end_of_line(at: int) -> tuple[str, int]:
        end = script.find("\n", at)
        end = n if end < 0 else end
        return script[at:end], end

    def skip_delimited(at: int, delimiter: str) -> int:
        while at < n and script[at] != delimiter:
            at += 2 if script[at] == "\\" else 1
        return at + 1

    def address(at: int) -> int:
        if at < n and script[at].isdigit():
            while at < n and (script[at].isdigit() or script[at] == "~"):
                at += 1
        elif at < n and script[at] == "$":
            at += 1
        elif at < n and script[at] == "/":
            at = skip_delimited(at + 1, "/")
            while at < n and script[at] in "IM":
                at += 1
        elif at + 1 < n and script[at] == "\\":
            at = skip_delimited(at + 2, script[at + 1])
        return at

    while i < n:
        while i < n and script[i] in " \t\n;":
            i += 1
        if i >= n:
            break
        i = address(i)
        if i < n and script[i] == ",":
            i += 1
            if i < n and script[i] in "+~":
                i += 1
            i = address(i)
        while i < n and script[i] in " \t!":
            i += 1
        if i >= n:
            break
        command = script[i]
        i += 1
        if command in "wW":
            name, i = to_end_of_line(i)
            written.append(name.strip())
        elif command in "aicrR":
            line, i = to_end_of_line(i)
            while line.endswith("\\") and i < n:
                line, i = to_end_of_line(i + 1)
        elif command in ":btTv":
            while i < n and script[i] not in ";\n}":
                i += 1
        elif command == "e":
            runs = True
            _, i = to_end_of_line(i)
        elif command in "sy" and i < n:
            delimiter = script[i]
            i = skip_delimited(i + 1, delimiter)
            i = skip_delimited(i, delimiter)
            if command == "s":
                while i < n and script[i] not in ";\n}":
                    flag = script[i]
                    i += 1
                    if flag == "e":
                        runs = True
                    elif flag == "w":
                        name, i = to_end_of_line(i)
                        written.append(name.strip())
        elif command in "qQlL":
            while i < n and (script[i].isdigit() or script[i] == " "):
                i += 1
    return written, runs


# --- copies, moves, links -------------------------------------------------------


def _copy(kind: str):
    """cp, mv, ln, install: SOURCE... DEST, or -t DIR SOURCE...; mv also writes (removes) each source.

    A folder copied or moved is judged by each file it creates; a hard link
    (`ln`, `cp -l`) also writes the file it names: a later write through the
    new name changes that file. Links are remembered for the rest of the command.
    """

    def handle(reader: Reader, call: Call) -> None:
        with_value = "StmogB" if kind == "install" else "St"
        options, operands = _options(call.args, with_value, ("suffix", "target-directory", "mode", "owner", "group"))
        cwd = call.cwd
        if kind == "install" and _has(options, "-d", "--directory"):
            for operand in operands:
                reader.add(operand, cwd, folder=True)
            return
        target = _value(options, "-t", "--target-directory")
        if call.xargs:  # xargs appends operands: the destination, or more sources nobody knows
            what = "its sources come" if target else "its destination comes"
            reader.unknown.append(f"{call.name}: {what} from xargs, known only when it runs")
            if target is None:
                return
        symbolic = (kind == "ln" and _has(options, "-s", "--symbolic")) or (
            kind == "cp" and _has(options, "-s", "--symbolic-link")
        )
        hard = (kind == "ln" and not symbolic) or (kind == "cp" and _has(options, "-l", "--link"))
        recursive = kind == "mv" or _has(options, "-r", "-R", "-a", "--recursive", "--archive")
        if target is not None:
            sources, dests = operands, [(s, target, True) for s in operands]
        elif kind == "ln" and len(operands) == 1:
            sources, dests = operands, [(operands[0], ".", True)]
        elif len(operands) < 2:
            return
        else:
            sources, dest = operands[:-1], operands[-1]
            dest_path = reader.resolve(dest, cwd)
            into = not _has(options, "-T", "--no-target-directory") and (
                len(sources) > 1 or (dest_path is not None and os.path.isdir(dest_path)
                                     and not (kind == "ln" and _has(options, "-n", "--no-dereference")
                                              and os.path.islink(dest_path)))
            )  # fmt: skip
            dests = [(s, dest, into) for s in sources]
        backup = _has(options, "-b", "--backup", "-S", "--suffix")
        suffix = _value(options, "-S", "--suffix") or "~"
        for source, dest, into in dests:
            if into:
                if UNKNOWN in source:
                    reader.unknown.append(f"{call.name}: '{_shown(dest)}/<the name of {_shown(source)}>': "
                                          "a path known only when the command runs")  # fmt: skip
                    continue
                dest = dest.rstrip("/") + "/" + os.path.basename(source.rstrip("/"))
            source_path = reader.resolve(source, cwd)
            is_folder = kind != "ln" and source_path is not None and os.path.isdir(source_path)
            dest_path = reader.resolve(dest, cwd)
            if backup and dest_path and os.path.lexists(dest_path) and not is_folder:
                reader.add(dest + suffix, cwd)
            if is_folder and recursive and not symbolic:
                _add_tree(reader, call.name, dest, source_path, cwd)
            elif is_folder and hard:
                _add_tree(reader, call.name, dest, source_path, cwd)
            else:
                reader.add(dest, cwd)
            if symbolic:
                reader.link(dest, source, cwd, hard=False)
            elif hard:
                reader.add(source, cwd, note=f"{call.name}: the file it links to")
                reader.link(dest, source, cwd, hard=True)
        if kind == "mv":
            for source in sources:
                reader.add(source, cwd)

    return handle


def _rsync(reader: Reader, call: Call) -> None:
    """rsync SRC... DEST: the files it copies (a source ending in '/' copies the folder's contents)."""
    long = ("rsh", "exclude", "include", "filter", "exclude-from", "include-from", "files-from", "backup-dir",
            "suffix", "chmod", "chown", "block-size", "port", "log-file", "partial-dir", "temp-dir", "compare-dest",
            "link-dest", "copy-dest", "timeout", "contimeout", "bwlimit", "max-size", "min-size", "out-format",
            "password-file", "info", "debug", "rsync-path", "usermap", "groupmap", "modify-window", "iconv")  # fmt: skip
    options, operands = _options(call.args, "eBfTM", long)
    if _has(options, "-n", "--dry-run", "--list-only") or len(operands) < 2:
        return
    cwd = call.cwd
    log = _value(options, "--log-file")
    if log:
        reader.add(log, cwd)
    sources, dest = operands[:-1], operands[-1]
    if _remote(dest):
        if _has(options, "--remove-source-files"):
            for source in sources:
                reader.add(source, cwd)
        return
    if any(o.startswith("--delete") for o, _ in options):
        reader.add(dest, cwd, folder=True)  # files in it that the sources lack are removed
    into = len(sources) > 1 or dest.endswith("/") or ((p := reader.resolve(dest, cwd)) is not None and os.path.isdir(p))
    for source in sources:
        if _remote(source) or UNKNOWN in source:
            reader.unknown.append(f"rsync: the files it copies from {_shown(source)} are known only when it runs")
            continue
        path = reader.resolve(source, cwd)
        if path is not None and os.path.isdir(path):
            where = dest if source.endswith("/") else dest.rstrip("/") + "/" + os.path.basename(source.rstrip("/"))
            _add_tree(reader, "rsync", where, path, cwd)
        else:
            reader.add(dest.rstrip("/") + "/" + os.path.basename(source) if into else dest, cwd)
        if _has(options, "--remove-source-files"):
            reader.add(source, cwd)


def _remote(word: str) -> bool:
    head = word.split("/", 1)[0]
    return word.startswith("rsync://") or (":" in head and UNKNOWN not in head)


# --- archives -----------------------------------------------------------------


def _list_archive(reader: Reader, command: list[str], cwd: str | None, what: str) -> list[str] | None:
    if cwd is None:
        reader.unknown.append(f"{what}: the archive is relative to a folder known only when the command runs")
        return None
    try:
        proc = subprocess.run(command, cwd=cwd, capture_output=True, timeout=LIST_TIMEOUT, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as exc:
        reader.unknown.append(f"{what}: its archive cannot be listed ({type(exc).__name__})")
        return None
    if proc.returncode != 0:
        error = proc.stderr.decode("utf-8", "replace").strip().splitlines()[:1]
        reader.unknown.append(
            f"{what}: its archive cannot be listed ({error[0] if error else 'exit ' + str(proc.returncode)})"
        )
        return None
    return [os.fsdecode(line) for line in proc.stdout.split(b"\n") if line]


_TAR_VALUE = "fCTXbHKLNVgIF"
_TAR_LONG = ("file", "directory", "files-from", "exclude-from", "exclude", "strip-components", "transform", "xform",
             "to-command", "format", "use-compress-program", "owner", "group", "mode", "mtime", "newer",
             "after-date", "label", "blocking-factor", "info-script", "new-volume-script", "volno-file")  # fmt: skip


def _tar(reader: Reader, call: Call) -> None:
    """tar: -x writes the archive's members (listed with `tar -t`), -c/-r/-u the archive file."""
    args = list(call.args)
    if args and not args[0].startswith("-"):  # old style: `tar xzf a.tgz`, values taken in order
        letters, rest = args[0], args[1:]
        args = []
        for letter in letters:
            args.append("-" + letter)
            if letter in _TAR_VALUE and rest:
                args.append(rest.pop(0))
        args += rest
    options, operands = _options(args, _TAR_VALUE, _TAR_LONG)
    cwd = _chdir(options, ("-C", "--directory"), call.cwd)
    archive = _value(options, "-f", "--file")
    if _has(options, "-c", "--create", "-r", "--append", "-u", "--update", "-A", "--catenate", "--concatenate"):
        if archive and archive != "-":
            reader.add(archive, call.cwd)
        if _has(options, "--remove-files"):
            for operand in operands:
                reader.add(operand, cwd, folder=True)
        return
    if not _has(options, "-x", "--extract", "--get") or _has(options, "-O", "--to-stdout"):
        return
    if _has(options, "--to-command", "--transform", "--xform"):
        reader.unknown.append("tar -x: --transform or --to-command decides where members go when it runs")
        return
    if not archive or archive == "-" or UNKNOWN in archive or _remote(archive):
        reader.unknown.append("tar -x: the archive comes from stdin or a place known only when it runs")
        return
    members = _list_archive(reader, ["tar", "-tf", archive], call.cwd, f"tar -x {_shown(archive)}")
    if members is None:
        return
    strip = _value(options, "--strip-components")
    strip_count = int(strip) if strip and strip.isdigit() else 0
    for member in members:
        name = member.lstrip("/")
        if operands and not any(name.rstrip("/") == o.rstrip("/") or name.startswith(o.rstrip("/") + "/")
                                for o in operands):  # fmt: skip
            continue
        parts = name.split("/")[strip_count:]
        if parts and any(parts):
            reader.add("/".join(parts), cwd, note=f"tar -x: the member {member}")


def _unzip(reader: Reader, call: Call) -> None:
    """unzip ARCHIVE [MEMBER...] [-x MEMBER...] [-d DIR]: the members it extracts (listed with `unzip -Z1`)."""
    args, excluded, operands, folder, options = call.args, [], [], None, ""
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if arg == "-d" and i < len(args):
            folder, i = args[i], i + 1
        elif arg == "-x":
            excluded, i = args[i:], len(args)
        elif arg.startswith("-") and len(arg) > 1:
            options += arg[1:]
        else:
            operands.append(arg)
    if not operands or any(letter in options for letter in "lvtZpcz"):
        return
    archive, members = operands[0], operands[1:]
    if UNKNOWN in archive:
        reader.unknown.append(f"unzip: the archive {_shown(archive)} is known only when it runs")
        return
    names = _list_archive(reader, ["unzip", "-Z1", archive], call.cwd, f"unzip {_shown(archive)}")
    if names is None:
        return
    from fnmatch import fnmatchcase

    base = folder if folder is not None else "."
    for name in names:
        if members and not any(fnmatchcase(name, m) for m in members):
            continue
        if any(fnmatchcase(name, m) for m in excluded):
            continue
        name = os.path.basename(name.rstrip("/")) if "j" in options else name
        reader.add(os.path.join(base, name.lstrip("/")), call.cwd, note=f"unzip: the member {name}")


# --- patches ------------------------------------------------------------------


def _patch(reader: Reader, call: Call) -> None:
    """patch: the files its patch names (`-p` components stripped), or the file it is told to change."""
    options, operands = _options(call.args, "pdioBDFrVYzg", ("strip", "directory", "input", "output", "prefix",
                                                             "basename-prefix", "reject-file", "suffix", "fuzz",
                                                             "quoting-style", "version-control", "get"))  # fmt: skip
    if _has(options, "--dry-run", "-C", "--check"):
        return
    cwd = _chdir(options, ("-d", "--directory"), call.cwd)
    output = _value(options, "-o", "--output")
    if output and output != "-":
        reader.add(output, cwd)
        return
    if operands:
        reader.add(operands[0], cwd)
        return
    text = _patch_text(reader, "patch", _value(options, "-i", "--input"), call)
    if text is None:
        return
    level = _value(options, "-p", "--strip")
    strip = int(level) if level and level.isdigit() else None
    for name in patch_paths(text, strip):
        reader.add(name, cwd, note=f"patch: the file {name}")


def _patch_text(reader: Reader, what: str, source: str | None, call: Call) -> str | None:
    if source is None or source == "-":
        if call.heredoc is not None:
            return call.heredoc
        source = call.stdin
        if source is None:
            reader.unknown.append(f"{what}: the patch comes from stdin, known only when it runs")
            return None
    path = reader.resolve(source, call.cwd)
    try:
        with open(path or "", encoding="utf-8", errors="surrogateescape") as handle:
            return handle.read()
    except OSError:
        reader.unknown.append(f"{what} {_shown(source)}: cannot read the patch")
        return None


def patch_paths(text: str, strip: int | None) -> list[str]:
    """The files a unified or git diff names, `strip` leading components removed.

    strip None is GNU patch without -p: it takes the name as written, and a
    git diff's a/ b/ prefixes stripped; both are returned.
    """
    found: list[str] = []

    def keep(name: str) -> None:
        parts = name.split("/")
        if strip is None:
            found.append(name)
            if parts[0] in ("a", "b") and len(parts) > 1:
                found.append("/".join(parts[1:]))
        elif len(parts) > strip:
            found.append("/".join(parts[strip:]))

    for line in text.splitlines():
        if line.startswith(("--- ", "+++ ")):
            name = line[4:].split("\t")[0].strip()
            if name == "/dev/null":
                continue
            if name.startswith('"') and name.endswith('"'):
                name = name[1:-1].encode("latin-1", "backslashreplace").decode("unicode_escape")
            keep(name)
        elif line.startswith(("rename from ", "rename to ", "copy to ")):
            found.append(line.split(" ", 2)[2])
        elif line.startswith("diff --git a/") and " b/" in line:
            rest = line[len("diff --git ") :]
            half = (len(rest) - 1) // 2
            a, b = rest[:half], rest[half + 1 :]
            if a[2:] == b[2:] and strip in (1, None):
                found.append(a[2:])
    return list(dict.fromkeys(found))


# --- git ------------------------------------------------------------------------


def _git(reader: Reader, call: Call) -> None:
    args, cwd, i = call.args, call.cwd, 0
    while i < len(args) and args[i].startswith("-"):
        arg = args[i]
        if arg == "-C" and i + 1 < len(args):
            cwd = _chdir([("-C", args[i + 1])], ("-C",), cwd)
            i += 2
        elif arg in ("-c", "--namespace", "--config-env"):
            i += 2
        elif arg.startswith(("--git-dir", "--work-tree")):
            return  # guard/git_commands.py refuses it: it points git past the index the checks read
        else:
            i += 1
    if i >= len(args):
        return
    sub, rest = args[i], args[i + 1 :]
    if any(a.startswith("--pathspec-from-file") for a in rest):
        reader.unknown.append(f"git {sub} --pathspec-from-file: the paths are known only when it runs")
        return
    handler = _GIT.get(sub)
    if handler is not None:
        handler(reader, call, sub, rest, cwd)


def _split_dashes(rest: list[str]) -> tuple[list[str], list[str] | None]:
    if "--" in rest:
        at = rest.index("--")
        return rest[:at], rest[at + 1 :]
    return rest, None


def git_changed(reader: Reader, what: str, args: list[str], cwd: str | None, lines: bool = False) -> None:
    """Run a read-only git command that names the files another would change; each is written."""
    from .. import git
    from ..git.door import nul_paths

    if cwd is None or any(UNKNOWN in a for a in args):
        reader.unknown.append(f"{what}: the files it changes are known only when it runs")
        return
    top = reader.toplevel(cwd)
    if top is None:
        return  # not a work tree: git refuses to run there
    try:
        # The agent's git reads pathspecs as patterns (the door sets GIT_LITERAL_PATHSPECS for its own calls).
        rc, out, err = git.call(["--no-literal-pathspecs", "-c", "core.quotePath=false", *args], cwd, ok=range(256))
    except Exception as exc:  # no git: the command cannot run either, but say so
        reader.unknown.append(f"{what}: git cannot say which files it changes ({exc})")
        return
    if rc != 0:
        message = err.decode("utf-8", "replace").strip().splitlines()[:1]
        reader.unknown.append(f"{what}: git cannot say which files it changes ({message[0] if message else rc})")
        return
    if lines:  # `git clean -n`: "Would remove PATH", relative to cwd
        names = [line[len("Would remove ") :] for line in out.decode("utf-8", "surrogateescape").splitlines()
                 if line.startswith("Would remove ")]  # fmt: skip
        for name in names:
            if name.startswith('"'):
                reader.unknown.append(f"{what}: a file name git quotes ({name})")
                continue
            reader.add(name, cwd, note=f"{what}: {name}")
        return
    for name in nul_paths(out):
        reader.add(name, top, note=f"{what}: {name}")


def _is_revision(reader: Reader, word: str, cwd: str | None) -> bool:
    from .. import git

    if cwd is None or UNKNOWN in word or reader.toplevel(cwd) is None:
        return False
    rc, _, _ = git.call(["rev-parse", "--verify", "-q", "--end-of-options", word + "^{tree}"], cwd, ok=range(256))
    return rc == 0


def _git_checkout(reader: Reader, call: Call, sub: str, rest: list[str], cwd: str | None) -> None:
    """`git checkout [-f] [REV] [--] [PATHS]`, `git switch`: the files that differ from what it puts there."""
    before, after = _split_dashes(rest)
    with_value = "bBcC" if sub == "switch" else "bB"
    options, positional = _options(before, with_value, ("orphan", "create", "force-create", "conflict"))
    what = f"git {sub}"
    revision, paths = (positional[0] if positional else None), after
    if after is None and sub == "checkout" and positional and not _creates(options):
        if not _is_revision(reader, positional[0], cwd):
            revision, paths = None, positional  # `git checkout PATH...`: from the index
        elif positional[1:]:
            paths = positional[1:]
    if paths is not None:  # the files whose work-tree copy differs from the index or the revision
        git_changed(reader, what, ["diff", "--name-only", "-z", *([revision] if revision else []), "--", *paths], cwd)
        return
    if revision is not None:  # another branch or commit: the files that differ between it and HEAD
        git_changed(reader, what, ["diff", "--name-only", "-z", "HEAD", revision, "--"], cwd)
    if _has(options, "-f", "--force", "--discard-changes"):  # local changes thrown away
        git_changed(reader, what + " -f", ["diff", "--name-only", "-z", "HEAD", "--"], cwd)


def _creates(options: Options) -> bool:
    return _has(options, "-b", "-B", "-c", "-C", "--create", "--force-create", "--orphan")


def _git_restore(reader: Reader, call: Call, sub: str, rest: list[str], cwd: str | None) -> None:
    before, after = _split_dashes(rest)
    options, positional = _options(before, "s", ("source",))
    paths = positional + (after or [])
    source = _value(options, "-s", "--source")
    staged_only = _has(options, "-S", "--staged") and not _has(options, "-W", "--worktree")
    args = ["diff", "--name-only", "-z"] + (["--cached"] if staged_only else [])
    args += [source or "HEAD"] if (source or staged_only) else []
    git_changed(reader, "git restore", [*args, "--", *paths], cwd)


def _git_reset(reader: Reader, call: Call, sub: str, rest: list[str], cwd: str | None) -> None:
    before, _ = _split_dashes(rest)
    if not any(a in ("--hard", "--merge", "--keep") for a in before):
        return  # --soft, --mixed and paths change the index, not files
    revisions = [a for a in before if not a.startswith("-")]
    git_changed(reader, "git reset --hard", ["diff", "--name-only", "-z", revisions[0] if revisions else "HEAD"], cwd)


def _git_clean(reader: Reader, call: Call, sub: str, rest: list[str], cwd: str | None) -> None:
    before, after = _split_dashes(rest)
    options, positional = _options(before, "e", ("exclude",))
    if _has(options, "-n", "--dry-run"):
        return
    kept = [f"-{o[1:]}" if len(o) == 2 else o for o, v in options if o in ("-d", "-x", "-X", "-f", "--force")]
    excludes = [f"--exclude={v}" for o, v in options if o in ("-e", "--exclude") and v is not None]
    git_changed(
        reader, "git clean", ["clean", "-n", *kept, *excludes, "--", *positional, *(after or [])], cwd, lines=True
    )


def _git_stash(reader: Reader, call: Call, sub: str, rest: list[str], cwd: str | None) -> None:
    action = rest[0] if rest and not rest[0].startswith("-") else "push"
    args = rest[1:] if rest and not rest[0].startswith("-") else rest
    if action in ("pop", "apply", "branch"):
        names = [a for a in args if not a.startswith("-")]
        stash = names[-1] if names and action != "branch" else (names[1] if len(names) > 1 else "stash@{0}")
        git_changed(
            reader, f"git stash {action}", ["stash", "show", "--name-only", "-z", "--include-untracked", stash], cwd
        )
    elif action in ("push", "save"):
        before, after = _split_dashes(args)
        untracked = any(a in ("-u", "--include-untracked", "-a", "--all") for a in before)
        git_changed(reader, "git stash", ["diff", "--name-only", "-z", "HEAD", "--", *(after or [])], cwd)
        if untracked:
            more = ["ls-files", "-z", "--others"] + (["--exclude-standard"] if "-a" not in before else [])
            git_changed(reader, "git stash -u", [*more, "--full-name", "--", *(after or [])], cwd)


def _git_rm(reader: Reader, call: Call, sub: str, rest: list[str], cwd: str | None) -> None:
    before, after = _split_dashes(rest)
    options, positional = _options(before)
    if _has(options, "-n", "--dry-run"):
        return
    for path in positional + (after or []):  # --cached too: the index entry another lane commits from
        reader.add(path, cwd)


def _git_mv(reader: Reader, call: Call, sub: str, rest: list[str], cwd: str | None) -> None:
    before, after = _split_dashes(rest)
    options, positional = _options(before)
    if not _has(options, "-n", "--dry-run"):
        _copy("mv")(reader, Call("git mv", positional + (after or []), cwd, call.xargs, None, None))


def _git_apply(reader: Reader, call: Call, sub: str, rest: list[str], cwd: str | None) -> None:
    """`git apply` writes the files its patch names (relative to the repository's top, `-p` components stripped)."""
    options, patches = _options(rest, "pC", ("directory", "exclude", "include", "whitespace", "build-fake-ancestor"))
    if _has(options, "--check", "--stat", "--numstat", "--summary") and not _has(options, "--apply"):
        return
    if _has(options, "--cached") and not _has(options, "--index"):
        return  # the index only
    level = _value(options, "-p")
    strip = int(level) if level and level.isdigit() else 1
    prefix = _value(options, "--directory") or ""
    sources = [p for p in patches if p != "-"]
    texts = []
    for source in sources or [None]:
        text = _patch_text(reader, "git apply", source, Call("git apply", [], cwd, False, call.heredoc, call.stdin))
        if text is not None:
            texts.append(text)
    top = (cwd and reader.toplevel(cwd)) or cwd
    for text in texts:
        for name in patch_paths(text, strip):
            reader.add(os.path.join(prefix, name) if prefix else name, top)


_GIT: dict[str, Callable[[Reader, Call, str, list[str], str | None], None]] = {
    "checkout": _git_checkout,
    "switch": _git_checkout,
    "restore": _git_restore,
    "reset": _git_reset,
    "clean": _git_clean,
    "stash": _git_stash,
    "rm": _git_rm,
    "mv": _git_mv,
    "apply": _git_apply,
}

COMMANDS: dict[str, Callable[[Reader, Call], None]] = {
    "rm": _plain(),
    "unlink": _plain(),
    "shred": _plain("nsu", ("iterations", "size", "random-source")),
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
    "install": _copy("install"),
    "rsync": _rsync,
    "tar": _tar,
    "unzip": _unzip,
    "dd": _dd,
    "patch": _patch,
    "git": _git,
}
