"""Every error the API sends is application/problem+json (RFC 9457), built by `problem()`."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from flask import Flask, Response, g, json, request
from marshmallow import ValidationError
from werkzeug.exceptions import (
    ClientDisconnected,
    HTTPException,
    RequestEntityTooLarge,
    TooManyRequests,
)

from gongkai.api.body_limit import limit_streamed_bodies
from gongkai.package import PackageError
from gongkai.store.db import StatementTimeout
from gongkai.uploads import UploadError

PROBLEM_TYPE = "urn:gongkai:problem:"  # + code; the codes are listed in docs/api.md
# under gunicorn's request-line limit (4094 bytes), which answers a longer line itself with a
# plain-text 414 before the app sees it
MAX_URL_LENGTH = 4000
log = logging.getLogger(__name__)
# the Chinese words of a problem that has none of its own: readers of these reports read Chinese
_ZH_BY_STATUS = {
    400: "请求有误",
    401: "需要有效的令牌",
    403: "无权进行此操作",
    404: "找不到该资源",
    405: "不支持该请求方法",
    406: "无法提供所要求的格式",
    409: "与现有数据冲突",
    413: "请求过大",
    414: "网址过长",
    415: "不支持该内容类型",
    422: "内容无法处理",
    429: "请求过于频繁，请稍后再试",
    431: "请求头过大",
    500: "服务器未能处理该请求",
    503: "服务暂时不可用",
}


class ApiError(Exception):
    """Raised by views for anything but success; becomes one problem body."""

    def __init__(
        self,
        status: int,
        code: str,
        detail: str,
        *,
        headers: dict[str, str] | None = None,
        **extensions: Any,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail
        self.headers = headers or {}
        self.extensions = extensions


def problem(
    status: int,
    code: str,
    detail: str,
    headers: dict[str, str] | None = None,
    **extensions: Any,
) -> Response:
    """The one error response: problem_body() as application/problem+json."""
    body = problem_body(status, code, detail, **extensions)
    response = Response(
        json.dumps(body, ensure_ascii=False), status=status, mimetype="application/problem+json"
    )
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def problem_body(status: int, code: str, detail: str, **extensions: Any) -> dict[str, Any]:
    """The one error body: type, title, status, detail, code, plus extension members (also
    what the server writes for requests it refuses before the app sees them); a `message_zh`
    always (a generic one by status when the caller has none)."""
    if "message_zh" not in extensions:
        zh = _ZH_BY_STATUS.get(status, HTTPStatus(status).phrase)
        extensions["message_zh"] = zh if status >= 500 else f"{zh}（{detail}）"
    return {
        "type": PROBLEM_TYPE + code,
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "code": code,
        **extensions,
    }


def argument_error(exc: ValidationError) -> ApiError:
    """A 400 naming the first bad query argument (all of them are in `errors`)."""
    messages = exc.messages if isinstance(exc.messages, dict) else {"_": exc.messages}
    name = sorted(messages)[0]
    text = messages[name]
    text = "; ".join(map(str, text)) if isinstance(text, list) else str(text)
    return ApiError(
        400,
        "bad-argument",
        f"query argument {name!r}: {text}",
        message_zh=f"查询参数 {name} 有误：{text}",
        argument=name,
        errors=messages,
    )


def _has_nul() -> bool:
    """A NUL anywhere in the path or the query: PostgreSQL cannot store or compare it."""
    if "\0" in request.path:
        return True
    return any("\0" in k or "\0" in v for k, vs in request.args.lists() for v in [k, *vs])


def register(app: Flask) -> None:
    limit_streamed_bodies(app)  # a chunked body past the limit is a 413 too

    @app.before_request
    def _nul_character() -> None:
        if _has_nul():
            raise ApiError(
                400,
                "nul-character",
                "the URL holds a NUL character (%00), which no name or value may contain",
                message_zh="网址中含有空字符（%00），任何名称或取值都不能包含它",
            )

    @app.before_request
    def _url_length() -> None:
        if len(request.full_path) > MAX_URL_LENGTH:
            raise ApiError(
                414,
                "uri-too-long",
                f"the URL is longer than {MAX_URL_LENGTH} characters",
                message_zh=f"网址超过 {MAX_URL_LENGTH} 个字符的上限",
            )

    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError) -> Response:
        return problem(exc.status, exc.code, exc.detail, exc.headers, **exc.extensions)

    @app.errorhandler(ValidationError)
    def _arguments(exc: ValidationError) -> Response:
        return _api_error(argument_error(exc))

    @app.errorhandler(PackageError)
    def _package(exc: PackageError) -> Response:
        return problem(exc.status, exc.code, exc.message("en"), message_zh=exc.message("zh"))

    @app.errorhandler(UploadError)
    def _upload(exc: UploadError) -> Response:
        return problem(exc.status, exc.code, exc.en, message_zh=exc.zh, **exc.extra)

    @app.errorhandler(RequestEntityTooLarge)
    def _too_large(exc: RequestEntityTooLarge) -> Response:
        limit = app.config.get("MAX_CONTENT_LENGTH")
        return problem(
            413,
            "too-large",
            f"the request body is larger than {limit} bytes",
            limit=limit,
            message_zh=f"请求体超过 {limit} 字节的上限",
        )

    @app.errorhandler(TooManyRequests)
    def _too_many(exc: TooManyRequests) -> Response:
        seconds = int(g.get("retry_after", 60))  # left by the rate limiter (api/limits.py)
        return problem(
            429,
            "too-many-requests",
            f"too many requests of this kind ({exc.description}); try again in {seconds} s",
            {"Retry-After": str(seconds)},
            retry_after=seconds,
            message_zh=f"此类请求过于频繁（上限 {exc.description}），请 {seconds} 秒后再试",
        )

    @app.errorhandler(StatementTimeout)
    def _statement_timeout(exc: StatementTimeout) -> Response:
        return problem(
            503,
            "statement-timeout",
            f"the database did not answer within {exc.seconds:g} s; narrow the request "
            "(a region, a year) or try again later",
            {"Retry-After": "30"},
            message_zh=f"数据库未能在 {exc.seconds:g} 秒内完成查询；"
            "请缩小范围（地区、年度）或稍后再试",
        )

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Response:
        status = exc.code or 500
        headers = {}
        if status == 405 and exc.valid_methods:  # type: ignore[attr-defined]
            headers["Allow"] = ", ".join(exc.valid_methods)  # type: ignore[attr-defined]
        code = HTTPStatus(status).phrase.lower().replace(" ", "-")
        return problem(status, code, exc.description or HTTPStatus(status).description, headers)

    @app.errorhandler(ClientDisconnected)
    def _body_cut_short(exc: ClientDisconnected) -> Response:
        if isinstance(exc.__context__, TimeoutError):  # the server's GONGKAI_BODY_TIMEOUT
            return problem(
                408,
                "request-timeout",
                "the request body stopped arriving; nothing was stored",
                message_zh="请求体未能按时发送完毕，未保存任何内容",
            )
        return _http(exc)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        log.exception("unhandled error")
        return problem(500, "internal-error", "the server failed to answer this request")
