"""The `baotro` command: development tokens, replay, re-drive, the dev stack, AsyncAPI, and the
services' own command groups (`baotro donations ...`)."""

from __future__ import annotations

import asyncio
import importlib
from datetime import datetime, timedelta
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, ClassVar

import typer
from typer.core import TyperGroup

from baotro_shared.settings import PlatformSettings
from baotro_shared.web.auth import Role, TokenConfig, issue_token

app = typer.Typer(
    help="Bảo Trợ: công cụ dòng lệnh cho nhà phát triển và vận hành.", no_args_is_help=True
)


@app.command()
def token(
    role: Annotated[Role, typer.Option(help="fund_admin, accountant, case_worker, ...")],
    communes: Annotated[str | None, typer.Option(help="commune codes, comma-separated")] = None,
    sub: Annotated[str, typer.Option(help="subject (user name)")] = "dev-user",
    ttl_hours: Annotated[float, typer.Option(help="validity in hours")] = 12.0,
) -> None:
    """Print a signed development token."""
    settings = PlatformSettings()
    config = TokenConfig(settings.jwt_secret, settings.jwt_issuer, settings.jwt_audience)
    scope = [c.strip() for c in communes.split(",") if c.strip()] if communes else None
    typer.echo(
        issue_token(config, sub=sub, role=role, communes=scope, ttl=timedelta(hours=ttl_hours))
    )


def _service_runtime_parts(service: str):  # type: ignore[no-untyped-def]
    from baotro_shared.db import create_engine, session_factory
    from baotro_shared.messaging.tables import messaging_tables
    from baotro_shared.services import SERVICES

    if service not in SERVICES:
        raise typer.BadParameter(f"unknown service {service!r}; one of {', '.join(SERVICES)}")
    ref = SERVICES[service]
    settings = ref.settings_class()()
    definition = ref.definition()
    engine = create_engine(settings.database_url)
    return engine, session_factory(engine), messaging_tables(definition.metadata), definition


@app.command()
def replay(
    service: Annotated[str, typer.Argument(help="registry, donations, notifications, reporting")],
    since: Annotated[
        datetime | None,
        typer.Option(help="ISO date or date-time (Vietnam time unless an offset is given)"),
    ] = None,
    until: Annotated[datetime | None, typer.Option(help="ISO date or date-time (excluded)")] = None,
) -> None:
    """Re-publish a service's events (all, or a time range) from its outbox."""
    from baotro_shared.messaging.replay import schedule_replay

    async def _run() -> int:
        engine, sessions, tables, _ = _service_runtime_parts(service)
        try:
            return await schedule_replay(sessions, tables, since=since, until=until)
        finally:
            await engine.dispose()

    count = asyncio.run(_run())
    typer.echo(
        f"{count} events of {service} scheduled for re-publication "
        "(its relay sends them; a stopped service sends them at start)"
    )


@app.command()
def migrate(service: Annotated[str, typer.Argument()]) -> None:
    """Apply a service's migrations to its database."""
    from baotro_shared.migrations import upgrade_to_head

    async def _run() -> None:
        engine, _, _, definition = _service_runtime_parts(service)
        try:
            await upgrade_to_head(engine, definition.migrations)
        finally:
            await engine.dispose()

    asyncio.run(_run())
    typer.echo(f"{service}: migrations applied")


@app.command()
def topics() -> None:
    """Create the topics of the event catalogue (and their dead-letter topics)."""
    from baotro_shared.events.catalogue import load_contracts
    from baotro_shared.messaging.broker import ensure_topics

    settings = PlatformSettings()
    bootstrap = settings.kafka_bootstrap_servers or "127.0.0.1:9092"
    created = asyncio.run(
        ensure_topics(bootstrap, load_contracts().topics(), partitions=3, replication_factor=1)
    )
    typer.echo(f"created: {', '.join(created) or 'nothing (all exist)'}")


@app.command()
def asyncapi(
    output: Annotated[Path, typer.Option(help="where to write the document")] = Path(
        "deploy/asyncapi.yaml"
    ),
) -> None:
    """Write the AsyncAPI 3 document generated from the event catalogue."""
    from baotro_shared.events.asyncapi import asyncapi_yaml

    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(asyncapi_yaml(), encoding="utf-8")
    typer.echo(f"wrote {output}")


@app.command()
def dev(
    var_dir: Annotated[Path, typer.Option(help="data directory")] = Path("var"),
) -> None:
    """Start the bundled broker and the four services (what `make run` does)."""
    from baotro_shared.devstack import run_stack

    raise typer.Exit(run_stack(var_dir))


class _ServiceCommands(TyperGroup):
    """A service's command group, whose module is imported only when one of its commands is
    listed or run: `baotro` itself starts without importing any service."""

    module: ClassVar[str]
    """Holds the service's `app` (a typer.Typer)."""

    @cached_property
    def _loaded(self) -> TyperGroup:
        return typer.main.get_group(importlib.import_module(self.module).app)

    def list_commands(self, ctx: Any) -> list[str]:
        return self._loaded.list_commands(ctx)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        return self._loaded.get_command(ctx, cmd_name)


class _DonationsCommands(_ServiceCommands):
    module = "baotro_donations.entrypoints.cli"


app.add_typer(
    typer.Typer(cls=_DonationsCommands, no_args_is_help=True),
    name="donations",
    help="Quỹ tài trợ: nhập sao kê ngân hàng.",
)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
