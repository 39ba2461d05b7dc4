"""Bulk import of standards from a spreadsheet: check every row first, then write all or nothing.

Rows sharing a 标准代码 form one standard with one version. Every row goes through the API's
ItemSchema, every standard through StandardCreateSchema, and the items through build_items, so an
imported standard obeys exactly the rules of POST /api/v1/standards. Problems are reported per
spreadsheet row and column (one per cell: the first found there); if there is any, nothing is
written.

A code already in the registry gets a new draft version, numbered and recorded as
POST …/versions would (versions.create_draft), but the file states that version in full: its rows
are the items, in file order (keys absent from the file are dropped), and its period, basis and
note are the file's. The standard-level columns must match the registered standard, since a
version cannot change them, and a standard with an unfinished version is refused.

checks.py checks the table into a Plan (plan.py); writing.py writes it.
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from registry.actor import Actor
from registry.services.imports.checks import validate
from registry.services.imports.plan import ImportInvalid, ImportReport, Plan, Progress
from registry.services.imports.writing import COMMENT, write
from registry.spreadsheet import Table

__all__ = ["COMMENT", "ImportInvalid", "ImportReport", "Plan", "Progress", "import_standards", "validate", "write"]


def import_standards(session: Session, table: Table, actor: Actor, *, submit: bool = False) -> ImportReport:
    """Validate the whole table, then write every standard, or raise ImportInvalid and write nothing."""
    plan = validate(session, table, actor, submit=submit)
    if plan.report.errors:
        raise ImportInvalid(plan.report)
    return write(session, plan, actor, submit=submit)
