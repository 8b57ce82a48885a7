"""A page's upload read as a report package, or a message saying (in the reader's language)
why it cannot be read. Nothing of it is written anywhere."""

from __future__ import annotations

from typing import Any

from flask import current_app, request
from flask_wtf import FlaskForm
from werkzeug.exceptions import RequestEntityTooLarge

from gongkai.package import PackageError
from gongkai.uploads import Upload, UploadedFile, UploadError, read_upload
from gongkai.web.language import current_lang, text


class UnreadableUpload(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _too_large() -> UnreadableUpload:
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    return UnreadableUpload(413, text("upload.too_large", limit=limit))


def submitted(form_class: type[FlaskForm]) -> tuple[FlaskForm, bool]:
    """The posted form and whether it passed (CSRF token included). Reading a form reads the
    whole body, so an oversize upload is refused here already."""
    try:
        form = form_class()
        return form, form.validate_on_submit()
    except RequestEntityTooLarge as exc:
        raise _too_large() from exc


def read_page_upload(known: dict[str, Any] | None = None) -> Upload:
    """The files of the form (`files`, or one input per table) as a package."""
    try:
        files = [
            UploadedFile(name, upload.filename, upload.read())
            for name, upload in request.files.items(multi=True)
        ]
    except RequestEntityTooLarge as exc:
        raise _too_large() from exc
    try:
        return read_upload("upload", "multipart/form-data", request.get_data, files, known)
    except UploadError as exc:
        if exc.code == "no-files":
            raise UnreadableUpload(400, text("upload.no_files")) from exc
        raise UnreadableUpload(exc.status, exc.message(current_lang())) from exc
    except PackageError as exc:
        raise UnreadableUpload(exc.status, exc.message(current_lang())) from exc
