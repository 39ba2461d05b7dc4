"""The REST API: flask-smorest blueprints under /api/v1, OpenAPI at /openapi.json, UI at /docs."""
from __future__ import annotations

from pathlib import Path

import swagger_ui_bundle
from flask import Flask, send_from_directory
from flask_smorest import Api

from registry.api import (
    compare, errors, health, imports, search, standards, sync, taxonomy, tokens, versions, workflow,
)
from registry.api.openapi_docs import BEARER, CommonResponses, StoredIntegerConverter
from schemas.common import ErrorSchema
from schemas.fields import Amount


class RegistryApi(Api):
    ERROR_SCHEMA = ErrorSchema  # documents our error shape on every default error response


def init_app(app: Flask) -> Api:
    # Swagger UI is served from the installed package: the bureau's network may not reach a CDN.
    app.config.setdefault("OPENAPI_SWAGGER_UI_URL", "/docs/assets/")
    app.url_map.converters["int"] = StoredIntegerConverter  # before any route is added
    api = RegistryApi(app, spec_kwargs={"info": {"description": _DESCRIPTION}, "security": [{"bearer": []}],
                                        "extra_plugins": [CommonResponses()]})
    api.spec.components.security_scheme("bearer", BEARER)
    api.register_field(Amount, None, None)  # its own anyOf says "decimal string or JSON number"
    for module in (health, taxonomy, standards, versions, workflow, imports, search, compare, sync, tokens):
        api.register_blueprint(module.blp)
    compare.register_docs(api)
    errors.init_app(app)  # after Api: ours replace flask-smorest's default handler

    assets = Path(swagger_ui_bundle.swagger_ui_path)

    @app.get("/docs/assets/<path:filename>")
    def swagger_assets(filename: str):
        return send_from_directory(assets, filename)

    return api


_DESCRIPTION = (
    "青浦区成本预算绩效管理“三个标准”（公共服务标准、成本定额标准、财政支出标准）的登记、版本管理与查询接口。"
    " 金额以字符串表示的精确小数返回；日期为 YYYY-MM-DD；错误统一为 {code, status, message, errors?}。"
)
