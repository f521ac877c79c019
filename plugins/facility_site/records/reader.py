"""Read facilities/*.yaml: find the record files, keep the unchanged ones, parse each file's YAML and have
records/fields.py check its fields and build its Facility.

Every problem in every file is collected and reported at once as
`file:line: field: problem`; nothing is built from a folder with errors.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import time
from collections import defaultdict
from pathlib import Path

import yaml

from ..errors import Problem, RecordError, display_path
from .fields import REQUIRED, RecordSource, build_facility
from .model import Facility

ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
RECORD_SUFFIXES = (".yaml", ".yml")
MAX_FILE_BYTES = 256 * 1024
# A record is at most four levels deep (record > source > list > item); far
# deeper nesting is hostile, and PyYAML's composer would recurse until it crashes.
MAX_NESTING = 8
# libyaml (bundled in PyYAML's wheels) parses about eight times faster than
# the pure-Python parser, which matters at 30,000 records. Without it the
# records are read the same; only syntax-error wording differs.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _RecordLoader(_SafeLoader):
    """SafeLoader that keeps dates as text, so an impossible date is our error, not a crash."""


_RecordLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"] for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_facilities(folder: str | os.PathLike, memo: dict | None = None, map_files=None) -> list[Facility]:
    """Read and validate every record in `folder`; raise RecordError listing every problem.

    `memo` (the build cache's records table, see cache.py) maps a record's
    path to ((SHA-256 of its bytes, its stat signature or None), Facility) for
    records read before without a problem; a record whose bytes are unchanged
    is taken from it. A file whose size, modification and change times and
    inode are those recorded is not read again (`_signature`). On return the
    memo holds exactly the records of this folder.
    """
    folder = Path(folder)
    previous = dict(memo) if memo is not None else {}
    remembered: dict = {}
    problems: list[Problem] = []
    if not folder.is_dir():
        raise RecordError([Problem(display_path(folder), 1, "records_path", "folder does not exist")])
    facilities: list[Facility] = []
    paths_by_id: dict[str, list[str]] = defaultdict(list)
    to_parse: list[tuple[Path, str | None]] = []
    # display_path of each record, from the folder's once (os.path.relpath 60,000 times cost seconds).
    shown_folder = display_path(folder)
    shown_prefix = "" if shown_folder == "." else shown_folder.rstrip(os.sep) + os.sep
    # os.scandir and plain strings: Path objects, their name/suffix/stem and is_file() were a
    # second of a 30,000-record rebuild; a Path is made only for the records parsed again.
    with os.scandir(folder) as found:
        entries = sorted(found, key=lambda entry: entry.name)
    settled_before = time.time_ns() - SETTLED_NS  # once, not per file (_signature)
    for entry in entries:
        name = entry.name
        dot = name.rfind(".")  # os.path.splitext's split for a name that does not start with a dot
        # Suffixes match case-insensitively so that `Current.YAML` is reported, not skipped.
        if name.startswith(".") or dot < 0 or name[dot:].lower() not in RECORD_SUFFIXES or not entry.is_file():
            continue
        paths_by_id[name[:dot]].append(entry.path)
        shown = shown_prefix + name
        hit = previous.get(shown)
        key = None
        if memo is not None:
            signature = _signature(entry, settled_before)
            if hit is not None and signature is not None and hit[0][1] == signature:  # the very file read before
                facilities.append(hit[1])
                remembered[shown] = hit
                continue
            key = (_file_digest(entry.path), signature)
            if key[0] is not None and hit is not None and hit[0][0] == key[0]:
                facilities.append(hit[1])
                remembered[shown] = hit if hit[0] == key else (key, *hit[1:])
                continue
        to_parse.append((Path(entry.path), key))
    paths = [path for path, _ in to_parse]
    parsed = map_files(_parse_file, paths) if map_files else [_parse_file(path) for path in paths]
    for (path, key), (facility, file_problems) in zip(to_parse, parsed, strict=True):
        problems.extend(file_problems)
        if facility is not None:
            facilities.append(facility)
            if key is not None and key[0] is not None and not file_problems:
                remembered[display_path(path)] = (key, facility)
    for record_id, paths in sorted(paths_by_id.items()):
        if len(paths) > 1:
            paths = [Path(path) for path in paths]
            names = ", ".join(p.name for p in paths)
            for path in paths:
                problems.append(Problem(display_path(path), 1, "file", f"id {record_id!r} is used by more than one file ({names})"))
    if problems:
        raise RecordError(problems)
    if memo is not None:
        memo.clear()
        memo.update(remembered)
    return sorted(_link_satellites(facilities), key=lambda f: f.id)


def _parse_file(path: Path) -> tuple[Facility | None, list[Problem]]:
    """One record file: its Facility (None when it cannot be built) and every problem found in it."""
    source = _read_source(path)
    # A bad file name or a duplicate field still lets the fields be checked,
    # so the operator sees every problem of the file in one run.
    facility = build_facility(source, path.stem) if source.parsed else None
    return facility, source.problems


# A file changed less than this long before it was read may change again within the same tick of the
# file system's clock without its times moving: its signature is not kept (it is read again next time).
SETTLED_NS = 2_000_000_000


def _signature(entry: os.DirEntry, settled_before: int) -> tuple[int, int, int, int] | None:
    """(size, mtime, ctime, inode) of a record file that last changed before `settled_before` (time.time_ns()
    less SETTLED_NS, taken once per folder), else None.

    An edit moves the ctime (the owner cannot set it back, unlike the mtime),
    so a file with the recorded signature holds the bytes read then.
    """
    try:
        stat = entry.stat()
    except OSError:
        return None
    if stat.st_ctime_ns > settled_before:
        return None
    return (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)


def _file_digest(path: str) -> str | None:
    try:
        with open(path, "rb") as stream:
            return hashlib.sha256(stream.read()).hexdigest()
    except OSError:
        return None  # _read_source reports it


def _link_satellites(facilities: list[Facility]) -> list[Facility]:
    """A satellite (従たる事業所, same 事業所番号) of an office offering 就労定着支援 offers it too.

    The open data lists 就労定着支援 once per 事業所番号, under the main office;
    its satellites' own rows never mention it.
    """
    offering: dict[str, str] = {}
    # The plain number first; only the offices offering it are sorted (sorting all 30,000 was most of this).
    for facility in sorted((f for f in facilities if f.office_number and f.offers_retention), key=lambda f: (len(f.id), f.id)):
        offering.setdefault(facility.office_number, facility.id)
    return [
        dataclasses.replace(facility, retention_via=offering[facility.office_number])
        if facility.office_number in offering and not facility.offers_retention
        else facility
        for facility in facilities
    ]


def _read_source(path: Path) -> RecordSource:
    source = RecordSource(display_path(path), folder=path.parent)
    if not ID_RE.match(path.stem) or path.suffix not in RECORD_SUFFIXES:
        source.problem(
            "file",
            f"file name {path.name!r} is not a valid id; name it <id>.yaml with lower-case a-z, 0-9 and '-', starting with a letter or digit",
        )
    try:
        raw = path.read_bytes()
    except OSError as exc:
        source.problem("file", f"cannot read the file: {exc.strerror or exc}")
        return source
    if len(raw) > MAX_FILE_BYTES:
        source.problem("file", f"file is {len(raw)} bytes; a record may be at most {MAX_FILE_BYTES}")
        return source
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        message = f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save it as UTF-8 (Shift_JIS and UTF-16 are not read)"
        source.problems.append(Problem(source.path, line, "encoding", message))
        return source
    _parse_text(text, source)
    return source


def _parse_text(text: str, source: RecordSource) -> None:
    known = len(source.problems)
    root = _compose(text, source)
    if root is None:
        if len(source.problems) == known:  # no YAML problem: nothing but blank lines and comments
            source.problem("file", "file is empty; a record needs at least " + ", ".join(REQUIRED))
        return
    if not isinstance(root, yaml.MappingNode):
        source.problems.append(Problem(source.path, root.start_mark.line + 1, "file", "a record must be a mapping of `field: value` lines"))
        return
    source.parsed = _collect_mapping(root, source)


def validate_record_text(text: str, record_id: str, path: str) -> tuple[Facility | None, list[Problem]]:
    """Validate one record's YAML text exactly as the build reads it, before it is written.

    For tools that write records (`make sheet-import`): the Facility, or None
    and every problem, each naming its field (`access[0].walk_minutes`).
    """
    source = RecordSource(path, folder=Path(path).parent)
    _parse_text(text, source)
    facility = build_facility(source, record_id) if source.parsed else None
    return facility, list(source.problems)


# PyYAML's wording for the usual slips, with what to do about them.
_SYNTAX_HINTS = (
    ("tab character", "; indent with spaces, not tabs"),
    ("mapping values are not allowed", "; check the indentation, and put a value containing ': ' in quotes"),
    ("could not find expected ':'", "; each line needs `field: value`"),
)
# Characters YAML refuses (the same set as PyYAML's reader), found before
# parsing so the message and line do not depend on the parser.
_NOT_YAML_CHAR = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# A tab in a line's indentation (before its first other character).
_TAB_INDENT = re.compile(r"^[ ]*\t", re.MULTILINE)


def _event_problem(event: yaml.Event, depth: int, documents: int) -> str | None:
    """Why this parse event is refused in a record, or None."""
    if isinstance(event, yaml.DocumentStartEvent) and documents > 1:
        return "a record file holds one document; remove the extra '---'"
    if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
        return "anchors and aliases (&name, *name) are not allowed in records"
    if getattr(event, "tag", None) is not None:
        # SafeLoader would refuse most tags with a traceback, and !!str/!!int
        # only hide what a value is.
        tag = event.tag.replace("tag:yaml.org,2002:", "!!")
        return f"the tag {tag!r} is not allowed in records; write plain values"
    if depth > MAX_NESTING:
        return f"values are nested more than {MAX_NESTING} levels deep"
    return None


def _compose(text: str, source: RecordSource) -> yaml.Node | None:
    """Parse YAML into nodes, refusing anchors, aliases, tags and deep nesting first.

    The checks run on each parser event before its node is made, and the
    nodes are composed without recursion and without expanding anything, so a
    "billion laughs" file fails in time linear in its size and a deeply nested
    one cannot exhaust the stack.
    """
    if bad := _NOT_YAML_CHAR.search(text):
        line = text.count("\n", 0, bad.start()) + 1
        source.problems.append(Problem(source.path, line, "yaml", f"the character U+{ord(bad.group()):04X} is not allowed in a YAML file"))
        return None
    try:
        return _checked_nodes(text, source)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        # A tab in the indentation, in words and on every line that has one: PyYAML stops at the first,
        # and says "found character that cannot start any token" for an item indented with a tab. (Only
        # when parsing failed there: a tab inside a block scalar's text is allowed.)
        tabbed = [text.count("\n", 0, found.start()) + 1 for found in _TAB_INDENT.finditer(text)]
        if tabbed and (line in tabbed or "tab" in str(exc.problem)):
            for tab_line in tabbed:
                source.problems.append(Problem(source.path, tab_line, "yaml", "this line is indented with a tab; indent with spaces, not tabs"))
            return None
        message = exc.problem or exc.context
        opened_elsewhere = exc.context_mark and exc.context_mark.line != getattr(exc.problem_mark, "line", None)
        if exc.context == "while scanning a quoted scalar" and exc.context_mark:
            # The parser gives up at the end of the file; the slip is where the quote was opened.
            line = exc.context_mark.line + 1
            message = "a quote opened on this line is never closed; end the value with the same quote mark"
        elif exc.context and exc.problem and opened_elsewhere and "plain scalar" not in exc.context:
            # e.g. an unclosed quote or bracket: say where it was opened, not only where parsing gave up
            message = f"{exc.problem} ({exc.context} started on line {exc.context_mark.line + 1})"
        hint = next((h for needle, h in _SYNTAX_HINTS if needle in message), "")
        source.problems.append(Problem(source.path, line, "yaml", f"syntax error: {message}{hint}"))
    except yaml.YAMLError as exc:
        source.problems.append(Problem(source.path, 1, "yaml", f"syntax error: {exc}"))
    return None


def _checked_nodes(text: str, source: RecordSource) -> yaml.Node | None:
    """The record's node tree, composed from the one event stream its checks read.

    Composing here rather than by yaml.compose parses each record once, not
    twice (a tenth of reading 30,000 records). Nodes are made as PyYAML's
    composer makes them (tags resolved by the same resolver, marks from the
    events), and a refused event stops the parse before anything after it is
    read. Raises what the parser raises on a syntax error.
    """
    loader = _RecordLoader(text)
    resolve = loader.resolve
    documents = depth = 0
    root = None
    # The open collections, innermost last: (node, the pending key node or _NO_KEY for a mapping, None for a sequence).
    open_nodes: list[list] = []
    try:
        while (event := loader.get_event()) is not None and type(event) is not yaml.StreamEndEvent:
            kind = type(event)
            if kind is yaml.DocumentStartEvent:
                documents += 1
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                depth += 1
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                depth -= 1
            # Most events are plain scalars with neither anchor nor tag: only the others can be refused.
            if kind is not yaml.ScalarEvent or event.anchor is not None or event.tag is not None:
                problem = _event_problem(event, depth, documents)
                if problem:
                    source.problems.append(Problem(source.path, event.start_mark.line + 1, "yaml", problem))
                    return None
            if kind is yaml.ScalarEvent:
                value = event.value
                tag = _scalar_tags.get((value, event.implicit))
                if tag is None:
                    tag = resolve(yaml.ScalarNode, value, event.implicit)
                    if len(_scalar_tags) < _SCALAR_TAGS_KEPT:
                        _scalar_tags[value, event.implicit] = tag
                node = yaml.ScalarNode(tag, value, event.start_mark, event.end_mark, style=event.style)
            elif kind is yaml.MappingStartEvent:
                opened = yaml.MappingNode(resolve(yaml.MappingNode, None, event.implicit), [], event.start_mark, None, flow_style=event.flow_style)
                open_nodes.append([opened, _NO_KEY])
                continue
            elif kind is yaml.SequenceStartEvent:
                opened = yaml.SequenceNode(resolve(yaml.SequenceNode, None, event.implicit), [], event.start_mark, None, flow_style=event.flow_style)
                open_nodes.append([opened, None])
                continue
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                node = open_nodes.pop()[0]
                node.end_mark = event.end_mark
            else:
                continue
            if not open_nodes:
                root = node
                continue
            parent = open_nodes[-1]
            if parent[1] is None:
                parent[0].value.append(node)
            elif parent[1] is _NO_KEY:
                parent[1] = node
            else:
                parent[0].value.append((parent[1], node))
                parent[1] = _NO_KEY
    finally:
        loader.dispose()
    return root


# A mapping's slot for its next key while it waits for one.
_NO_KEY = object()
# Resolved tags of scalars seen before: field names and common values recur in every record.
_scalar_tags: dict[tuple[str, tuple[bool, bool]], str] = {}
_SCALAR_TAGS_KEPT = 20_000


def _construct(node: yaml.Node):
    # A bare constructor, not a loader (whose C parser costs more to set up than a field does to build).
    # A fresh one per value, so a value that failed half-way leaves nothing behind for the next.
    return yaml.constructor.SafeConstructor().construct_document(node)


def _collect_mapping(root: yaml.MappingNode, source: RecordSource) -> bool:
    """Fill source.data, .lines and .nodes from the top-level mapping; False if unreadable."""
    readable = True
    for key_node, value_node in root.value:
        line = key_node.start_mark.line + 1
        if not isinstance(key_node, yaml.ScalarNode):
            source.problems.append(Problem(source.path, line, "file", "field names must be plain text"))
            continue
        key = str(key_node.value)
        if key in source.data:
            source.problems.append(Problem(source.path, line, key, f"duplicate field (first given on line {source.lines[key]})"))
            continue
        try:
            value = _construct(value_node)
        except (yaml.YAMLError, ValueError, TypeError) as exc:  # e.g. a list used as a mapping key
            reason = exc.problem if isinstance(exc, yaml.MarkedYAMLError) and exc.problem else str(exc).splitlines()[0]
            source.problems.append(Problem(source.path, line, key, f"cannot read the value: {reason}"))
            readable = False
            continue
        source.lines[key] = line
        _note_nodes(key, value_node, source)
        _report_nested_duplicates(key, value_node, source)
        source.data[key] = value
    return readable


def _report_nested_duplicates(key: str, node: yaml.Node, source: RecordSource) -> None:
    """PyYAML keeps the last of two equal keys silently; inside a value that hides a typo too."""
    pending = [(key, node)]
    while pending:
        where, node = pending.pop()
        if isinstance(node, yaml.SequenceNode):
            pending.extend((f"{where}[{i}]", item) for i, item in enumerate(node.value))
        elif isinstance(node, yaml.MappingNode):
            first_lines: dict[str, int] = {}
            for sub_key, sub_value in node.value:
                name = f"{where}.{sub_key.value}" if isinstance(sub_key, yaml.ScalarNode) else where
                line = sub_key.start_mark.line + 1
                if name in first_lines:
                    source.problems.append(Problem(source.path, line, name, f"duplicate field (first given on line {first_lines[name]})"))
                else:
                    first_lines[name] = line
                pending.append((name, sub_value))


def _note_nodes(key: str, node: yaml.Node, source: RecordSource) -> None:
    """Remember each value's node (for its line and its text as written), two levels deep."""
    source.nodes[key] = node
    if isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            source.lines[f"{key}[{i}]"] = item.start_mark.line + 1
            source.nodes[f"{key}[{i}]"] = item
            if isinstance(item, yaml.MappingNode):
                for sub_key, sub_value in item.value:
                    source.lines[f"{key}[{i}].{sub_key.value}"] = sub_value.start_mark.line + 1
                    source.nodes[f"{key}[{i}].{sub_key.value}"] = sub_value
    elif isinstance(node, yaml.MappingNode):
        for sub_key, sub_value in node.value:
            source.lines[f"{key}.{sub_key.value}"] = sub_value.start_mark.line + 1
            source.nodes[f"{key}.{sub_key.value}"] = sub_value
