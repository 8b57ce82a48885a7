"""Read a report package from a folder, a datapackage.json, a zip, or uploaded files.

Whatever the shape, the result is the same: the four tables' CSV text as UTF-8 bytes,
with the encoding they came in noted. Unsafe input is refused with a PackageError
before anything is parsed: paths leaving the package, oversize files, zip bombs.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path, PurePosixPath
from typing import Any

from gongkai.package.encoding import decode_csv
from gongkai.package.errors import PackageError
from gongkai.standard import TABLE_NAMES

DESCRIPTOR = "datapackage.json"
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
MAX_ZIP_MEMBERS = 200
MAX_ZIP_RATIO = 200  # a CSV compresses ~5-20x; hundreds of times is a bomb
# Excel and editors leave empty lines (or lines of bare commas) at the end: no data, no error.
_TRAILING_EMPTY_LINES = re.compile(r"(?:\r?\n[ \t,]*)+\Z")


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
    return ".." in PurePosixPath(path.replace("\\", "/")).parts


def _normal(path: str) -> str:
    """A member or resource path as POSIX without "./": Windows tools write "dir\\file.csv"."""
    return str(PurePosixPath(path.replace("\\", "/")))


def _table_name(file_name: str) -> str | None:
    stem = PurePosixPath(file_name.replace("\\", "/")).name
    if stem.lower().endswith(".csv") and stem[:-4].lower() in TABLE_NAMES:
        return stem[:-4].lower()
    return None


def _parse_descriptor(data: bytes, source: str) -> dict[str, Any]:
    try:
        descriptor = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PackageError("bad-descriptor", source, str(exc)) from exc
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources", []), list):
        raise PackageError("bad-descriptor", source, "expected an object with a resources list")
    return descriptor


def _resource_paths(descriptor: dict[str, Any], source: str) -> dict[str, tuple[str, str | None]]:
    """table -> (relative path, declared encoding) for the resources the standard knows."""
    found: dict[str, tuple[str, str | None]] = {}
    for resource in descriptor.get("resources", []):
        if not isinstance(resource, dict) or resource.get("name") not in TABLE_NAMES:
            continue
        path = resource.get("path")
        if not isinstance(path, str):
            raise PackageError(
                "bad-descriptor", source, f"resource {resource['name']}: path must be one string"
            )
        if _is_unsafe(path):
            raise PackageError("unsafe-path", source, path)
        found[resource["name"]] = (_normal(path), resource.get("encoding"))
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
        decoded = decode_csv(data, declared.get(table))
        if decoded is None:
            undecodable.append(table)
            continue
        text, encoding = decoded
        package.files[table] = _TRAILING_EMPTY_LINES.sub("\n", text).encode("utf-8")
        package.encodings[table] = encoding
    package.undecodable = tuple(undecodable)
    return package


def _check_total(source: str, total: int) -> None:
    limit = max_package_bytes()
    if total > limit:
        raise PackageError("too-large", source, f"{total} bytes", limit)


def read_package(path: str | os.PathLike[str]) -> ReportPackage:
    """Read a package folder, its datapackage.json, a zip of it, or a folder of the CSVs."""
    path = Path(path)
    source = str(path)
    if not path.exists():
        raise PackageError("not-found", source)
    if path.is_file():
        if path.stat().st_size > max_package_bytes():
            raise PackageError(
                "too-large", source, f"{path.stat().st_size} bytes", max_package_bytes()
            )
        if zipfile.is_zipfile(path):
            return package_from_zip(path.read_bytes(), source)
        if path.name == DESCRIPTOR:
            return _read_folder(path.parent, source)
        raise PackageError("not-a-package", source)
    return _read_folder(path, source)


def _read_folder(folder: Path, source: str) -> ReportPackage:
    descriptor = None
    if (folder / DESCRIPTOR).is_file():
        _check_total(source, (folder / DESCRIPTOR).stat().st_size)
        descriptor = _parse_descriptor((folder / DESCRIPTOR).read_bytes(), source)
        wanted = _resource_paths(descriptor, source)
    else:
        wanted = {t: (f"{t}.csv", None) for t in TABLE_NAMES if (folder / f"{t}.csv").is_file()}
        if not wanted:
            raise PackageError("not-a-package", source)
    root = folder.resolve()
    raw, names, absent, total = {}, {}, {}, 0
    for table, (relative, _) in wanted.items():
        target = (folder / relative).resolve()
        if not target.is_relative_to(root):  # a symlink pointing out of the package
            raise PackageError("unsafe-path", source, relative)
        if not target.is_file():
            absent[table] = relative  # reported as a missing table by validation
            continue
        total += target.stat().st_size
        _check_total(source, total)
        raw[table], names[table] = target.read_bytes(), relative
    declared = {t: enc for t, (_, enc) in wanted.items()}
    package = _assemble(source, raw, names, declared, descriptor)
    package.absent = absent if descriptor else {}
    return package


def package_from_zip(data: bytes, source: str) -> ReportPackage:
    """Read a zip of a package, refusing traversal, oversize members and zip bombs."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise PackageError("bad-zip", source, str(exc)) from exc
    with archive:
        members = [
            i
            for i in archive.infolist()
            if not i.is_dir() and not i.filename.startswith("__MACOSX/")
        ]
        if len(members) > MAX_ZIP_MEMBERS:
            raise PackageError("zip-bomb", source, f"{len(members)} files")
        limit = max_package_bytes()
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
            with archive.open(by_name[name]) as fh:
                content = fh.read(limit + 1)
            if len(content) > limit:
                raise PackageError("zip-bomb", source, f"{name} expands past {limit} bytes")
            return content

        return _from_names(sorted(by_name), read, source)


def package_from_files(files: Mapping[str, bytes], source: str) -> ReportPackage:
    """Read uploaded files (e.g. multipart): reports.csv, proactive.csv, … and datapackage.json."""
    _check_total(source, sum(len(v) for v in files.values()))
    flat = {PurePosixPath(_normal(k)).name: v for k, v in files.items()}
    return _from_names(sorted(flat), flat.__getitem__, source)


def _from_names(names: list[str], read: Any, source: str) -> ReportPackage:
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
        _check_total(source, total)
    declared = {t: enc for t, (_, enc) in wanted.items()}
    package = _assemble(source, raw, file_names, declared, descriptor)
    package.absent = absent if descriptor else {}
    return package
