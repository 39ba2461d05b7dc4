"""`flask --app wsgi registry …`: init, seed."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from registry import migrations
from registry.db import get_db

registry_cli = AppGroup("registry", help="标准库管理命令 Registry administration.")


@registry_cli.command("init")
def init_command() -> None:
    """Create the schema, or upgrade it to the latest revision."""
    db = get_db()
    migrations.upgrade(db.write_engine)
    click.echo(f"schema ready on {db.engine.url.render_as_string(hide_password=True)}")


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


def init_app(app: Flask) -> None:
    app.cli.add_command(registry_cli)
