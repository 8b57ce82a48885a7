"""报送: sign in with the agency's token, choose the agency and year, upload, and get the
receipt or the refusal drawn like the 在线校验 page. The Excel templates download here."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, send_file, url_for
from flask.typing import ResponseReturnValue

from gongkai.filing import FilingRefused, file_package
from gongkai.standard import FORMATS
from gongkai.store.registry import Grant, get_agency
from gongkai.template import build_workbook
from gongkai.uploads import registry_details
from gongkai.web import account
from gongkai.web.context import engine
from gongkai.web.errors import page_errors
from gongkai.web.forms import FileForm, SignInForm, SignOutForm
from gongkai.web.language import text
from gongkai.web.result_view import result_context
from gongkai.web.upload import UnreadableUpload, read_page_upload, submitted

bp = Blueprint("file_page", __name__)
page_errors(bp)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _page(grant: Grant | None, status: int = 200, **context: Any) -> tuple[str, int]:
    if grant is None:
        context.setdefault("sign_in", SignInForm(formdata=None))
        return render_template("file.html", **context), status
    context.setdefault("form", FileForm(formdata=None, year=dt.date.today().year - 1))
    page = render_template(
        "file.html",
        grant=grant,
        agencies=account.agencies_for(grant),
        sign_out=SignOutForm(formdata=None),
        **context,
    )
    return page, status


@bp.get("/file")
def form() -> tuple[str, int]:
    return _page(account.current_grant())


@bp.post("/file/sign-in")
def sign_in() -> ResponseReturnValue:
    try:
        form, passed = submitted(SignInForm)
    except UnreadableUpload as exc:
        return _page(None, exc.status, problem=exc.message)
    if not passed:
        problem = text("form.csrf") if "csrf_token" in form.errors else text("file.token_missing")
        return _page(None, 400, sign_in=form, problem=problem)
    if account.sign_in(form.data["token"]) is None:
        return _page(None, 401, sign_in=form, problem=text("file.token_invalid"))
    return redirect(url_for("file_page.form"), 303)


@bp.post("/file/sign-out")
def sign_out() -> ResponseReturnValue:
    _, passed = submitted(SignOutForm)
    if not passed:
        return _page(account.current_grant(), 400, problem=text("form.csrf"))
    account.sign_out()
    flash(text("file.signed_out"))
    return redirect(url_for("file_page.form"), 303)


@bp.post("/file")
def file() -> ResponseReturnValue:
    grant = account.current_grant()
    if grant is None:  # nothing is read or filed for a browser that is not signed in
        flash(text("file.sign_in_first"))
        return redirect(url_for("file_page.form"), 303)
    try:
        form, passed = submitted(FileForm)
        if not passed:
            csrf = "csrf_token" in form.errors
            problem = text("form.csrf") if csrf else text("file.choose")
            return _page(grant, 400, form=form, problem=problem)
        agency_id, year = form.data["agency_id"], int(form.data["year"])
        with engine().connect() as conn:
            agency = get_agency(conn, agency_id)
        if agency is None or not grant.covers(agency_id, agency["region_code"]):
            return _page(grant, 403, form=form, problem=text("file.forbidden", agency=agency_id))
        upload = read_page_upload(registry_details(agency_id, year, agency))
    except UnreadableUpload as exc:
        return _page(grant, exc.status, problem=exc.message)
    try:
        filed = file_package(
            engine(), upload.package, upload.notes, agency_id, year, agency, grant.id
        )
    except FilingRefused as refused:
        problem = _refusal_text(refused, agency_id, year)
        result = result_context(refused.result, upload.kind)
        return _page(grant, 422, form=form, problem=problem, result=result)
    receipt = filed.receipt
    api_url = url_for("reports.get_report", agency_id=agency_id, year=year, version=receipt.version)
    page_result = result_context(filed.result, upload.kind)
    return _page(
        grant,
        201 if receipt.created else 200,
        form=form,
        receipt=receipt,
        agency=agency,
        api_url=api_url,
        result=page_result,
    )


def _refusal_text(refused: FilingRefused, agency_id: str, year: int) -> str:
    details = refused.details
    if refused.code == "path-mismatch":
        return text(
            "file.path_mismatch",
            said=f"{details['agency_id']} {details['year']}",
            chosen=f"{agency_id} {year}",
        )
    if refused.code == "registry-mismatch":
        found, registry = details["found"], details["registry"]
        said = "; ".join(f"{n}: {found[n]} / {registry[n]}" for n in details["fields"])
        return text("file.registry_mismatch", said=said)
    return text("file.invalid", errors=details["errors"])


@bp.get("/file/template-<fmt>.xlsx")
def template(fmt: str) -> Response:
    """The Excel template of that format, made by gongkai.template."""
    if fmt not in FORMATS:
        abort(404)
    buffer = io.BytesIO()
    build_workbook(fmt).save(buffer)
    buffer.seek(0)
    return send_file(
        buffer, mimetype=XLSX, as_attachment=True, download_name=f"gongkai-template-{fmt}.xlsx"
    )
