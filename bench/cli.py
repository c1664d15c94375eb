"""`python -m bench`: run the phases, then print the header, the table and the method."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

from baotro_shared.broker_process import broker_binary
from baotro_shared.testing.postgres import PostgresDatabases
from bench.config import BenchConfig, parse_args
from bench.echo import echo_latency
from bench.environment import MachineFacts, postgres_version, quiet_logs
from bench.events import case_opened_messages
from bench.infra import running_broker, throwaway_databases
from bench.latency import LatencyConfig, measure_latency
from bench.latency_processes import ProcessLatencyConfig, measure_process_latency
from bench.memory import PhaseMeter
from bench.registry_scale import measure_registry_scale
from bench.relay_throughput import measure_throughput
from bench.report import Results, load_average, render_report
from bench.stats import Summary


def say(message: str) -> None:
    """Progress on stderr; stdout carries only the report."""
    print(f"· {message}", file=sys.stderr, flush=True)


def broker_version() -> str:
    try:
        out = subprocess.run(
            [broker_binary(), "--version"], capture_output=True, text=True, timeout=10, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return "(version unknown)"
    return out.split()[-1] if out.split() else "(version unknown)"


async def _relay_phase(config: BenchConfig, results: Results, postgres: PostgresDatabases) -> None:
    say(f"relay throughput: {config.relay_events:,} events × {config.relay_repeats} runs")
    messages = case_opened_messages(config.relay_events)
    with running_broker() as broker:
        results.throughput = await measure_throughput(
            bootstrap=broker.bootstrap_servers,
            postgres=postgres,
            messages=messages,
            repeats=config.relay_repeats,
            with_sqlite=config.sqlite,
        )
    results.broker_peaks_mib["relay throughput"] = broker.peak_mib


def _rates(config: BenchConfig) -> tuple[tuple[float, ...], tuple[float, ...]]:
    rates = (config.rate, config.steady_rate) if config.steady_rate > 0 else (config.rate,)
    durations = (config.duration_s, config.steady_duration_s)[: len(rates)]
    return rates, durations


async def _baselines(
    config: BenchConfig, bootstrap: str, rates: tuple[float, ...], results: Results
) -> dict[float, Summary]:
    """The broker-only produce → consume baseline at each rate (and the what-if, once)."""
    payload_bytes = len(case_opened_messages(1)[0].value)
    echo: dict[float, Summary] = {}
    for rate in rates:
        say(f"broker-only baseline at {rate:g}/s")
        echo[rate] = await echo_latency(
            bootstrap, rate=rate, duration_s=config.echo_duration_s, payload_bytes=payload_bytes
        )
    if config.echo_fetch_wait_ms > 0 and results.echo_what_if is None:
        say(f"what-if: fetch_max_wait_ms={config.echo_fetch_wait_ms}")
        results.echo_what_if = await echo_latency(
            bootstrap,
            rate=config.rate,
            duration_s=config.echo_duration_s,
            payload_bytes=payload_bytes,
            fetch_max_wait_ms=config.echo_fetch_wait_ms,
        )
        results.echo_what_if_default = echo.get(config.rate)
    return echo


async def _process_latency_phase(
    config: BenchConfig, results: Results, postgres: PostgresDatabases
) -> None:
    rates, durations = _rates(config)
    say(
        "end-to-end latency, services as subprocesses: "
        + ", ".join(f"{r:g}/s for {d:g} s" for r, d in zip(rates, durations, strict=True))
    )
    process_config = ProcessLatencyConfig(
        rates=rates,
        durations_s=durations,
        warmup=config.warmup,
        max_in_flight=config.max_in_flight,
        commit_clock=config.commit_clock,
    )
    with running_broker() as broker:
        results.processes = await measure_process_latency(
            process_config, postgres=postgres, bootstrap=broker.bootstrap_servers, say=say
        )
        results.process_echo = await _baselines(config, broker.bootstrap_servers, rates, results)
    results.broker_peaks_mib["end-to-end latency (subprocesses)"] = broker.peak_mib


async def _registry_phase(
    config: BenchConfig, results: Results, postgres: PostgresDatabases
) -> None:
    say(f"registry scale: {config.registry_children:,} children")
    results.registry = await measure_registry_scale(
        postgres=postgres,
        children=config.registry_children,
        list_queries=config.registry_list_queries,
        say=say,
    )


async def _latency_phase(
    config: BenchConfig, results: Results, postgres: PostgresDatabases
) -> None:
    rates, durations = _rates(config)
    say(
        "end-to-end latency, in-process variant: "
        + ", ".join(f"{r:g}/s for {d:g} s" for r, d in zip(rates, durations, strict=True))
    )
    latency_config = LatencyConfig(
        rates=rates,
        durations_s=durations,
        warmup=config.warmup,
        poll_interval_s=config.poll_interval_ms / 1000,
        max_in_flight=config.max_in_flight,
    )
    with running_broker() as broker:
        results.latency = await measure_latency(
            latency_config, postgres=postgres, broker=broker.process
        )
        results.echo = await _baselines(config, broker.bootstrap_servers, rates, results)
    results.broker_peaks_mib["end-to-end latency (in-process)"] = broker.peak_mib


async def run_all(config: BenchConfig) -> Results:
    started = time.perf_counter()
    results = Results(
        config=config,
        machine=MachineFacts.collect(),
        postgres_version=await postgres_version(config.postgres_dsn),
        broker_version=broker_version(),
        load_start=load_average(),
    )
    phases: list[tuple[str, str, Callable[..., Coroutine[Any, Any, None]]]] = [
        ("relay", "relay throughput", _relay_phase),
        ("latency", "end-to-end latency (subprocesses)", _process_latency_phase),
        ("inprocess", "end-to-end latency (in-process)", _latency_phase),
        ("registry", "registry scale", _registry_phase),
    ]
    meter = PhaseMeter()
    async with throwaway_databases(config.postgres_dsn) as postgres:
        for key, name, phase in phases:
            if key not in config.phases:
                continue
            meter.begin()
            await phase(config, results, postgres)
            results.memory.append(meter.end(name))
    results.process_peak_mib = meter.overall_peak_mib
    results.load_end = load_average()
    results.wall_s = time.perf_counter() - started
    return results


def _runner(loop: str) -> asyncio.Runner:
    if loop == "uvloop":
        import uvloop

        return asyncio.Runner(loop_factory=uvloop.new_event_loop)
    return asyncio.Runner()


def main(argv: Sequence[str] | None = None) -> int:
    config = parse_args(argv)
    quiet_logs()
    with _runner(config.loop) as runner:
        results = runner.run(run_all(config))
    print(render_report(results), end="", flush=True)
    return 0
