"""Read a report package from a folder, a datapackage.json, a zip, or uploaded files.

Whatever the shape, the result is the same: the four tables' CSV text as UTF-8 bytes,
with the encoding they came in noted. Unsafe input is refused with a PackageError
before anything is parsed: paths leaving the package, oversize files, zip bombs.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import json
import os
import re
import stat
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path, PurePosixPath
from typing import Any, AnyStr

import orjson

from gongkai.package.encoding import decode_csv
from gongkai.package.errors import PackageError
from gongkai.standard import TABLE_NAMES

DESCRIPTOR = "datapackage.json"
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
MAX_ZIP_MEMBERS = 200
READ_CHUNK = 1 << 20  # bytes read at a time past a file's size on disk (it may grow)
# what reading a damaged member raises: a bad CRC or header (BadZipFile), bad deflate data
# (zlib.error), the encrypted flag (RuntimeError), an unknown method (NotImplementedError)
_MEMBER_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    RuntimeError,
    NotImplementedError,
    EOFError,
    OSError,
    ValueError,
)
MAX_ZIP_RATIO = 200  # a CSV compresses ~5-20x; hundreds of times is a bomb
# Excel and editors leave empty lines (or lines of bare commas) at the end: no data, no error.
_TRAILING_EMPTY_LINES = re.compile(r"(?:\r?\n[ \t,]*)+\Z")
# a run of 19 digits (past what orjson reads as an integer), sought as 19 zeros in the text
# with each digit made a zero and every other byte a space: ~50x faster than a regex
_DIGITS_AS_ZEROS = bytes(48 if 48 <= b <= 57 else 32 for b in range(256))
_LONG_NUMBER = b"0" * 19


def max_package_bytes() -> int:
    """GONGKAI_MAX_PACKAGE_BYTES: the most a package may hold, uncompressed."""
    return int(os.environ.get("GONGKAI_MAX_PACKAGE_BYTES", DEFAULT_MAX_BYTES))


@dataclass
class ReportPackage:
    """A report package as read: each table's CSV as UTF-8 bytes, and where it came from."""

    source: str
    files: dict[str, bytes] = field(default_factory=dict)
    file_names: dict[str, str] = field(default_factory=dict)  # table -> path inside the package
    encodings: dict[str, str] = field(default_factory=dict)  # table -> encoding it came in
    declared_encodings: dict[str, str] = field(default_factory=dict)  # table -> descriptor's
    undecodable: tuple[str, ...] = ()  # tables in no supported encoding
    absent: dict[str, str] = field(default_factory=dict)  # table -> path named but not there
    descriptor: dict[str, Any] | None = None

    @cached_property
    def sha256(self) -> str:
        """Content hash: the same tables give the same hash, however they were sent."""
        digest = hashlib.sha256()
        for name in TABLE_NAMES:
            data = self.files.get(name)
            if data is not None:
                digest.update(f"{name}\0{len(data)}\0".encode())
                digest.update(data)
        return digest.hexdigest()


def _is_unsafe(path: str) -> bool:
    if not path or "://" in path or path.startswith(("/", "\\")) or ":" in path[:3]:
        return True
    return ".." in path.replace("\\", "/").split("/")  # a ".." part, as PurePosixPath has it


def _normal(path: str) -> str:
    """A member or resource path as POSIX without "./": Windows tools write "dir\\file.csv"."""
    return str(PurePosixPath(path.replace("\\", "/")))


def _table_name(file_name: str) -> str | None:
    stem = PurePosixPath(file_name.replace("\\", "/")).name
    if stem.lower().endswith(".csv") and stem[:-4].lower() in TABLE_NAMES:
        return stem[:-4].lower()
    return None


def _loads(data: bytes) -> Any:
    """JSON as json.loads reads it, read ~2.5x faster by orjson where both read alike."""
    return _read_json(data)[0]


def _read_json(data: bytes) -> tuple[Any, bool]:
    """JSON as json.loads reads it, and whether orjson read it. orjson refuses what json reads
    otherwise (NaN, 1e400, lone surrogates, nesting past 1,024) and makes a float of an
    integer past 64 bits, so text with a run of 19 digits, or that orjson refuses, is read by
    json (which then says what is wrong in its own words)."""
    if _LONG_NUMBER not in data.translate(_DIGITS_AS_ZEROS):
        bom = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
        try:
            return orjson.loads(memoryview(data)[bom:]), True
        except orjson.JSONDecodeError:
            pass
    return json.loads(data.decode("utf-8-sig")), False


def _lone_surrogate(data: bytes, value: Any) -> bool:
    """Whether json read a lone surrogate escape into the value (orjson refuses them; json
    takes them, and the text cannot be written as UTF-8 again). Looked for only where the text
    has a \\ud escape at all."""
    if b"\\ud" not in data.lower():
        return False
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


# Inlined schemas read before, by their text as orjson writes them: a load of thousands of
# folders keeps one copy of each (the standard's four, mostly), not thousands of object trees
# for the garbage collector to walk again and again. Read-only, as every descriptor is.
_SHARED_SCHEMAS: dict[bytes, dict[str, Any]] = {}
SHARED_SCHEMAS_MAX = 256


def _share_schemas(descriptor: dict[str, Any]) -> None:
    """Each resource's inlined schema replaced by the equal one read before. Only for text
    orjson read: then its writing is exact (1, 1.0 and true differ; no NaN to write as null)."""
    for resource in descriptor.get("resources", []):
        schema = resource.get("schema") if isinstance(resource, dict) else None
        if not isinstance(schema, dict):
            continue
        try:
            key = orjson.dumps(schema)
        except orjson.JSONEncodeError:  # an integer of 64 bits or more: read as it came
            continue
        shared = _SHARED_SCHEMAS.get(key)
        if shared is not None:
            resource["schema"] = shared
        elif len(_SHARED_SCHEMAS) < SHARED_SCHEMAS_MAX:
            _SHARED_SCHEMAS[key] = schema


def _parse_descriptor(data: bytes, source: str) -> dict[str, Any]:
    try:
        descriptor, by_orjson = _read_json(data)
    except RecursionError as exc:  # JSON nested thousands deep
        raise PackageError("bad-descriptor", source, "nested too deep") from exc
    except ValueError as exc:  # bad JSON, bad UTF-8, an integer of thousands of digits
        raise PackageError("bad-descriptor", source, str(exc)) from exc
    if not by_orjson and _lone_surrogate(data, descriptor):
        raise PackageError(
            "bad-descriptor",
            source,
            'a \\u escape is half of a surrogate pair without its other half (such as "\\ud800"): '
            "not a character, and the descriptor cannot be stored as UTF-8",
        )
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources", []), list):
        raise PackageError("bad-descriptor", source, "expected an object with a resources list")
    if by_orjson:
        _share_schemas(descriptor)
    return descriptor


def _resource_paths(descriptor: dict[str, Any], source: str) -> dict[str, tuple[str, str | None]]:
    """table -> (relative path, declared encoding) for the resources the standard knows."""
    found: dict[str, tuple[str, str | None]] = {}
    for resource in descriptor.get("resources", []):
        if not isinstance(resource, dict):
            continue
        name = resource.get("name")
        if name is not None and not isinstance(name, str):
            raise PackageError("bad-descriptor", source, "a resource name must be a string")
        if name not in TABLE_NAMES:
            continue
        path = resource.get("path")
        if not isinstance(path, str):
            raise PackageError(
                "bad-descriptor", source, f"resource {name}: path must be one string"
            )
        encoding = resource.get("encoding")
        if encoding is not None and not isinstance(encoding, str):
            raise PackageError(
                "bad-descriptor", source, f"resource {name}: encoding must be a string"
            )
        if _is_unsafe(path):
            raise PackageError("unsafe-path", source, path)
        found[name] = (_normal(path), encoding)
    return found


def _assemble(
    source: str,
    raw: dict[str, bytes],
    names: dict[str, str],
    declared: dict[str, str | None],
    descriptor: dict[str, Any] | None,
) -> ReportPackage:
    package = ReportPackage(source=source, file_names=names, descriptor=descriptor)
    package.declared_encodings = {t: enc for t, enc in declared.items() if enc and t in raw}
    undecodable = []
    for table, data in raw.items():
        if data.isascii():  # UTF-8 as it is (no byte order mark): a national 表三 is not decoded
            package.files[table] = _ascii_without_trailing_empty_lines(data)
            package.encodings[table] = "utf-8"
            continue
        decoded = decode_csv(data, declared.get(table))
        if decoded is None:
            undecodable.append(table)
            continue
        text, encoding = decoded
        kept = _without_trailing_empty_lines(text)
        unchanged = encoding == "utf-8" and kept is text
        package.files[table] = data if unchanged else kept.encode("utf-8")
        package.encodings[table] = encoding
    package.undecodable = tuple(undecodable)
    return package


def _without_trailing_empty_lines(text: str) -> str:
    """The text without empty lines (or lines of bare commas) at its end: the same text when
    there are none. A match of the pattern holds only those characters and ends the text, so
    it is sought in that tail alone (on the whole text it would be tried at every line)."""
    cut = _content_end(text, " \t,\r\n")
    tail = text[cut:]
    kept = _TRAILING_EMPTY_LINES.sub("\n", tail)
    return text if kept == tail else text[:cut] + kept


def _ascii_without_trailing_empty_lines(data: bytes) -> bytes:
    """`_without_trailing_empty_lines` of ASCII bytes, without decoding more than their tail."""
    cut = _content_end(data, b" \t,\r\n")
    tail = data[cut:].decode("ascii")
    kept = _TRAILING_EMPTY_LINES.sub("\n", tail)
    return data if kept == tail else data[:cut] + kept.encode("ascii")


def _content_end(text: AnyStr, blank: AnyStr) -> int:
    """The length of `text` without the `blank` characters at its end, sought backwards a
    block at a time: stripping the whole text would copy it (0.13 s for a national 表三)."""
    end = len(text)
    while end > 0:
        start = max(0, end - 4096)
        kept = text[start:end].rstrip(blank)
        if kept:
            return start + len(kept)
        end = start
    return 0


def _check_total(source: str, total: int, limit: int) -> None:
    if total > limit:
        raise PackageError("too-large", source, f"{total} bytes", limit)


def read_package(path: str | os.PathLike[str], max_bytes: int | None = None) -> ReportPackage:
    """Read a package folder, its datapackage.json, a zip of it, or a folder of the CSVs, of
    at most `max_bytes` (default: GONGKAI_MAX_PACKAGE_BYTES, the limit of an upload)."""
    path = Path(path)
    source = str(path)
    limit = max_package_bytes() if max_bytes is None else max_bytes
    try:
        return _read_path(path, source, limit)
    except (OSError, RuntimeError) as exc:  # unreadable, a symlink loop (3.11: RuntimeError)
        detail = getattr(exc, "strerror", None) or str(exc)
        raise PackageError("unreadable", source, detail) from exc


def _read_path(path: Path, source: str, limit: int) -> ReportPackage:
    try:
        mode = path.stat().st_mode
    except FileNotFoundError as exc:
        raise PackageError("not-found", source) from exc
    if stat.S_ISDIR(mode):
        return _read_folder(path, source, limit)
    if not stat.S_ISREG(mode):  # /dev/zero, a FIFO, a socket: never read them
        raise PackageError("not-a-file", source)
    size = path.stat().st_size
    if size > limit:
        raise PackageError("too-large", source, f"{size} bytes", limit)
    if zipfile.is_zipfile(path):
        return package_from_zip(_read_regular(path, source, limit), source, limit)
    if path.name == DESCRIPTOR:
        return _read_folder(path.parent, source, limit)
    raise PackageError("not-a-package", source)


def _read_regular(path: Path, source: str, limit: int) -> bytes:
    """A regular file's bytes, never more than the limit (it may grow while being read)."""
    if not path.is_file():
        raise PackageError("not-a-file", source, str(path))
    with path.open("rb", buffering=0) as fh:
        # read(n) sets n bytes aside first: ask for the size on disk, then for what came since
        parts = [fh.read(min(limit, os.fstat(fh.fileno()).st_size) + 1)]
        total = len(parts[0])
        while total <= limit and (more := fh.read(min(READ_CHUNK, limit + 1 - total))):
            parts.append(more)
            total += len(more)
    data = parts[0] if len(parts) == 1 else b"".join(parts)
    if len(data) > limit:
        raise PackageError("too-large", source, f"more than {limit} bytes", limit)
    return data


def _read_folder(folder: Path, source: str, limit: int) -> ReportPackage:
    descriptor = None
    if (folder / DESCRIPTOR).is_file():
        _check_total(source, (folder / DESCRIPTOR).stat().st_size, limit)
        descriptor = _parse_descriptor(_read_regular(folder / DESCRIPTOR, source, limit), source)
        wanted = _resource_paths(descriptor, source)
    else:
        wanted = {t: (f"{t}.csv", None) for t in TABLE_NAMES if (folder / f"{t}.csv").is_file()}
        if not wanted:
            raise PackageError("not-a-package", source)
    raw, names, absent, total = {}, {}, {}, 0
    for table, (relative, _) in wanted.items():
        if not _stays_inside(folder, relative):  # a symlink pointing out of the package
            raise PackageError("unsafe-path", source, relative)
        target = folder / relative
        try:
            size = target.stat().st_size
        except FileNotFoundError:
            absent[table] = relative  # reported as a missing table by validation
            continue
        total += size
        _check_total(source, total, limit)
        raw[table], names[table] = _read_regular(target, source, limit), relative
    declared = {t: enc for t, (_, enc) in wanted.items()}
    package = _assemble(source, raw, names, declared, descriptor)
    package.absent = absent if descriptor else {}
    return package


def _stays_inside(folder: Path, relative: str) -> bool:
    """Whether folder/relative (a path without "..") is inside the folder: it is unless a part
    of it is a symbolic link, which is then followed (one lstat per part, instead of resolving
    every folder up to the root for every file)."""
    current = str(folder)
    for part in relative.split("/"):
        current = os.path.join(current, part)
        try:
            is_link = stat.S_ISLNK(os.lstat(current).st_mode)
        except FileNotFoundError:
            return True  # not there: said to be missing
        if is_link:
            return (folder / relative).resolve().is_relative_to(folder.resolve())
    return True


def package_from_zip(data: bytes, source: str, max_bytes: int | None = None) -> ReportPackage:
    """Read a zip of a package, refusing traversal, oversize members and zip bombs."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, EOFError, OSError) as exc:
        raise PackageError("bad-zip", source, str(exc) or type(exc).__name__) from exc
    with archive:
        members = [
            i
            for i in archive.infolist()
            if not i.is_dir() and not i.filename.startswith("__MACOSX/")
        ]
        if len(members) > MAX_ZIP_MEMBERS:
            raise PackageError("zip-bomb", source, f"{len(members)} files")
        limit = max_package_bytes() if max_bytes is None else max_bytes
        declared_size = sum(i.file_size for i in members)
        for info in members:
            if _is_unsafe(info.filename):
                raise PackageError("unsafe-path", source, info.filename)
            if info.file_size > 1_000_000 and info.file_size > MAX_ZIP_RATIO * max(
                info.compress_size, 1
            ):
                raise PackageError(
                    "zip-bomb", source, f"{info.filename}: {info.compress_size} → {info.file_size}"
                )
        if declared_size > limit:
            raise PackageError("zip-bomb", source, f"{declared_size} bytes uncompressed")
        by_name = {_normal(i.filename): i for i in members}

        def read(name: str) -> bytes:
            # The sizes in the zip's headers can lie: never read more than the limit.
            try:
                with archive.open(by_name[name]) as fh:
                    content = fh.read(limit + 1)
            except _MEMBER_ERRORS as exc:  # found only when a member is read
                raise PackageError("bad-zip", source, f"{name}: {_member_fault(exc)}") from exc
            if len(content) > limit:
                raise PackageError("zip-bomb", source, f"{name} expands past {limit} bytes")
            return content

        return _from_names(sorted(by_name), read, source, limit)


def _member_fault(exc: BaseException) -> str:
    if isinstance(exc, RuntimeError):
        return "encrypted (gongkai reads no encrypted zips)"
    if isinstance(exc, NotImplementedError):
        return "compressed with a method other than stored or deflate"
    if isinstance(exc, zlib.error):
        return f"damaged compressed data ({exc})"
    return str(exc) or type(exc).__name__


def package_from_files(files: Mapping[str, bytes], source: str) -> ReportPackage:
    """Read uploaded files (e.g. multipart): reports.csv, proactive.csv, … and datapackage.json."""
    limit = max_package_bytes()
    _check_total(source, sum(len(v) for v in files.values()), limit)
    flat = {PurePosixPath(_normal(k)).name: v for k, v in files.items()}
    return _from_names(sorted(flat), flat.__getitem__, source, limit)


def _from_names(names: list[str], read: Any, source: str, limit: int) -> ReportPackage:
    """Find the package root among member names and read its tables with `read(name)`."""
    descriptors = sorted((n for n in names if PurePosixPath(n).name == DESCRIPTOR), key=len)
    descriptor = None
    if descriptors:
        root = str(PurePosixPath(descriptors[0]).parent)
        descriptor = _parse_descriptor(read(descriptors[0]), source)
        wanted = _resource_paths(descriptor, source)
    else:
        tables = sorted((n for n in names if _table_name(n)), key=len)
        if not tables:
            raise PackageError("not-a-package", source)
        root = str(PurePosixPath(tables[0]).parent)
        wanted = {t: (f"{t}.csv", None) for t in TABLE_NAMES}
    prefix = "" if root == "." else root + "/"
    lookup = {n.lower(): n for n in names}
    raw, file_names, absent, total = {}, {}, {}, 0
    for table, (relative, _) in wanted.items():
        name = lookup.get((prefix + relative).lower())
        if name is None:
            absent[table] = relative
            continue
        raw[table] = read(name)
        file_names[table] = relative
        total += len(raw[table])
        _check_total(source, total, limit)
    declared = {t: enc for t, (_, enc) in wanted.items()}
    package = _assemble(source, raw, file_names, declared, descriptor)
    package.absent = absent if descriptor else {}
    return package
