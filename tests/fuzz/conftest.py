"""Fixtures of the fuzz run: one registry per role, and the schema loaded from it."""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import strategies as st
from schemathesis.core.parameters import ParameterLocation

from registry.ratelimit import FailedAuthLimiter
from registry.roles import Role
from tests.fuzz.world import FuzzWorld, build_world




def fuzz_config(role: str, token: str) -> schemathesis.Config:
    """The coverage phase (every boundary value and missing part the schema defines, ~1,500
    requests) runs for the administrator, who reaches every view; the other roles get the
    generated examples only, which is where their refusals and department rules show."""
    return schemathesis.Config.from_dict({
        # Given as the document's bearer scheme (not as a fixed header), so that schemathesis knows a
        # request it sends without a token is unauthenticated, and one it sends with it is not.
        "auth": {"openapi": {"bearer": {"bearer": token}}},
        "phases": {"coverage": {"enabled": role == Role.ADMIN}},
        # A missing If-Match or Idempotency-Key is answered 428 Precondition Required (RFC 6585).
        "checks": {"missing_required_header": {"expected-statuses": [400, 401, 403, 406, 415, 422, 428]}},
    })


@pytest.fixture(autouse=True)
def _pytest9_nodeid(request):
    # schemathesis 4.32's lazy schemas rename `node._nodeid` for their reports; pytest 9 no
    # longer has the attribute, so give it one (only the reported name is affected).
    request.node._nodeid = request.node.nodeid


@pytest.fixture(params=[r.value for r in Role])
def fuzz_role(request) -> str:
    return request.param


@pytest.fixture
def fuzz_world(seeded, headers_for, fuzz_role) -> FuzzWorld:
    # The fuzzer's deliberate bad-token probes all come from one address; the limit has its own tests.
    seeded.extensions["auth_limiter"] = FailedAuthLimiter(limit=1_000_000, window=60)
    world = build_world(seeded, headers_for, fuzz_role)
    world.writes.install()
    yield world
    world.writes.uninstall()


@pytest.fixture
def api_schema(fuzz_world):
    schema = schemathesis.openapi.from_wsgi("/openapi.json", fuzz_world.app, config=fuzz_config(fuzz_world.role, fuzz_world.token))
    schema.hook("flatmap_case")(_real_path_values(fuzz_world))
    return schema


def _real_path_values(world: FuzzWorld):
    """Half the generated requests address existing standards, versions, reviews and tokens."""

    def flatmap_case(context, case):
        names = [name for name in case.path_parameters or {} if name in world.path_values]
        if not names or case.meta is None or case.meta.is_negative_at(ParameterLocation.PATH):
            return st.just(case)
        real = st.fixed_dictionaries({name: st.sampled_from(world.path_values[name]) for name in names})
        return st.one_of(real, st.just({})).map(lambda values: _with_path(case, values))

    return flatmap_case


def _with_path(case, values: dict):
    case.path_parameters.update(values)
    return case
