"""Entry point: `python -m bench`: the phases of `bench.cli`, then, when selected, the
donations ledger phase (section 6, `bench.donations`) with its table and method."""

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
from bench.environment import quiet_logs
from bench.infra import throwaway_databases
from bench.portal import portal_section, run_portal
from bench.report import Results, render_report
from bench.table import render


async def _run(config: BenchConfig) -> tuple[Results, DonationsScaleResult | None]:
    results = await run_all(config)  # runs the phases it knows, not "donations"
    if "donations" not in config.phases:
        return results, None
    async with throwaway_databases(config.postgres_dsn) as postgres:
        donations = await measure_donations(
            postgres=postgres,
            count=config.donations_count,
            workers=config.donations_workers,
            say=say,
        )
    return results, donations


def main(argv: Sequence[str] | None = None) -> int:
    config = parse_args(argv)
    quiet_logs()
    with _runner(config.loop) as runner:
        results, donations = runner.run(_run(config))
        portal = runner.run(run_portal(config.postgres_dsn)) if "portal" in config.phases else None
    report = render_report(results)
    if donations is not None:
        report += f"\n{render([donations_section(donations)])}\n{donations_method(donations)}"
    if portal is not None:
        report += f"\n{render([portal_section(portal)])}"
    print(report, end="", flush=True)
    return 0


raise SystemExit(main(sys.argv[1:]))
