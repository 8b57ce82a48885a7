"""在线校验: the form, the result in Chinese (English when switched) with every issue linked
to its marked cell, workbooks named by sheet cell, CSRF refusals; nothing stored."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import Engine, func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from conftest_db import DATASETS, zip_folder
from gongkai.store.tables import filings, rejections
from gongkai.template import SHEETS
from tests.paths import DATA
from tests.web.forms import csrf_token

HONGZE_2023 = DATA / "hongze-2023-as-printed"


def _post(client: FlaskClient, files: dict, token: str | None = None, lang: str = "") -> str:
    data = {"csrf_token": token or csrf_token(client, "/validate"), **files}
    r = client.post(f"/validate{lang}", data=data, content_type="multipart/form-data")
    return r


def _stored(engine: Engine) -> int:
    with engine.connect() as conn:
        return sum(
            conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in (filings, rejections)
        )


def test_the_form_works_without_javascript(client: FlaskClient) -> None:
    r = client.get("/validate")
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "<h1>在线校验</h1>" in html
    form = re.search(r"<form[^>]*>", html)
    assert form and 'method="post"' in form.group(0)
    assert 'enctype="multipart/form-data"' in form.group(0)
    assert '<input type="file" id="files" name="files" multiple accept=".zip,.csv,.xlsx">' in html
    for table in ("reports", "proactive", "applications", "reviews"):
        assert f'name="{table}"' in html
    assert 'href="/file/template-2021.xlsx"' in html


def test_the_broken_hongze_zip_marks_the_two_reviews_cells(
    client: FlaskClient, engine: Engine
) -> None:
    r = _post(client, {"files": (io.BytesIO(zip_folder(HONGZE_2023)), "hongze.zip")})
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "未通过：有错误" in html and "2 个错误，0 个警告（2021 格式）" in html
    marked = re.findall(r'<td id="(cell-[^"]+)"[^>]*class="num marked error"', html)
    assert marked == ["cell-reviews-review_total", "cell-reviews-suit_after_review_total"]
    links = re.findall(r'<a class="place" href="#(cell-[^"]+)">', html)
    assert links == marked
    assert html.count('<span class="code">t4-total</span>') == 2
    assert "总计为 0，但结果维持、结果纠正、其他结果、尚未审结之和为 11" in html
    cell = re.search(r'<td id="cell-reviews-review_total"[^>]*>', html)
    assert cell and "[t4-total] reviews.csv，第2行" in cell.group(0)
    assert _stored(engine) == 0


def test_english_when_switched(client: FlaskClient) -> None:
    token = csrf_token(client, "/validate?lang=en")
    r = _post(client, {"files": (io.BytesIO(zip_folder(HONGZE_2023)), "h.zip")}, token)
    html = r.get_data(as_text=True)
    assert '<html lang="en">' in html and "Invalid: there are errors" in html
    assert "total is 0 but upheld + corrected + other + pending is 11" in html


def test_valid_csvs_with_any_names_one_input_per_table(client: FlaskClient) -> None:
    folder = DATASETS / "huaian-city-2024"
    files = {
        p.stem: (io.BytesIO(p.read_bytes()), f"{p.stem}-淮安.csv") for p in folder.glob("*.csv")
    }
    html = _post(client, files).get_data(as_text=True)
    assert "通过：没有错误" in html
    total = re.search(r'<td id="cell-applications-new_received-total"[^>]*>(\d+)</td>', html)
    assert total and total.group(1) == "3119"


def test_a_workbook_names_the_sheet_cell(client: FlaskClient, tmp_path: Path) -> None:
    from tests.api.test_validate import workbook_with_details

    data = workbook_with_details(tmp_path, {f"{SHEETS['applications']}!J7": 1363})
    html = _post(client, {"files": (io.BytesIO(data), "淮安.xlsx")}).get_data(as_text=True)
    assert "未通过：有错误" in html
    places = re.findall(
        r'<a class="place" href="#cell-applications-granted-total">([^<]+)</a>', html
    )
    assert places and places[0] == "表三 J7（三、本年度办理结果（一）予以公开 · 总计）"
    messages = re.findall(r'<div class="message">([^<]+)</div>', html)
    assert any(m.startswith("表三 J7（") and "applications.csv" not in m for m in messages)


def test_unreadable_uploads_are_explained_in_chinese(client: FlaskClient) -> None:
    r = _post(client, {"files": (io.BytesIO(b"not a zip"), "x.zip")})
    assert r.status_code == 400 and "不是有效的 zip 文件" in r.get_data(as_text=True)
    r = _post(client, {})
    assert r.status_code == 400 and "请选择要上传的文件。" in r.get_data(as_text=True)
    # built as bytes: the test client would spool a large multipart body to an unclosed file
    fields = {"csrf_token": csrf_token(client, "/validate")}
    fields |= {"files": FileStorage(io.BytesIO(b"x" * 2_100_000), "big.zip")}
    boundary, body = encode_multipart(fields)
    r = client.post(
        "/validate", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert r.status_code == 413 and "上传的文件过大" in r.get_data(as_text=True)


def test_a_post_without_the_csrf_token_is_refused(client: FlaskClient, engine: Engine) -> None:
    files = {"files": (io.BytesIO(zip_folder(HONGZE_2023)), "h.zip")}
    r = client.post("/validate", data=files, content_type="multipart/form-data")
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    assert "表单已失效（安全校验未通过）" in html and "校验结果" not in html
    r = _post(client, {"files": (io.BytesIO(zip_folder(HONGZE_2023)), "h.zip")}, "forged")
    assert r.status_code == 400 and "校验结果" not in r.get_data(as_text=True)


def test_a_failure_inside_the_page_is_a_page(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("gongkai.web.validate.check_upload", fail)
    r = _post(client, {"files": (io.BytesIO(zip_folder(HONGZE_2023)), "h.zip")})
    assert r.status_code == 500 and r.mimetype == "text/html"
    html = r.get_data(as_text=True)
    assert "服务器处理出错，请稍后再试；问题已记录。" in html and "boom" not in html


def test_many_warnings_are_folded_under_the_errors(client: FlaskClient) -> None:
    folder = DATASETS / "wutongqiao-transport-2022"
    files = {p.stem: (io.BytesIO(p.read_bytes()), p.name) for p in folder.glob("*.csv")}
    html = _post(client, files).get_data(as_text=True)
    assert "通过：没有错误" in html
    folded = re.search(
        r'<details class="other-issues"( open)?>\s*<summary>警告和说明（(\d+) 条）', html
    )
    assert folded and int(folded.group(2)) > 5
    assert folded.group(1) is None  # folded: the tables stay near the top
    assert html.count('<li class="warning">') == int(folded.group(2))
