"""YAML read safely: no aliases, anchors or tags, bounded nesting, and errors that name a line."""

from __future__ import annotations

from collections.abc import Callable

from ..errors import excerpt

MAX_NESTING = 32  # levels of YAML collections in one document; a contract needs four
_TOO_DEEP = f"YAML nested more than {MAX_NESTING} levels deep; a contract needs a few levels, flatten it"


def parse(text: str, source: str, offset: int, error: Callable[[str, int | None, str], None]):
    """The document's root node and its data; None, None after an error (at its line), given to `error`."""
    import yaml

    loader_cls = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        refused = _refused(yaml, loader_cls(text))
        if refused:
            error(source, refused[0] + 1 + offset, refused[1])
            return None, None
        loader, node = loader_cls(text), None
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        except ValueError:  # a number too long for int(), a date like 2001-13-45
            line, value = _unreadable_scalar(yaml, loader_cls, node)
            error(source, line + 1 + offset, f"{excerpt(value)} is not a valid YAML number or date; quote it")
            return None, None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + offset if mark else None
        what = exc.problem or exc.context or "malformed YAML"
        if "maximum nesting depth" in what:  # libyaml's own limit, met before the events reach MAX_NESTING
            error(source, line, _TOO_DEEP)
            return None, None
        lines = text.splitlines()
        near = lines[mark.line][: mark.column + 1] if mark and mark.line < len(lines) else ""
        hint = "YAML indents with spaces, not tabs: replace the tab" if "\t" in near else "fix the syntax"
        error(source, line, f"malformed YAML: {what}; {hint}")
        return None, None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow, at a position in the text
        line = text.count("\n", 0, max(exc.position, 0)) + 1 + offset
        error(source, line, f"{str(exc).splitlines()[0]}; remove it")
        return None, None
    except yaml.YAMLError as exc:
        error(source, None, f"malformed YAML: {str(exc).splitlines()[0]}; fix the syntax")
        return None, None
    if node is None:
        error(source, offset + 1 if offset else None, "empty YAML document")
    return node, data


def _refused(yaml, loader) -> tuple[int, str] | None:
    """The first thing a contract may not hold, read from the parser's events before anything is built.

    Aliases could expand a few lines into billions of values, tags name Python
    objects, deep nesting exhausts recursion: a contract needs none of them.
    One pass over the events, linear in the text, whose size is capped.
    """
    depth = 0
    try:
        while loader.check_event():
            event = loader.get_event()
            line = event.start_mark.line
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
                return line, "YAML aliases and anchors are not allowed in a contract; write the value out"
            tag = getattr(event, "tag", None)
            if tag is not None:
                shown = "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org,2002:") else tag
                return line, f"YAML tag {excerpt(shown)} is not allowed in a contract; write a plain value"
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                if depth > MAX_NESTING:
                    return line, _TOO_DEEP
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
    finally:
        loader.dispose()
    return None


def _unreadable_scalar(yaml, loader_cls, root) -> tuple[int, str]:
    """The first scalar (line, text) that YAML resolves to a number or date it cannot build."""
    stack = [root] if root is not None else []
    constructor = loader_cls("")
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.ScalarNode):
            try:
                constructor.construct_object(node)
            except ValueError:
                return node.start_mark.line, node.value
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(reversed(node.value))
        elif isinstance(node, yaml.MappingNode):
            stack.extend(child for pair in reversed(node.value) for child in reversed(pair))
    return (root.start_mark.line if root is not None else 0), ""
