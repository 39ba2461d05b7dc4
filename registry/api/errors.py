"""The one place where errors become HTTP responses: {code, status, message, errors?}."""
from __future__ import annotations

import logging

from flask import Flask, g, jsonify
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException, InternalServerError

from registry.db_faults import describe, storage_fault
from registry.errors import DomainError, Unauthorized

log = logging.getLogger(__name__)

# Machine code and Chinese message for the HTTP errors raised outside our services.
_HTTP_ERRORS = {
    400: ("bad_request", "请求无法解析：请求体应为有效的 JSON（UTF-8）"),
    401: ("unauthorized", "需要身份认证"),
    403: ("forbidden", "没有权限执行此操作"),
    404: ("not_found", "没有这个地址，请查看 /docs 中的 API 列表"),
    405: ("method_not_allowed", "该地址不支持此 HTTP 方法"),
    413: ("payload_too_large", "请求体过大"),
    415: ("unsupported_media_type", "请求体应为 JSON，请设置 Content-Type: application/json"),
    422: ("validation_failed", "请求参数有误，请按 errors 中的字段路径修改"),
    428: ("precondition_required", "缺少前置条件请求头"),
}


def error_body(status: int, code: str, message: str, errors: dict | None = None) -> dict:
    body = {"code": code, "status": status, "message": message}
    if errors:
        body["errors"] = errors
    if "request_id" in g:
        body["request_id"] = g.request_id
    return body


def flatten(messages, prefix: str = "") -> dict[str, list[str]]:
    """{"items": {0: {"max": ["…"]}}} → {"items.0.max": ["…"]}: one path per problem."""
    if isinstance(messages, dict):
        flat: dict[str, list[str]] = {}
        for key, value in messages.items():
            flat.update(flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        return {prefix or "_schema": messages}
    return {prefix or "_schema": [str(messages)]}


def _webargs_errors(error: HTTPException) -> dict | None:
    data = getattr(error, "data", None) or {}
    messages = data.get("errors") or data.get("messages")
    if not messages:
        return None
    # webargs nests by location ("json", "query", …); the field path is what people need.
    if isinstance(messages, dict) and set(messages) <= {"json", "query", "form", "files", "headers", "path", "view_args"}:
        merged: dict = {}
        for value in messages.values():
            merged.update(flatten(value))
        return merged
    return flatten(messages)


def handle_domain_error(error: DomainError):
    response = jsonify(error_body(error.status, error.code, error.message, error.errors) | error.extra)
    response.status_code = error.status
    if isinstance(error, Unauthorized):
        response.headers["WWW-Authenticate"] = 'Bearer realm="standards-registry"'
    response.headers.update(getattr(error, "headers", {}))  # e.g. Retry-After on 429
    return response


def handle_http_exception(error: HTTPException):
    if isinstance(error, InternalServerError):
        return handle_unexpected(getattr(error, "original_exception", None) or error)
    status = error.code or 500
    code, message = _HTTP_ERRORS.get(status, (error.name.lower().replace(" ", "_"), error.description))
    data = getattr(error, "data", None) or {}
    message = data.get("message", message)
    response = jsonify(error_body(status, code, message, _webargs_errors(error)))
    response.status_code = status
    for name, value in (data.get("headers") or {}).items():
        response.headers[name] = value
    if getattr(error, "valid_methods", None):
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


def handle_database_error(error: DBAPIError):
    """A storage fault (database down, read-only, full) is a 503/507; any other driver error a 500."""
    fault = storage_fault(error)
    if fault is None:
        return handle_unexpected(error)
    log.warning("storage fault: %s → %s", describe(error), fault.code)
    return handle_domain_error(fault)


def handle_unexpected(error: BaseException):
    log.exception("unhandled error", exc_info=error)
    body = error_body(500, "internal_error", "服务器内部错误，已记录；请把 request_id 告知管理员")
    return jsonify(body), 500


def init_app(app: Flask) -> None:
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(DBAPIError, handle_database_error)
    app.register_error_handler(Exception, handle_unexpected)
