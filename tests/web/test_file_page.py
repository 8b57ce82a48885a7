"""报送: sign in with a token (session cookie), CSRF on every form, file and get the receipt
or the refusal drawn like 在线校验, the templates, sign out; signed out, nothing is filed."""

from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl
from flask.testing import FlaskClient
from sqlalchemy import Engine, func, select

from conftest_db import DATASETS, registry_row, zip_folder
from gongkai.package import read_package
from gongkai.store.registry import create_token, load_agencies, revoke_token
from gongkai.store.tables import filings, rejections
from gongkai.template import SHEETS
from gongkai.validation import validate
from tests.paths import DATA
from tests.web.forms import csrf_token

HONGZE = "320813-hongze-government"
HONGZE_2024 = DATASETS / "hongze-district-2024"
HONGZE_2023 = DATA / "hongze-2023-as-printed"


def _register(engine: Engine, kind: str = "agency", scope: str | None = HONGZE) -> str:
    load_agencies(engine, [registry_row(validate(read_package(HONGZE_2024)).tables)])
    return create_token(engine, kind, scope)[1]


def _count(engine: Engine, table: object) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()  # type: ignore[arg-type]


def _sign_in(client: FlaskClient, token: str) -> None:
    r = client.post(
        "/file/sign-in", data={"csrf_token": csrf_token(client, "/file"), "token": token}
    )
    assert r.status_code == 303 and r.headers["Location"] == "/file"


def _file(client: FlaskClient, folder: Path, year: int, agency: str = HONGZE) -> tuple[int, str]:
    data = {
        "csrf_token": csrf_token(client, "/file"),
        "agency_id": agency,
        "year": str(year),
        "files": (io.BytesIO(zip_folder(folder)), f"{folder.name}.zip"),
    }
    r = client.post("/file", data=data, content_type="multipart/form-data")
    return r.status_code, r.get_data(as_text=True)


def test_signed_out_the_page_asks_for_the_token(client: FlaskClient) -> None:
    r = client.get("/file")
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "<h1>报送年度报告</h1>" in html
    assert 'type="password" id="token" name="token"' in html
    assert 'name="agency_id"' not in html  # no filing form before signing in
    assert 'href="/file/template-2021.xlsx"' in html and 'href="/file/template-2019.xlsx"' in html


def test_a_signed_out_filing_attempt_files_nothing(client: FlaskClient, engine: Engine) -> None:
    _register(engine)
    data = {
        "agency_id": HONGZE,
        "year": "2024",
        "files": (io.BytesIO(zip_folder(HONGZE_2024)), "h.zip"),
    }
    r = client.post("/file", data=data, content_type="multipart/form-data")
    assert r.status_code == 303 and r.headers["Location"] == "/file"
    page = client.get("/file").get_data(as_text=True)
    assert "请先登录，再报送。未报送任何内容。" in page and 'name="token"' in page
    assert _count(engine, filings) == 0 and _count(engine, rejections) == 0


def test_sign_in_sets_a_secure_session_cookie(client: FlaskClient, engine: Engine) -> None:
    token = _register(engine)
    r = client.post(
        "/file/sign-in", data={"csrf_token": csrf_token(client, "/file"), "token": token}
    )
    cookie = r.headers["Set-Cookie"]
    assert cookie.startswith("gongkai_session=")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    page = client.get("/file").get_data(as_text=True)
    assert "已登录：机关令牌 320813-hongze-government" in page
    assert f'<option value="{HONGZE}"' in page
    over_https = client.post(
        "/file/sign-in",
        data={"csrf_token": csrf_token(client, "/file"), "token": token},
        base_url="https://localhost",
    )
    assert "Secure" in over_https.headers["Set-Cookie"]


def test_a_wrong_token_is_refused_in_chinese(client: FlaskClient, engine: Engine) -> None:
    _register(engine)
    r = client.post(
        "/file/sign-in", data={"csrf_token": csrf_token(client, "/file"), "token": "gk_nope"}
    )
    assert r.status_code == 401 and "令牌无效或已被吊销。" in r.get_data(as_text=True)
    r = client.post("/file/sign-in", data={"csrf_token": csrf_token(client, "/file"), "token": ""})
    assert r.status_code == 400 and "请输入报送令牌。" in r.get_data(as_text=True)


def test_every_form_refuses_a_missing_or_forged_csrf_token(
    client: FlaskClient, engine: Engine
) -> None:
    token = _register(engine)
    r = client.post("/file/sign-in", data={"token": token})
    assert r.status_code == 400 and "表单已失效" in r.get_data(as_text=True)
    assert "已登录" not in client.get("/file").get_data(as_text=True)
    _sign_in(client, token)
    data = {"csrf_token": "forged", "agency_id": HONGZE, "year": "2024"}
    data |= {"files": (io.BytesIO(zip_folder(HONGZE_2024)), "h.zip")}
    r = client.post("/file", data=data, content_type="multipart/form-data")
    assert r.status_code == 400 and "表单已失效" in r.get_data(as_text=True)
    assert _count(engine, filings) == 0
    r = client.post("/file/sign-out", data={})
    assert r.status_code == 400 and "已登录" in r.get_data(as_text=True)  # still signed in


def test_file_a_valid_package_and_get_the_receipt(client: FlaskClient, engine: Engine) -> None:
    _sign_in(client, _register(engine))
    status, html = _file(client, HONGZE_2024, 2024)
    assert status == 201
    assert "已报送：保存为第 1 版" in html
    sha = read_package(HONGZE_2024).sha256
    assert f'<code id="receipt-sha256">{sha}</code>' in html
    assert re.search(
        r"<dd>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d 北京时间</dd>", html
    )  # as on the agency page
    assert f'href="/api/v1/agencies/{HONGZE}/reports/2024?version=1"' in html
    assert _count(engine, filings) == 1
    status, html = _file(client, HONGZE_2024, 2024)  # the same again: no new version
    assert status == 200 and "与当前第 1 版内容相同，未新建版本" in html
    assert _count(engine, filings) == 1


def test_an_invalid_package_is_refused_and_drawn(client: FlaskClient, engine: Engine) -> None:
    _sign_in(client, _register(engine))
    status, html = _file(client, HONGZE_2023, 2023)
    assert status == 422
    assert "未保存：报告包有 2 个错误，逐条见下方。" in html
    marked = re.findall(r'<td id="(cell-[^"]+)"[^>]*class="num marked error"', html)
    assert marked == ["cell-reviews-review_total", "cell-reviews-suit_after_review_total"]
    assert _count(engine, filings) == 0 and _count(engine, rejections) == 1


def test_the_year_chosen_must_be_the_packages(client: FlaskClient, engine: Engine) -> None:
    _sign_in(client, _register(engine))
    status, html = _file(client, HONGZE_2024, 2023)
    assert status == 422
    assert f"reports.csv 填写的是 {HONGZE} 2024，与所选的 {HONGZE} 2023 不一致" in html
    assert _count(engine, filings) == 0


def test_an_agency_the_token_does_not_cover(client: FlaskClient, engine: Engine) -> None:
    token = _register(engine, "region", "320900")  # 盐城: not 洪泽
    _sign_in(client, token)
    page = client.get("/file").get_data(as_text=True)
    assert f'<option value="{HONGZE}"' not in page
    status, html = _file(client, HONGZE_2024, 2024)
    assert status == 403 and f"此令牌无权为机关 {HONGZE} 报送。" in html
    assert _count(engine, filings) == 0


def test_a_revoked_token_signs_the_browser_out(client: FlaskClient, engine: Engine) -> None:
    token = _register(engine)
    _sign_in(client, token)
    revoke_token(engine, token)
    status, _ = _file(client, HONGZE_2024, 2024)
    assert status == 303
    assert _count(engine, filings) == 0


def test_sign_out(client: FlaskClient, engine: Engine) -> None:
    _sign_in(client, _register(engine))
    r = client.post("/file/sign-out", data={"csrf_token": csrf_token(client, "/file")})
    assert r.status_code == 303
    page = client.get("/file").get_data(as_text=True)
    assert "已退出。" in page and 'name="token"' in page and "已登录" not in page


def test_the_templates_download(client: FlaskClient) -> None:
    for fmt, items in (("2021", 25), ("2019", 23)):
        r = client.get(f"/file/template-{fmt}.xlsx")
        assert r.status_code == 200
        assert r.headers["Content-Disposition"] == (
            f"attachment; filename=gongkai-template-{fmt}.xlsx"
        )
        wb = openpyxl.load_workbook(io.BytesIO(r.data))
        assert wb.sheetnames[1:] == list(SHEETS.values())
        assert wb[SHEETS["applications"]].max_row == 4 + items
    assert client.get("/file/template-2020.xlsx").status_code == 404
