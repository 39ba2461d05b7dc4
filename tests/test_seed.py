"""The bundled seed: real figures with provenance, honest about confidence, idempotent."""
from __future__ import annotations

from sqlalchemy import func, select

from registry.db import get_db
from registry.enums import IN_FORCE_STATUSES
from registry.models import Event, Item, Standard, Version
from registry.seeding import seed


def _counts(app) -> tuple[int, int, int, int]:
    with app.app_context(), get_db().read() as session:
        return tuple(session.scalar(select(func.count()).select_from(m)) for m in (Standard, Version, Item, Event))


def test_seed_is_idempotent(seeded):
    before = _counts(seeded)
    with seeded.app_context(), get_db().write() as session:
        report = seed(session)
    assert (report.standards, report.versions, report.items) == (0, 0, 0)
    assert _counts(seeded) == before


def test_seed_covers_kinds_fields_and_is_mostly_in_force(seeded, client):
    with seeded.app_context(), get_db().read() as session:
        standards = session.scalars(select(Standard)).all()
        kinds = {s.kind.value for s in standards}
        fields = {s.field_id for s in standards}
    assert len(standards) >= 30
    assert kinds == {"service", "cost_quota", "spending"}
    assert len(fields) >= 4
    in_force_today = client.get("/api/v1/standards?as_of=2026-11-28&page_size=500").json
    assert in_force_today["total"] >= 24


def test_seeded_meeting_fee(seeded, client):
    body = client.get("/api/v1/standards/SP-ADM-MEETING?as_of=2025-03-01").json
    class2 = next(i for i in body["version"]["items"] if i["conditions"].get("会议类别") == "二类")
    assert (class2["rule"], class2["max"], class2["unit"]) == ("ceiling", "650", "元/人·天")
    assert class2["components"] == [
        {"name": "住宿费", "value": "400"}, {"name": "伙食费", "value": "150"}, {"name": "其他费用", "value": "100"},
    ]
    assert body["version"]["basis"]["issuer"]


def test_shanghai_lodging_has_a_real_version_history(seeded, client):
    versions = client.get("/api/v1/standards/SP-ADM-LODGING-SH/versions").json["versions"]
    assert [(v["number"], v["status"]) for v in versions] == [(1, "superseded"), (2, "published"), (3, "submitted")]
    assert versions[0]["effective_to"] == versions[1]["effective_from"] == "2016-04-14"
    assert versions[1]["doc_no"] == "财行〔2016〕71号"

    def bureau_limit(day: str) -> str:
        items = client.get(f"/api/v1/standards/SP-ADM-LODGING-SH?as_of={day}").json["version"]["items"]
        return next(i for i in items if i["conditions"].get("职级") == "司局级")["max"]

    assert bureau_limit("2015-06-01") == "500"  # the 2014 table
    assert bureau_limit("2025-03-01") == "600"  # 财行〔2016〕71号, not the unverified v3 (700)
    diff = client.get("/api/v1/standards/SP-ADM-LODGING-SH/versions/3/diff?against=2").json
    assert any(c["changes"].get("max") == {"old": "600", "new": "700"} for c in diff["changed"])


def test_low_confidence_figures_are_never_in_force(seeded):
    """Rows the reference marks LOW CONFIDENCE / UNVERIFIED load only as submitted versions."""
    with seeded.app_context(), get_db().read() as session:
        unverified = session.scalars(
            select(Version).where(Version.note.contains("LOW CONFIDENCE") | Version.note.contains("UNVERIFIED"))
        ).all()
        assert unverified, "the seed should carry the doubtful figures as material for review"
        assert all(v.status not in IN_FORCE_STATUSES for v in unverified)


def test_samples_are_labelled(seeded):
    with seeded.app_context(), get_db().read() as session:
        samples = session.scalars(select(Standard).where(Standard.is_sample.is_(True))).all()
        assert 1 <= len(samples) <= 4
        assert all(s.title.endswith("（示例数据）") for s in samples)
        for sample in samples:
            notes = session.scalars(select(Version.note).where(Version.standard_id == sample.id)).all()
            assert all("示例数据" in note for note in notes)


def test_every_seeded_version_keeps_its_provenance(seeded):
    with seeded.app_context(), get_db().read() as session:
        versions = session.scalars(select(Version).join(Standard).where(Standard.is_sample.is_(False))).all()
        assert all(v.url for v in versions)  # the source, always
        # an issuer, or a note saying plainly that the source did not name one
        assert all(v.issuer or "未载明发布机关" in v.note for v in versions)
        events = session.scalars(select(Event)).all()
        assert len(events) == len(session.scalars(select(Version)).all())
        assert {e.action for e in events} == {"seeded"} and {e.actor for e in events} == {"seed"}
