"""Entry point: `python -m bench`: the phases of `bench.cli`, then, when selected, the
donations ledger phase (section 6, `bench.donations`) and the bank statement import phase
(section 7, `bench.donations_import`) with their tables and methods."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from bench.cli import _runner, run_all, say
from bench.config import BenchConfig, parse_args
from bench.donations import (
    DonationsScaleResult,
    donations_method,
    donations_section,
    measure_donations,
)
from bench.donations_import import (
    ImportBenchResult,
    import_method,
    import_section,
    measure_import,
)
from bench.environment import quiet_logs
from bench.infra import throwaway_databases
from bench.notifications import run_notifications
from bench.notifications_results import notifications_method, notifications_section
from bench.portal import portal_section, run_portal
from bench.report import Results, header, render_report
from bench.table import render


async def _run(
    config: BenchConfig,
) -> tuple[Results, DonationsScaleResult | None, ImportBenchResult | None]:
    results = await run_all(config)  # runs the phases it knows, not "donations" nor "import"
    donations = statement_import = None
    if "donations" not in config.phases and "import" not in config.phases:
        return results, None, None
    async with throwaway_databases(config.postgres_dsn) as postgres:
        if "donations" in config.phases:
            donations = await measure_donations(
                postgres=postgres,
                count=config.donations_count,
                workers=config.donations_workers,
                say=say,
            )
        if "import" in config.phases:
            statement_import = await measure_import(
                postgres=postgres, lines=config.import_lines, loop=config.loop, say=say
            )
    return results, donations, statement_import


def main(argv: Sequence[str] | None = None) -> int:
    config = parse_args(argv)
    quiet_logs()
    with _runner(config.loop) as runner:
        results, donations, statement_import = runner.run(_run(config))
        portal = runner.run(run_portal(config.postgres_dsn)) if "portal" in config.phases else None
        notifications = (
            runner.run(run_notifications(config.postgres_dsn, full=config.notifications_full))
            if "notifications" in config.phases
            else None
        )
    alone = config.phases in (("donations",), ("import",))
    report = f"{header(results)}\n\n" if alone else render_report(results)
    if donations is not None:
        report += f"{render([donations_section(donations)])}\nMethod\n{donations_method(donations)}"
    if statement_import is not None:
        report += (
            f"\n{render([import_section(statement_import)])}\nMethod\n"
            f"{import_method(statement_import)}"
        )
    if portal is not None:
        report += f"\n{render([portal_section(portal)])}"
    if notifications is not None:
        report += f"\n{render([notifications_section(notifications)])}\n{notifications_method()}"
    print(report, end="", flush=True)
    return 0


raise SystemExit(main(sys.argv[1:]))
