"""`make run`: the bundled broker, the topics, and the four services on embedded defaults."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from baotro_shared.broker_process import BrokerProcess, free_port, port_open
from baotro_shared.events.catalogue import load_contracts
from baotro_shared.mail_sink import MailSink
from baotro_shared.messaging.broker import ensure_topics
from baotro_shared.services import SERVICES

DEFAULT_BROKER_PORT = 9092
DEFAULT_SMTP_PORT = 8025


def _service_ports() -> dict[str, int]:
    """Each service's port as its own settings read it (`REGISTRY_PORT`, ...)."""
    return {name: ref.settings_class()().port for name, ref in SERVICES.items()}


def _say(message: str) -> None:
    print(message, flush=True)


def run_stack(var_dir: Path, *, ready_timeout: float = 90.0) -> int:
    """Start everything, print where to look, wait for Ctrl-C, stop everything cleanly."""
    var_dir.mkdir(parents=True, exist_ok=True)
    logs = var_dir / "log"
    logs.mkdir(exist_ok=True)
    env = dict(os.environ)
    env["BAOTRO_VAR_DIR"] = str(var_dir)
    broker: BrokerProcess | None = None
    bootstrap = env.get("KAFKA_BOOTSTRAP_SERVERS")
    ports = _service_ports()
    if not bootstrap:
        broker_port = int(env.get("BAOTRO_BROKER_PORT", DEFAULT_BROKER_PORT))
        if port_open("127.0.0.1", broker_port):
            _say(
                f"Cổng {broker_port} đã có chương trình khác dùng. Dừng nó, hoặc đặt "
                "KAFKA_BOOTSTRAP_SERVERS trỏ tới một broker đang chạy."
            )
            return 1
        broker = BrokerProcess(broker_port, log_file=logs / "broker.log")
        broker.start()
        bootstrap = broker.bootstrap_servers
        env["KAFKA_BOOTSTRAP_SERVERS"] = bootstrap
        _say(f"• broker (Tansu, memory-only) on {bootstrap}")
    catalogue = load_contracts()
    partitions = int(env.get("BAOTRO_TOPIC_PARTITIONS", "3"))
    asyncio.run(
        ensure_topics(bootstrap, catalogue.topics(), partitions=partitions, replication_factor=1)
    )
    _say(f"• topics: {', '.join(catalogue.topics(with_dlq=False))} (+ .dlq)")

    mail_sink = _start_mail_sink(env, var_dir / "mail")

    children: dict[str, subprocess.Popen[bytes]] = {}
    stopping = False

    def _stop(_signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    try:
        for ref in SERVICES.values():
            log_file = open(logs / f"{ref.name}.log", "ab")  # noqa: SIM115
            children[ref.name] = subprocess.Popen(
                [sys.executable, "-m", ref.module],
                env=env,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        if not _wait_ready(children, ports, ready_timeout, lambda: stopping):
            return 1
        _say("")
        _say("Bảo Trợ đang chạy:")
        _say(f"  Cổng thông tin công khai  http://127.0.0.1:{ports['reporting']}/")
        for name, port in ports.items():
            _say(f"  {name:<13} http://127.0.0.1:{port}/docs   (readyz: /readyz)")
        _say(f"  Dữ liệu: {var_dir}/*.db   Nhật ký: {logs}/")
        if mail_sink is not None:
            _say(f"  Thư điện tử (thư cảm ơn): {mail_sink.handler.directory}/*.eml")
        _say("  Mã xác thực thử: .venv/bin/baotro token --role fund_admin")
        _say("Nhấn Ctrl-C để dừng.")
        while not stopping:
            for name, proc in children.items():
                if proc.poll() is not None:
                    _say(f"Dịch vụ {name} đã dừng (mã {proc.returncode}); xem {logs}/{name}.log")
                    return 1
            time.sleep(0.3)
        return 0
    finally:
        _say("Đang dừng các dịch vụ…")
        for proc in children.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)
        for proc in children.values():
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
        if broker is not None:
            broker.stop()
        if mail_sink is not None:
            mail_sink.stop()
        _say("Đã dừng.")


def _start_mail_sink(env: dict[str, str], directory: Path) -> MailSink | None:
    """A local SMTP server keeping every message as a .eml file, and the notifications
    service pointed at it; none when NOTIFICATIONS_SMTP_HOST names a real server."""
    if env.get("NOTIFICATIONS_SMTP_HOST"):
        _say(f"• thư điện tử qua {env['NOTIFICATIONS_SMTP_HOST']} (NOTIFICATIONS_SMTP_HOST)")
        return None
    port = int(env.get("NOTIFICATIONS_SMTP_PORT", DEFAULT_SMTP_PORT))
    if port_open("127.0.0.1", port):
        port = free_port()
    sink = MailSink(directory, port=port).start()
    env["NOTIFICATIONS_SMTP_HOST"] = sink.host
    env["NOTIFICATIONS_SMTP_PORT"] = str(sink.port)
    _say(f"• SMTP (hộp thư thử) on {sink.host}:{sink.port} → {directory}/*.eml")
    return sink


def _wait_ready(
    children: dict[str, subprocess.Popen[bytes]],
    ports: dict[str, int],
    timeout: float,
    cancelled: Callable[[], bool],
) -> bool:
    deadline = time.monotonic() + timeout
    pending = set(children)
    with httpx.Client(timeout=2.0) as client:
        while pending:
            if cancelled():
                return False
            for name in list(pending):
                proc = children[name]
                if proc.poll() is not None:
                    _say(f"Dịch vụ {name} không khởi động được (mã {proc.returncode}).")
                    return False
                try:
                    if client.get(f"http://127.0.0.1:{ports[name]}/readyz").status_code == 200:
                        pending.discard(name)
                        _say(f"• {name} sẵn sàng")
                except httpx.HTTPError:
                    pass
            if time.monotonic() > deadline:
                _say(f"Quá {timeout:.0f}s mà chưa sẵn sàng: {', '.join(sorted(pending))}")
                return False
            time.sleep(0.3)
    return True
