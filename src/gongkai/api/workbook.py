"""Uploads in a request: the multipart files handed to gongkai.uploads, which reads zips,
CSV files and filled Excel templates for the filing and validation endpoints alike."""

from __future__ import annotations

from flask import request

from gongkai.uploads import XLSX_TYPE, UploadedFile

__all__ = ["XLSX_TYPE", "request_files"]


def request_files() -> list[UploadedFile]:
    """The request's multipart files (none for a zip or workbook sent as the body)."""
    if request.mimetype != "multipart/form-data":
        return []
    files = []
    for name, upload in request.files.items(multi=True):
        try:
            files.append(UploadedFile(name, upload.filename, upload.read()))
        finally:
            upload.close()  # a large part is spooled to a temporary file: close it at once
    return files
