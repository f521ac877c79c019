"""The build cache (`.cache/` by default): parsed records and which pages are unchanged.

Two files, each a pickle whose header carries the cache format and the
*code key*: a hash of the plugin's own files and of the packages that shape
the output (Pelican, Jinja, Markdown, PyYAML, SudachiPy and its dictionary).
A cache written by other code, or one that cannot be read (truncated,
foreign), is discarded with one line and the build goes on without it.

- records.pickle: `display path -> (SHA-256 of the file's bytes, Facility,
  the Facility's Fingerprint digest)` for every record that validated
  without a problem. A record is parsed again when its bytes change;
  records/reader.py uses it, and the page keys take the digest from it.
- pages.pickle: `file -> (page key, inode, size, mtime)` for the pages the
  generator wrote last time (pages/output.py). The page key hashes the
  template, URL, sitemap date and every template variable (a Facility as
  the digest of all of its fields, Fingerprint.page_digest), plus the *site key*: the code key, every theme file,
  the settings and the context values templates read. When the key is the
  same and the previous output still holds that very file (same inode, size
  and modification time), the file is linked into the new build instead of
  rendered. build.py records the stat after the new output is in place.

Both are only hints: a wrong or missing entry costs a render, never a
wrong page. tests/test_build_cache.py proves a cached build byte-identical
to a clean one.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import functools
import gc
import hashlib
import io
import logging
import operator
import os
import pickle
import sys
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path

logger = logging.getLogger(__name__)

FORMAT = 1
PLUGIN_DIR = Path(__file__).resolve().parent
# Packages whose version changes what the build writes.
# Every installed distribution whose version can change the output. tests/test_code_key.py checks that each
# third-party package the plugin imports is here or has a stated reason not to be.
PACKAGES = ("pelican", "jinja2", "markdown", "markupsafe", "pyyaml", "sudachipy", "sudachidict-core", "japancode", "lunr", "deflate")


class UncacheableError(Exception):
    """A value the fingerprint cannot describe stably; the page is rendered."""


def _package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "-"


def code_key() -> str:
    """Hash of the plugin's files and the versions of the packages that shape the output."""
    digest = hashlib.sha256(f"{FORMAT} {sys.version}".encode())
    for name in PACKAGES:
        digest.update(f"{name}={_package_version(name)}\n".encode())
    for path in sorted(PLUGIN_DIR.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(PLUGIN_DIR).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def tree_key(folder: str | os.PathLike) -> str:
    """Hash of every file's name and bytes under `folder` (the theme)."""
    digest = hashlib.sha256()
    root = Path(folder)
    for path in sorted(root.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


class Fingerprint:
    """Stable hashes of template variables: dataclasses by all fields, containers by content.

    Frozen dataclasses (Facility, Pagination, …) are hashed once per build
    and remembered by identity, since one facility sits on many pages.
    """

    def __init__(self, shared_types: tuple[type, ...] = ()):
        self._memo: dict[int, tuple[object, bytes]] = {}
        # Frozen dataclasses many values hold (Facility): written into a digest as their own digest.
        self._shared = frozenset(shared_types)
        # One (buffer, pickler) per nesting depth (a Facility inside a Neighbour is pickled while
        # the Neighbour is), reused for every value: 300,000 digests at 30,000 facilities.
        self._picklers: list[tuple[io.BytesIO, _StablePickler]] = []
        self._depth = 0
        self._page_pickler: tuple[io.BytesIO, _PagePickler] | None = None
        self._values: dict[int, tuple[object, bytes]] = {}
        self._item_digests = _ItemDigests()

    def digest(self, value) -> bytes:
        digest = hashlib.sha256()
        self._feed(digest, value)
        return digest.digest()

    def remember(self, value, digest: bytes) -> None:
        """Take `digest` as the digest of the frozen dataclass `value` (a Facility from the records cache).

        Only for a digest this class computed for a value with the very same
        fields (cache.py keeps it beside the value); the value is kept alive,
        so its id stays unique.
        """
        self._memo[id(value)] = (value, digest)

    def shared_digest(self, value) -> bytes:
        """The digest a frozen dataclass (a Facility) is written as inside other values' digests."""
        return self._dataclass(value)

    def tag(self, value) -> None:
        """Store on a shared object (a Facility) how page_digest writes it: `(_shared, (its digest,))`.

        An attribute outside the dataclass's fields (equality, `replace` and the
        digests ignore it), so page_digest writes each of the ~1 million
        facility references in 35,000 pages without a Python call; a copy made
        with other fields (dataclasses.replace) is a new, untagged object.
        """
        digest = self._dataclass(value)
        object.__setattr__(value, REDUCE_ATTRIBUTE, (_shared, (digest,)))
        object.__setattr__(value, DIGEST_ATTRIBUTE, digest)  # read in bulk for a list's items (_ItemDigests)

    def _value_digest(self, value) -> bytes:
        """`digest(value)` remembered by identity (a value many pages share, such as a list's page links)."""
        remembered = self._values.get(id(value))
        if remembered is None:
            remembered = self._values[id(value)] = (value, self.digest(value))  # kept alive: its id stays unique
        return remembered[1]

    def known(self, value) -> bytes | None:
        """The digest remembered for `value` (by identity), or None."""
        remembered = self._memo.get(id(value))
        return remembered[1] if remembered is not None and remembered[0] is value else None

    def page_digest(self, value) -> bytes:
        """A digest of `value` (a page's variables, a data chunk's members) in one pickle, for page and chunk keys.

        Describes the same things as `digest` and as completely: every shared
        object (Facility, once `tag`ged) is written as its own digest, every other dataclass
        by its whole state, functions by module and name, objects with
        `cache_identity` by it. Anything else the pickle would not describe
        for sure (another class, a dict subclass, a lambda) falls back to
        `digest`, which raises UncacheableError for what it cannot describe.
        One pickle per page instead of one per nested dataclass: at 30,000
        facilities about 35,000 pickles instead of 270,000.
        """
        if self._page_pickler is None:
            buffer = io.BytesIO()
            self._page_pickler = (buffer, _PagePickler(buffer, self._shared, self._value_digest, self._item_digests))
        buffer, pickler = self._page_pickler
        buffer.seek(0)
        buffer.truncate()
        pickler.clear_memo()
        try:
            pickler.dump(value)
        except Exception:  # not described for sure in one pickle: the walker decides
            self._page_pickler = None
            return b"walk:" + self.digest(value)
        return hashlib.sha256(b"page-pickle:" + buffer.getvalue()).digest()

    def _feed(self, digest, value) -> None:
        # The branch each type takes, remembered per type (the isinstance chain below was a fifth of the
        # page keys' time); the same bytes are fed either way. Types that may take the last branches
        # (functions, objects with cache_identity) always go through the whole chain.
        kind = _KINDS.get(type(value))
        if kind is _PLAIN:
            digest.update(f"{type(value).__name__}:{value!r}\0".encode())
            return
        if kind is _DATACLASS:
            digest.update(self._dataclass(value))
            return
        if kind is _SEQUENCE:
            digest.update(b"[")
            for item in value:
                self._feed(digest, item)
            digest.update(b"]")
            return
        if value is None or isinstance(value, (bool, int, float, str, bytes, dt.date, dt.time, dt.timedelta, enum.Enum)):
            _KINDS[type(value)] = _PLAIN
            digest.update(f"{type(value).__name__}:{value!r}\0".encode())
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            _KINDS[type(value)] = _DATACLASS
            digest.update(self._dataclass(value))
        elif isinstance(value, (list, tuple)):
            _KINDS[type(value)] = _SEQUENCE
            digest.update(b"[")
            for item in value:
                self._feed(digest, item)
            digest.update(b"]")
        elif isinstance(value, Mapping):
            digest.update(b"{")
            for key, item in sorted(value.items(), key=lambda pair: repr(pair[0])):
                self._feed(digest, key)
                self._feed(digest, item)
            digest.update(b"}")
        elif isinstance(value, (set, frozenset)):
            digest.update(b"<" + b"".join(sorted(self.digest(item) for item in value)) + b">")
        elif hasattr(value, "cache_identity"):  # an object that says which plain data make it (furigana.Furigana)
            digest.update(f"obj:{type(value).__module__}.{type(value).__qualname__}\0".encode())
            self._feed(digest, value.cache_identity())
        elif callable(value) and getattr(value, "__qualname__", None) and "<" not in value.__qualname__:
            digest.update(f"fn:{value.__module__}.{value.__qualname__}\0".encode())
        else:
            raise UncacheableError(type(value).__qualname__)

    def _dataclass(self, value) -> bytes:
        frozen = type(value).__dataclass_params__.frozen
        remembered = self._memo.get(id(value)) if frozen else None
        if remembered is not None:
            return remembered[1]
        result = self._pickled_digest(value) if frozen else None
        if result is None:
            digest = hashlib.sha256(f"dc:{type(value).__module__}.{type(value).__qualname__}\0".encode())
            for field in dataclasses.fields(value):
                digest.update(field.name.encode() + b"=")
                self._feed(digest, getattr(value, field.name))
            result = digest.digest()
        if frozen:
            self._memo[id(value)] = (value, result)  # keeps the object alive, so its id stays unique
        return result

    def _pickled_digest(self, value) -> bytes | None:
        """SHA-256 of a frozen dataclass's type and fields, pickled (the fast path); None if they do not pickle.

        A set field is pickled sorted: a set of strings iterates in an order that
        changes with each process's hash seed, so unsorted it would make a new key
        every build. (reducer_override never sees built-in types, so sets deeper
        down cannot be sorted there; none of the cached models has one.)
        """
        fields = _fields_of(value)
        if not _SET_TYPES.isdisjoint(map(type, fields)):
            fields = tuple(sorted(item, key=repr) if isinstance(item, (set, frozenset)) else item for item in fields)
        if self._depth == len(self._picklers):
            buffer = io.BytesIO()
            self._picklers.append((buffer, _StablePickler(buffer, self._shared, self._dataclass)))
        buffer, pickler = self._picklers[self._depth]
        buffer.seek(0)
        buffer.truncate()
        pickler.clear_memo()
        self._depth += 1
        try:
            pickler.dump((type(value).__module__, type(value).__qualname__, fields))
        except Exception:  # an unpicklable field: the walker describes it or calls it uncacheable
            del self._picklers[self._depth - 1 :]  # a fresh pickler next time, whatever state the failure left
            return None
        finally:
            self._depth -= 1
        return hashlib.sha256(b"pickle:" + buffer.getvalue()).digest()


class _StablePickler(pickle.Pickler):
    """Pickles a frozen dataclass's fields for its digest; shared objects inside are written as their digests.

    A Facility inside the value (in a nearby entry, a same-operator group or
    a Pagination) is written as its own digest (`nested`, remembered per
    object by Fingerprint), so each facility is pickled once per build, not
    once for every page and list entry that holds it. reducer_override is
    only consulted for objects that are not built-in types, so this costs
    nothing per string or number.
    """

    def __init__(self, file, shared: frozenset, nested):
        super().__init__(file, protocol=5)
        self._shared = shared
        self._nested = nested

    def reducer_override(self, obj):
        if type(obj) in self._shared:
            return (_shared, (self._nested(obj),))
        return NotImplemented


class _NotDescribedError(Exception):
    """A value _PagePickler leaves to Fingerprint's walker."""


# Types whose default pickle is their whole value (dates, enums, str subclasses such as Markup, numbers).
_PLAIN_TYPES = (dt.date, dt.time, dt.timedelta, enum.Enum, str, bytes, int, float)


# Where a shared object (a Facility) carries the reduce value _PagePickler writes for it: its digest.
REDUCE_ATTRIBUTE = "_fingerprint_reduce"
# Where it carries the digest itself (Fingerprint.tag), and where a list page or section carries the
# list its items were sliced from, with the slice's start (pages/pagination.py): (list, start).
DIGEST_ATTRIBUTE = "_fingerprint_digest"
ITEMS_SOURCE_ATTRIBUTE = "_fingerprint_items_source"
DIGEST_SIZE = 32


class _ItemDigests:
    """A list page's items written as its slice of one string of digests made once for the whole list.

    A list of 3,500 offices is paginated into 70 pages and about as many
    sections, each holding a slice of it. Pickled one by one, each tagged
    facility costs about 1.5 µs (its reduce value, the pickle's memo); a
    list's digests are joined once (a C-level map over the list) and each
    page and section takes its slice. Used only when the slice is verified:
    the object's items are, one for one, the very objects of the list at
    that place (identity, by a C-level map), and every object of the list
    is a tagged shared object (a Facility) whose digest is 32 bytes; otherwise
    the items are pickled as usual.
    """

    def __init__(self):
        self._joined: dict[int, tuple[list, bytes | None]] = {}  # id(list) -> (the list, kept alive; its digests or None)

    def __call__(self, obj, items, shared: frozenset) -> bytes | None:
        source = getattr(obj, ITEMS_SOURCE_ATTRIBUTE, None)
        if source is None or type(items) is not list:
            return None
        whole, start = source
        stop = start + len(items)
        if type(whole) is not list or not 0 <= start <= stop <= len(whole):
            return None
        if not all(map(operator.is_, items, whole[start:stop])):
            return None
        remembered = self._joined.get(id(whole))
        if remembered is None or remembered[0] is not whole:
            remembered = self._joined[id(whole)] = (whole, _joined_digests(whole, shared))
        joined = remembered[1]
        if joined is None:
            return None
        return b"digests:" + joined[start * DIGEST_SIZE : stop * DIGEST_SIZE]


def _joined_digests(whole: list, shared: frozenset) -> bytes | None:
    """Every item's digest, in order; None unless each item is a tagged shared object with a 32-byte digest."""
    if not set(map(type, whole)) <= shared:
        return None
    try:
        digests = list(map(operator.attrgetter(DIGEST_ATTRIBUTE), whole))
    except AttributeError:  # an untagged object
        return None
    if not all(type(digest) is bytes and len(digest) == DIGEST_SIZE for digest in digests):
        return None
    return b"".join(digests)


class _PageReducers(dict):
    """_PagePickler's dispatch_table: per type, how it is written, decided once (`__missing__`).

    Each entry is a C-level callable where it can be, so the ~2 million
    objects in 35,000 pages' variables cost no Python call each:

    - a shared type (Facility): the reduce value Fingerprint.tag stored on
      the object, `(_shared, (digest,))` (an untagged one raises, and the
      page goes to the walker);
    - a dataclass: its default reduce (its class and whole state), unless a
      field is annotated as a set, whose order would change with the hash
      seed: then its fields with the sets sorted;
    - a type with `__fingerprint_reduce__` (Prefecture, Term): its `__reduce__()`
      value, stored on each object under that name (an object without it
      raises, and the page goes to the walker);
    - a dataclass with `__fingerprint_shared__` (Pagination): its fields, those
      named there (values many objects share) as their digests, made once per
      shared object;
    - an object with `cache_identity`: that;
    - dates, enums, str and number subclasses (Markup): their default reduce;
    - anything else raises _NotDescribedError, and the walker decides.

    Functions and classes never get here: the pickle writes them by module
    and name (a lambda or a local function fails, and the walker decides).
    """

    def __init__(self, shared: frozenset, value_digest, item_digests):
        super().__init__()
        self._shared = shared
        self._value_digest = value_digest
        self._item_digests = item_digests

    def __missing__(self, kind: type):
        if kind in self._shared:
            reducer = operator.attrgetter(REDUCE_ATTRIBUTE)
        elif isinstance(getattr(kind, "__fingerprint_reduce__", None), str):
            # The object's own `__reduce__()` value, stored on it (a vocabulary entry); one without raises.
            reducer = operator.attrgetter(kind.__fingerprint_reduce__)
        elif dataclasses.is_dataclass(kind) and (getattr(kind, "__fingerprint_shared__", ()) or getattr(kind, "__fingerprint_items__", None)):
            items = getattr(kind, "__fingerprint_items__", None)
            reducer = functools.partial(
                _reduce_sharing, frozenset(getattr(kind, "__fingerprint_shared__", ())), self._value_digest, items, self._item_digests, self._shared
            )
        elif hasattr(kind, "cache_identity"):
            reducer = _reduce_identity
        elif dataclasses.is_dataclass(kind):
            # Annotations are strings here (from __future__ import annotations); a field that may hold a set says so.
            sets = any("set" in str(field.type).lower() for field in dataclasses.fields(kind))
            reducer = _reduce_sorted if sets else _DEFAULT_REDUCE
        elif issubclass(kind, _PLAIN_TYPES) and not issubclass(kind, (list, tuple, dict, set, frozenset)):
            reducer = _DEFAULT_REDUCE
        else:
            reducer = _not_described
        self[kind] = reducer
        return reducer


_DEFAULT_REDUCE = operator.methodcaller("__reduce_ex__", 5)


def _reduce_identity(obj):
    return (_shared, ((type(obj).__module__, type(obj).__qualname__, obj.cache_identity()),))


def _reduce_sorted(obj):
    fields = tuple(sorted(item, key=repr) if isinstance(item, (set, frozenset)) else item for item in _fields_of(obj))
    return (_shared, ((type(obj).__module__, type(obj).__qualname__, fields),))


def _reduce_sharing(names: frozenset, value_digest, items_field: str | None, item_digests, shared: frozenset, obj):
    """A dataclass by its fields, those named in its `__fingerprint_shared__` as their digests (one per object),
    and the one named in `__fingerprint_items__` as its slice of its list's digests when that is verified (_ItemDigests)."""
    fields = []
    for field in dataclasses.fields(obj):
        value = getattr(obj, field.name)
        if field.name in names:
            value = b"shared:" + value_digest(value)
        elif field.name == items_field:
            digests = item_digests(obj, value, shared)
            if digests is not None:
                value = digests
        fields.append(value)
    fields = tuple(fields)
    if not _SET_TYPES.isdisjoint(map(type, fields)):
        fields = tuple(sorted(item, key=repr) if isinstance(item, (set, frozenset)) else item for item in fields)
    return (_shared, ((type(obj).__module__, type(obj).__qualname__, fields),))


def _not_described(obj):
    raise _NotDescribedError(type(obj).__qualname__)


class _PagePickler(pickle.Pickler):
    """Pickles a whole page's variables for Fingerprint.page_digest (how each type is written: _PageReducers)."""

    def __init__(self, file, shared: frozenset, value_digest, item_digests):
        super().__init__(file, protocol=5)
        self.dispatch_table = _PageReducers(shared, value_digest, item_digests)


def _shared(digest: bytes) -> bytes:
    """Stands for a shared object in a pickled digest (never called: digest pickles are not loaded)."""
    return digest


# Field names of each dataclass type, as one C-level getter returning a tuple.
_FIELD_GETTERS: dict[type, object] = {}
_SET_TYPES = frozenset({set, frozenset})
# Fingerprint._feed's remembered branches: type -> one of these.
_PLAIN, _DATACLASS, _SEQUENCE = object(), object(), object()
_KINDS: dict[type, object] = {}


def _tuple_getter(names: list[str]):
    return lambda item: tuple(getattr(item, name) for name in names)


def _fields_of(value) -> tuple:
    getter = _FIELD_GETTERS.get(type(value))
    if getter is None:
        names = [field.name for field in dataclasses.fields(value)]
        # attrgetter of one name gives the value, not a tuple of one.
        getter = _FIELD_GETTERS[type(value)] = operator.attrgetter(*names) if len(names) > 1 else _tuple_getter(names)
    return getter(value)


class BuildCache:
    """One folder of pickles, each tagged with the code key of the build that wrote it."""

    def __init__(self, folder: str | os.PathLike | None, key: str | None = None):
        self.folder = Path(folder) if folder else None
        self.key = key if key is not None else (code_key() if folder else "")
        # load(name, changes=True): the whole file's token and table as read, for save's comparison.
        self._bases: dict[str, tuple[str, dict]] = {}

    @property
    def enabled(self) -> bool:
        return self.folder is not None

    def _path(self, name: str) -> Path:
        return self.folder / f"{name}.pickle"

    def load(self, name: str, changes: bool = False) -> dict:
        """The stored dict, or {} when absent; a foreign or unreadable file is discarded with one line.

        With `changes` (a table of entries that are replaced, never changed in
        place, such as the records), the entries `save(name, …, changes=True)`
        last wrote beside the whole file are applied over it.
        """
        data, token = self._read(name)
        if not changes:
            return data
        self._bases.pop(name, None)
        if token is None:
            return data
        self._bases[name] = (token, dict(data))
        if self._path(f"{name}.changes").is_file():
            delta, _ = self._read(f"{name}.changes")
            if delta and delta.get("base") != token:
                self._discard(self._path(f"{name}.changes"), "the changes of another version of its table")
            elif delta:
                for key in delta["removed"]:
                    data.pop(key, None)
                data.update(delta["set"])
        return data

    def _read(self, name: str) -> tuple[dict, str | None]:
        """One file's dict and its header's token ({}, None when absent or discarded)."""
        if not self.enabled:
            return {}, None
        path = self._path(name)
        if not path.is_file():
            return {}, None
        try:
            with path.open("rb") as stream:
                header = pickle.load(stream)
                if not (isinstance(header, dict) and header.get("format") == FORMAT):
                    return self._discard(path, "not a cache this plugin wrote"), None
                if header.get("code") != self.key:
                    return self._discard(path, "written by another version of the plugin or its packages"), None
                data = _settled_load(stream)
        except Exception as exc:  # truncated, garbage, classes that no longer exist …
            return self._discard(path, f"unreadable ({exc.__class__.__name__})"), None
        if not isinstance(data, dict):
            return self._discard(path, "unreadable (not a table)"), None
        return data, header.get("token")

    def _discard(self, path: Path, why: str) -> dict:
        print(f"facility_site: cache: discarded {path}: {why}; building without it", file=sys.stderr)
        path.unlink(missing_ok=True)
        return {}

    def save(self, name: str, data: dict, changes: bool = False) -> None:
        """Write atomically (temporary file, then rename), so a killed build never leaves half a file.

        With `changes` and a table loaded with `changes`: when at most
        CHANGES_SHARE of its entries differ from the whole file's (a
        one-record edit), only those are written, to `<name>.changes.pickle`
        tagged with the whole file's token; otherwise the whole table.
        """
        if not self.enabled:
            return
        base = self._bases.pop(name, None) if changes else None
        if base is not None:
            token, whole = base
            changed = {key: value for key, value in data.items() if key not in whole or not _same(whole[key], value)}
            removed = [key for key in whole if key not in data]
            if len(changed) + len(removed) <= CHANGES_SHARE * len(data):
                self._write(f"{name}.changes", {"base": token, "set": changed, "removed": removed})
                return
        self._write(name, data, token=os.urandom(16).hex() if changes else None)
        if changes:
            self._path(f"{name}.changes").unlink(missing_ok=True)

    def _write(self, name: str, data: dict, token: str | None = None) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self._path(name)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        header = {"format": FORMAT, "code": self.key}
        if token is not None:
            header["token"] = token
        with temporary.open("wb") as stream:
            pickle.dump(header, stream, protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump(data, stream, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)

    def commit_pages(self, output: Path) -> None:
        """After the new output is in place: record where each written page now is (pages-pending -> pages)."""
        if not self.enabled:
            return
        pending = self.load("pages-pending")
        self._path("pages-pending").unlink(missing_ok=True)
        manifest = {}
        prefix = os.path.join(output, "")
        for save_as, key in pending.items():
            if isinstance(key, tuple):  # a kept page's entry, checked against its file in this build (pages/reuse.py)
                manifest[save_as] = key
                continue
            try:
                stat = os.stat(prefix + save_as)
            except OSError:
                continue
            manifest[save_as] = (key, stat.st_ino, stat.st_size, stat.st_mtime_ns)
        self.save("pages", manifest)


# save(…, changes=True) writes only the changed entries while they are at most this share of the table.
CHANGES_SHARE = 0.05


def _same(old, new) -> bool:
    """An entry as loaded (the same object) or equal to it."""
    return old is new or old == new


def _settled_load(stream):
    """pickle.load, then every object so far is moved out of the cyclic collector's sight (gc.freeze).

    A loaded table (30,000 Facility objects, readings, …) lives to the end of
    the build; each full collection after it would walk all of it again (at
    30,000 facilities about a fifth of a one-record rebuild's CPU). Loading
    makes no cycles, so the collector is paused meanwhile. build.py unfreezes
    when its build ends, so a process that builds again (make devserver, the
    tests) collects the last build's objects as usual.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return pickle.load(stream)
    finally:
        if was_enabled:
            gc.enable()
        gc.freeze()


def stat_matches(path: str | os.PathLike, entry: tuple) -> bool:
    """True when `path` is still the very file a manifest entry recorded."""
    try:
        stat = os.stat(path)
    except OSError:
        return False
    return (stat.st_ino, stat.st_size, stat.st_mtime_ns) == tuple(entry[1:])
