"""`flask --app wsgi registry …`: init, seed."""
from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import AppGroup

from registry import migrations, outbox, search_index
from registry.actor import Actor
from registry.cli_import import import_command
from registry.db import get_db
from registry.errors import DomainError
from registry.roles import Role
from registry.services import tokens
from search import embedded
from search.cluster import ClusterUnavailable

CLI_ACTOR = Actor("cli", Role.ADMIN.value)  # whoever has shell access to the server is an administrator

class RegistryGroup(AppGroup):
    """Domain errors end a command with their Chinese message and code, not a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except DomainError as error:
            details = "".join(f"\n  {path}: {'；'.join(msgs)}" for path, msgs in (error.errors or {}).items())
            raise click.ClickException(f"{error.message} [{error.code}]{details}") from error


registry_cli = RegistryGroup("registry", help="标准库管理命令 Registry administration.")


@registry_cli.command("init")
def init_command() -> None:
    """Create the schema, or upgrade it to the latest revision."""
    db = get_db()
    migrations.upgrade(db.write_engine)
    with db.write() as session:
        rebuilt = search_index.rebuild_embedded(session) if search_index.needs_rebuild(session) else None  # e.g. upgraded to search
    if rebuilt is not None:
        embedded.settle(db.write_engine)
        click.echo(f"search index rebuilt: {rebuilt} documents")
    click.echo(f"schema ready on {db.engine.url.render_as_string(hide_password=True)}")


@registry_cli.command("reindex")
def reindex_command() -> None:
    """Rebuild the embedded index; with a cluster, rebuild it too and swap its alias."""
    db = get_db()
    with db.write() as session:
        rebuilt = search_index.rebuild_embedded(session)
        total = search_index.count_documents(session)
    embedded.settle(db.write_engine)
    click.echo(f"embedded index rebuilt: {rebuilt} documents")
    link = search_index.cluster_link()
    if link is None:
        return

    def progress(documents):
        with click.progressbar(documents, length=total, label="cluster", file=sys.stderr) as bar:
            yield from bar

    index, count = search_index.reindex_cluster(db, link, progress)
    click.echo(f"cluster index {index} built with {count} documents; alias {link.alias} now points to it")


search_cli = RegistryGroup("search", help="外部搜索集群 External search cluster.")
registry_cli.add_command(search_cli)


@search_cli.command("sync")
def search_sync() -> None:
    """Send every pending outbox row to the cluster (after an outage, for instance)."""
    link = search_index.cluster_link()
    if link is None:
        raise click.ClickException("没有配置外部搜索集群（REGISTRY_SEARCH_URL 未设置），内置搜索无需同步")
    link.recovered()  # an operator asks now: try, whatever the last failure was
    try:
        sent = outbox.relay(get_db(), link)
    except ClusterUnavailable as exc:
        raise click.ClickException(f"搜索集群不可用，待发送的变更保留在 outbox 中：{exc}") from exc
    click.echo(f"sent {sent} documents to {link.url} ({link.alias})")


@registry_cli.command("mirror")
@click.option("--url", required=True, help="标准库地址，如 http://127.0.0.1:8000")
@click.option("--token", required=True, envvar="REGISTRY_MIRROR_TOKEN", help="integration 角色令牌")
@click.option("--to", "path", required=True, type=click.Path(dir_okay=False), help="本地 SQLite 文件")
@click.option("--once", is_flag=True, help="同步到最新后退出")
@click.option("--interval", default=5.0, show_default=True, help="轮询间隔（秒）")
def mirror_command(url: str, token: str, path: str, once: bool, interval: float) -> None:
    """Keep a local copy of the baselines in force: snapshot, then follow /changes."""
    from registry.mirror import Mirror

    mirror = Mirror(url, token, path)
    try:
        if once:
            applied = mirror.sync()
            click.echo(f"mirror at seq {mirror.cursor}: {applied} events applied, {len(mirror.rows())} rows")
            return
        mirror.run(interval)
    finally:
        mirror.close()


@registry_cli.command("compare")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--as-of", "as_of", required=True, type=click.DateTime(formats=["%Y-%m-%d"]), help="预算所属日期")
@click.option("--region", help="区域代码或名称（镇/街道的标准优先）")
@click.option("--tolerance", "tolerance", type=str, help="容差百分比，如 5")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="写出的结果工作簿")
def compare_command(path: str, as_of, region: str | None, tolerance: str | None, output: str) -> None:
    """Compare a proposal workbook (.xlsx/.csv) and write it back with verdict columns."""
    import json
    from decimal import Decimal
    from pathlib import Path

    from registry.compare import excel, reviews
    from registry.compare.service import compare

    data = Path(path).read_bytes()
    lines, where = excel.read(data, path)
    request = {"as_of": as_of.date(), "region": region, "tolerance_pct": Decimal(tolerance) if tolerance else None,
               "lines": lines}
    with get_db().read() as session:
        answer = compare(session, request)
    Path(output).write_bytes(excel.answer(data, path, json.loads(reviews.serialise(answer)), where))
    summary = answer["summary"]
    verdicts = "，".join(f"{excel.VERDICTS[v]} {n}" for v, n in summary["by_verdict"].items())
    click.echo(f"{summary['lines']} 行：{verdicts}；行有误 {summary['errors']}；超标金额 {summary['excess_amount']} 元 → {output}")


@registry_cli.command("seed")
def seed_command() -> None:
    """Load the bundled standards; a second run changes nothing."""
    from registry.seeding import seed

    with get_db().write() as session:
        report = seed(session)
    click.echo(
        f"seeded: {report.taxonomy_rows} taxonomy rows, {report.standards} standards, "
        f"{report.versions} versions, {report.items} items added"
    )


token_cli = RegistryGroup("token", help="API 令牌管理 Manage API tokens.")
registry_cli.add_command(token_cli)


@token_cli.command("create")
@click.option("--name", required=True, help="持有人名称（审核时据此区分提交人与确认人）")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--department", help="submitter 绑定的部门代码或名称")
@click.option("--expires", type=click.DateTime(formats=["%Y-%m-%d"]), help="首个失效的日期 YYYY-MM-DD")
def token_create(name: str, role: str, department: str | None, expires) -> None:
    """Issue a token; the secret is printed as the last line, once."""
    with get_db().write() as session:
        issued = tokens.issue(session, name, role, CLI_ACTOR, department=department,
                              expires_on=expires.date() if expires else None)
        click.echo(f"created token {issued.token.id} for {tokens.describe(issued.token)}", err=True)
    click.echo(issued.secret)


@token_cli.command("list")
def token_list() -> None:
    """Every token: id, name, role, department, expiry, revocation (never the secret)."""
    with get_db().read() as session:
        for t in tokens.list_tokens(session):
            state = f"revoked {t.revoked_at:%Y-%m-%d}" if t.revoked_at else (
                f"expires {t.expires_on.isoformat()}" if t.expires_on else "active")
            department = t.department.code if t.department else "-"
            click.echo(f"{t.id}\t{t.prefix}…\t{t.name}\t{t.role.value}\t{department}\t{state}")


@token_cli.command("check")
@click.argument("secret", default="-")
def token_check(secret: str) -> None:
    """Say whose a token is, or why it does not work (`-` or nothing: read it from stdin)."""
    if secret == "-":
        secret = sys.stdin.read()
    secret = secret.strip()
    with get_db().read() as session:
        actor = tokens.authenticate(session, secret)
    click.echo(f"valid: {actor.name} ({actor.role}{', ' + actor.department if actor.department else ''})")


@token_cli.command("revoke")
@click.argument("token_id", type=int)
def token_revoke(token_id: int) -> None:
    """Revoke a token by its id (see `token list`)."""
    with get_db().write() as session:
        token = tokens.revoke(session, token_id)
        click.echo(f"revoked token {token.id} of {tokens.describe(token)}")


registry_cli.add_command(import_command)


def init_app(app: Flask) -> None:
    app.cli.add_command(registry_cli)
