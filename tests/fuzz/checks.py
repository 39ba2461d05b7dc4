"""Checks beyond schemathesis' own, each stricter than the built-in it sits beside.

- `status_documented_explicitly`: schemathesis accepts any status when an operation has a
  `default` response, and flask-smorest gives every operation one. Here a status counts as
  documented only when the operation lists it, so every 4xx a client can meet is in the docs.
- `schema_valid_input_accepted_by_schemas`: replaces `positive_data_acceptance`, which refuses
  every 422. A schema-valid request may still be refused for a domain reason (an unknown
  category, a period that ends before it starts) — each such refusal has its own machine code.
  What it must never get is the generic codes of the parsing layer: those mean the schema
  layer refused what the published document allows, i.e. the document is wrong.
"""
from __future__ import annotations

import re

from schemathesis import CheckContext, Case, Response
from schemathesis.specs.openapi.checks import is_unexpected_http_status_case

# The codes registry.api.errors gives when the request could not be parsed or failed the schemas.
PARSING_LAYER_CODES = frozenset({"validation_failed", "bad_request", "unsupported_media_type"})
# OpenAPI 3.0 has no `propertyNames`: the rules on an item's condition names (1–32 printable
# characters) cannot be published, so refusing such a name is the one excused disagreement.
UNPUBLISHABLE = re.compile(r"(^|\.)conditions\..*\.key$", re.DOTALL)


def status_documented_explicitly(ctx: CheckContext, response: Response, case: Case) -> None:
    if is_unexpected_http_status_case(case):  # deliberate probes (unknown method, bogus content type)
        return
    documented = {str(status) for status in case.operation.responses.status_codes} - {"default"}
    status = str(response.status_code)
    if status not in documented and f"{status[0]}XX" not in documented:
        raise AssertionError(
            f"{case.operation.label} answered {status}, which it does not document "
            f"(documented: {', '.join(sorted(documented))})"
        )


def schema_valid_input_accepted_by_schemas(ctx: CheckContext, response: Response, case: Case) -> None:
    if case.meta is None or not case.meta.generation.mode.is_positive or is_unexpected_http_status_case(case):
        return
    if response.status_code < 400 or "json" not in (response.headers.get("content-type") or [""])[0]:
        return
    body = response.json() or {}
    code, paths = body.get("code"), list(body.get("errors") or {})
    if code in PARSING_LAYER_CODES and not (paths and all(UNPUBLISHABLE.search(path) for path in paths)):
        raise AssertionError(
            f"{case.operation.label}: a request valid under the published schema was refused by the "
            f"parsing layer ({response.status_code} {code}): the OpenAPI document and the schemas disagree"
        )


EXTRA_CHECKS = [status_documented_explicitly, schema_valid_input_accepted_by_schemas]
