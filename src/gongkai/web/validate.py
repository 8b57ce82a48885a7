"""在线校验: upload a zip, the four CSVs or the filled Excel template and see every issue on
the tables drawn as printed. No sign-in; nothing is stored."""

from __future__ import annotations

from flask import Blueprint, render_template

from gongkai.checking import check_upload
from gongkai.web.context import engine
from gongkai.web.errors import page_errors
from gongkai.web.forms import UploadForm
from gongkai.web.language import text
from gongkai.web.result_view import result_context
from gongkai.web.upload import UnreadableUpload, read_page_upload, submitted

bp = Blueprint("validate_page", __name__)
page_errors(bp)


@bp.get("/validate")
def form() -> str:
    return render_template("validate.html", form=UploadForm())


@bp.post("/validate")
def check() -> tuple[str, int]:
    try:
        form, passed = submitted(UploadForm)
        if not passed:
            return render_template("validate.html", form=form, problem=text("form.csrf")), 400
        upload = read_page_upload()
    except UnreadableUpload as exc:
        return render_template(
            "validate.html", form=UploadForm(formdata=None), problem=exc.message
        ), exc.status
    result = check_upload(engine(), upload.package, upload.notes)
    page = render_template("validate.html", form=form, result=result_context(result, upload.kind))
    return page, 200
