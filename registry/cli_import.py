"""`flask --app wsgi registry import FILE`: the bulk import from the command line, all or nothing."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from registry.actor import Actor
from registry.db import get_db
from registry.errors import DomainError
from registry.roles import WRITERS, Role
from registry.services import imports
from registry.spreadsheet import read_table

_SHOWN_ERRORS = 200  # the terminal gets the first ones; the count says how many there are


@click.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--actor", default="cli", show_default=True, help="记录在历史中的操作人")
@click.option("--role", type=click.Choice(sorted(r.value for r in WRITERS)), default=Role.ADMIN.value, show_default=True)
@click.option("--department", help="部门代码（角色为 submitter 时必填：只能导入本部门的标准）")
@click.option("--submit", is_flag=True, help="导入后立即提交审核")
@with_appcontext
def import_command(path: Path, actor: str, role: str, department: str | None, submit: bool) -> None:
    """Import standards from an .xlsx or .csv file: every row is written, or none is."""
    if role == Role.SUBMITTER and not department:
        raise click.UsageError("角色为 submitter 时必须给出 --department")
    who = Actor(actor, role, department)
    try:
        click.echo(f"读取 {path.name} …")
        table = read_table(path.read_bytes(), path.name)
        with get_db().write() as session:
            report = _run(session, table, who, submit)
    except imports.ImportInvalid as exc:
        _print_errors(exc.report)
        raise SystemExit(1) from None
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    _print_report(report)


def _run(session, table, actor: Actor, submit: bool) -> imports.ImportReport:
    with click.progressbar(length=len(table.rows), label="检查各行", show_pos=True) as bar:
        plan = imports.validate(session, table, actor, submit=submit, progress=bar.update)
    if plan.report.errors:
        raise imports.ImportInvalid(plan.report)  # leaves the unit of work: nothing is written
    with click.progressbar(length=len(plan.standards), label="写入标准", show_pos=True) as bar:
        return imports.write(session, plan, actor, submit=submit, progress=bar.update)


def _print_errors(report: imports.ImportReport) -> None:
    click.echo(f"未写入任何内容：{len(report.errors)} 处错误（{report.rows} 行，{report.standards} 个标准）", err=True)
    click.echo(f"{'行号':>6}  {'列名':<10}  说明", err=True)
    for error in report.errors[:_SHOWN_ERRORS]:
        click.echo(f"{error.row:>8}  {error.column or '-':<12}  {error.message}", err=True)
    if len(report.errors) > _SHOWN_ERRORS:
        click.echo(f"…… 另有 {len(report.errors) - _SHOWN_ERRORS} 处错误未显示", err=True)


def _print_report(report: imports.ImportReport) -> None:
    statuses = sorted({c["status"] for c in report.created})
    items = sum(c["items"] for c in report.created)
    click.echo(f"已导入：{len(report.created)} 个标准、{items} 个条目（{report.rows} 行），状态 {'、'.join(statuses) or '-'}")
    for warning in report.warnings:
        click.echo(f"提示：{warning['message']}")
