"""Schemathesis against our own OpenAPI document: every operation, as every role.

Each generated request is sent with a valid token of the role under test, and its answer must
be no 5xx, conform to the documented status codes (explicitly, not through `default`), content
types, headers and schemas, and — when the answer is a 4xx — leave every table unchanged.
The run is bounded and reproducible: a fixed number of examples per operation, derandomized.
It runs on SQLite only: the PostgreSQL-specific paths (search, locking, constraints) are
covered by the rest of the suite on both databases, and doubling a fuzz run of ~1 min buys
little beyond that.
"""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings

from tests.fuzz.checks import EXTRA_CHECKS
from tests.fuzz.world import FuzzWorld
from schemathesis.specs.openapi.checks import positive_data_acceptance

MAX_EXAMPLES = 12

schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture(params=["sqlite"])
def backend(request) -> str:
    return request.param


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, derandomize=True, deadline=None, database=None,
          phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
def test_every_operation_as_every_role(case, fuzz_world: FuzzWorld):
    _spare_own_tokens(case, fuzz_world)
    before = fuzz_world.writes.value()
    response = case.call()
    if response.status_code >= 400:
        written = fuzz_world.writes.value() - before
        assert not written, (
            f"{case.operation.label} answered {response.status_code} yet wrote {written} rows: "
            f"a rejected request must write nothing\n{case.as_curl_command()}"
        )
    case.validate_response(response, additional_checks=EXTRA_CHECKS,
                           excluded_checks=[positive_data_acceptance])


def _spare_own_tokens(case, world: FuzzWorld) -> None:
    """A generated DELETE of the run's own token would turn every later request into a 401."""
    if case.operation.path == "/api/v1/tokens/{token_id}" and case.path_parameters.get("token_id") in world.own_token_ids:
        case.path_parameters["token_id"] = world.path_values["token_id"][0]
