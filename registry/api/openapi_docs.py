"""What the OpenAPI document says once for every operation: bearer auth, and the refusals
any operation can give, so that each status a client can meet is listed where it can meet it."""
from __future__ import annotations

from http import HTTPStatus

from apispec import BasePlugin
from werkzeug.routing import IntegerConverter

from schemas.fields import MAX_ID

BEARER = {"type": "http", "scheme": "bearer", "description": "flask --app wsgi registry token create 签发的令牌"}


class StoredIntegerConverter(IntegerConverter):
    """`<int:…>` bounded by what the databases store: a larger id is simply not found (404),
    never an overflow inside the driver, and the bound is published as the parameter's maximum."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):  # noqa: A002 (werkzeug's names)
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class CommonResponses(BasePlugin):
    """Adds to every /api/v1 operation the errors raised before or around its view."""

    EVERY_OPERATION = (
        (HTTPStatus.UNAUTHORIZED, "令牌缺失、无效、已过期或已吊销"),
        (HTTPStatus.FORBIDDEN, "角色无权调用此接口，或无权处理该部门的标准"),
        (HTTPStatus.TOO_MANY_REQUESTS, "来自同一地址的认证失败过多，稍后重试（Retry-After）"),
    )
    WITH_BODY = (
        (HTTPStatus.BAD_REQUEST, "请求体无法解析（不是有效的 JSON 或表单）"),
        (HTTPStatus(413), "请求体超过大小上限"),
        (HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "Content-Type 不是该接口接受的类型"),
    )
    WITH_PATH_PARAMETERS = ((HTTPStatus.NOT_FOUND, "路径所指的标准、版本、审核记录或令牌不存在"),)

    def operation_helper(self, path=None, operations=None, **kwargs):
        if not path or not path.startswith("/api/"):
            return
        for method, operation in operations.items():
            groups = [self.EVERY_OPERATION]
            if method in ("post", "put", "patch"):
                groups.append(self.WITH_BODY)
            if "{" in path:
                groups.append(self.WITH_PATH_PARAMETERS)
            responses = operation.setdefault("responses", {})
            for status, description in (pair for group in groups for pair in group):
                if status.value not in responses and str(status.value) not in responses:
                    responses[str(status.value)] = {"description": description, "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
