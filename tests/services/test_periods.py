"""Periods of a standard's confirmed versions never overlap, whoever writes the rows."""
from __future__ import annotations

from datetime import date

import pytest

from registry.actor import Actor
from registry.db import get_db
from registry.enums import Status
from registry.errors import Conflict
from registry.models import Standard, Version
from registry.services import standards
from registry.services.standards import new_version_row
from schemas.standards import StandardCreateSchema
from tests.factories import standard_payload

ADMIN = Actor("tester", "admin")


def _standard_with_published_v1(session):
    view = standards.create_standard(session, StandardCreateSchema().load(standard_payload()), ADMIN)
    view.version.status, view.version.effective_from = Status.PUBLISHED, date(2025, 1, 1)
    return view.standard


@pytest.mark.parametrize("start,end", [
    (date(2025, 6, 1), None),  # inside the open period of v1
    (date(2024, 1, 1), date(2025, 1, 2)),  # ends one day into v1
    (date(2024, 1, 1), None),  # covers v1 entirely
])
def test_database_refuses_overlapping_confirmed_periods(app, start, end):
    with app.app_context(), pytest.raises(Conflict):
        with get_db().write() as session:
            standard = _standard_with_published_v1(session)
            session.flush()
            data = {"effective_from": start, "effective_to": end, "items": []}
            session.add(new_version_row(standard, 2, Status.CONFIRMED, data, ADMIN))


def test_adjacent_periods_and_unconfirmed_overlaps_are_fine(app):
    with app.app_context():
        with get_db().write() as session:
            _standard_with_published_v1(session)
        with get_db().write() as session:
            standard = session.query(Standard).one()
            v1 = session.query(Version).filter_by(number=1).one()
            v1.effective_to, v1.status = date(2026, 1, 1), Status.SUPERSEDED
            session.add(new_version_row(standard, 2, Status.PUBLISHED, {"effective_from": date(2026, 1, 1)}, ADMIN))
            session.add(new_version_row(standard, 3, Status.DRAFT, {"effective_from": date(2025, 6, 1)}, ADMIN))
        with get_db().read() as session:
            periods = [(v.number, v.status, v.effective_from, v.effective_to)
                       for v in session.query(Version).order_by(Version.number)]
    assert periods == [
        (1, Status.SUPERSEDED, date(2025, 1, 1), date(2026, 1, 1)),
        (2, Status.PUBLISHED, date(2026, 1, 1), None),
        (3, Status.DRAFT, date(2025, 6, 1), None),
    ]
