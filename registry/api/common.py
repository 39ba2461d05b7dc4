"""What every blueprint shares: the argument parser, commits, the If-Match parameter."""
from __future__ import annotations

import json
from decimal import Decimal
from functools import wraps

import flask_smorest
from flask import abort
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request

from registry.db import commit, request_session


class Parser(FlaskParser):
    """JSON numbers are parsed as Decimal, so no amount ever passes through a float.

    Unknown body keys and query parameters are refused (the schemas say RAISE): a
    misspelt filter must not silently return everything.
    """

    DEFAULT_UNKNOWN_BY_LOCATION = {**FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION, "query": None, "json": None}

    def _raw_load_json(self, req):
        if not is_json_request(req):
            if req.get_data(cache=True):
                abort(415)
            return core.missing
        return json.loads(req.get_data(cache=True).decode("utf-8"), parse_float=Decimal)


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = Parser()


def transactional(view):
    """Commit the request's unit of work when the view returns without error."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        result = view(*args, **kwargs)
        commit(request_session())
        return result

    return wrapper


IF_MATCH = {
    "in": "header", "name": "If-Match", "required": True,
    "description": "GET 该版本时返回的 ETag；缺少 → 428，已过期 → 412",
    "schema": {"type": "string"},
}
