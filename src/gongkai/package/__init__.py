"""Report packages in and out: reading folders, zips and uploads safely; writing packages."""

from gongkai.package.errors import PackageError
from gongkai.package.reader import (
    ReportPackage,
    max_package_bytes,
    package_from_files,
    package_from_zip,
    read_package,
)
from gongkai.package.writer import format_cell, package_files, package_zip_bytes, write_package

__all__ = [
    "PackageError",
    "ReportPackage",
    "format_cell",
    "max_package_bytes",
    "package_files",
    "package_from_files",
    "package_from_zip",
    "package_zip_bytes",
    "read_package",
    "write_package",
]
