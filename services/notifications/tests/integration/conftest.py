"""Real neighbours of the notifications service in its tests: an SMTP server (aiosmtpd), a
donors API served over HTTP (the donations service's contract), and recording HTTP servers
standing in for the SMS and Zalo providers; events are published to the real broker."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import pytest
import uvicorn
from aiokafka import AIOKafkaProducer
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from baotro_shared.broker_process import BrokerProcess, free_port
from baotro_shared.events.base import EventData
from baotro_shared.events.catalogue import load_contracts
from baotro_shared.events.contracts.donations import DonationReceived
from baotro_shared.events.envelope import Envelope
from baotro_shared.mail_sink import MailSink, ReceivedMail
from baotro_shared.settings import DEVELOPMENT_SIGNING_KEY
from baotro_shared.testing.harness import RunningService, ServiceHarness
from baotro_shared.testing.plugin import eventually
from baotro_shared.web.auth import TokenConfig, decode_token

FAST: dict[str, Any] = {
    "dispatch_interval_s": 0.05,
    "delivery_backoff_initial_s": 0.05,
    "delivery_backoff_max_s": 0.2,
    "donor_lookup_backoff_initial_s": 0.05,
    "donor_lookup_backoff_max_s": 0.2,
    "commendation_evaluation_enabled": False,
    "director_name": "Lê Văn Minh",
}


class LocalHttpServer:
    """A FastAPI app served by uvicorn on a free port of this event loop."""

    def __init__(self, app: FastAPI) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off"
        )
        self._server = uvicorn.Server(config)
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._server.serve())

        async def started() -> bool:
            return bool(self._server.started)

        await eventually(started, timeout=10, interval=0.01, message="test HTTP server down")

    async def stop(self) -> None:
        self._server.should_exit = True
        if self._task is not None:
            await self._task


@dataclass
class DonorsApi:
    """The donors API of the donations service, as agreed (`GET /v1/donors/{id}`, and
    `POST /v1/donors/lookup` for the donors of a dispatch round)."""

    donors: dict[str, dict[str, Any]] = field(default_factory=dict)
    down: bool = False
    calls: int = 0
    roles_seen: list[str] = field(default_factory=list)
    url: str = ""

    def add(self, **fields: Any) -> uuid.UUID:
        donor_id = uuid.uuid4()
        body = {
            "id": str(donor_id),
            "kind": "person",
            "display_name": "Nguyễn Văn An",
            "salutation": "Ông",
            "anonymous": False,
            "public_name": "Nguyễn Văn An",
            "email": None,
            "phone": None,
            "address": None,
            "preferred_channel": None,
            "opted_out": False,
            "bank_accounts": [{"bank_bin": "970405", "number": "3500431101000909"}],
            **fields,
        }
        self.donors[str(donor_id)] = body
        return donor_id

    def app(self) -> FastAPI:
        app = FastAPI()
        tokens = TokenConfig(DEVELOPMENT_SIGNING_KEY, "baotro", "baotro")

        def refusal(request: Request) -> JSONResponse | None:
            self.calls += 1
            if self.down:
                return JSONResponse({"detail": "maintenance"}, status_code=503)
            bearer = request.headers.get("authorization", "").removeprefix("Bearer ")
            self.roles_seen.append(decode_token(tokens, bearer).role.value)
            return None

        @app.get("/v1/donors/{donor_id}")
        async def donor(donor_id: str, request: Request) -> JSONResponse:
            refused = refusal(request)
            if refused is not None:
                return refused
            body = self.donors.get(donor_id)
            if body is None:
                return JSONResponse({"status": 404}, status_code=404)
            return JSONResponse(body)

        @app.post("/v1/donors/lookup")
        async def donors(request: Request) -> JSONResponse:
            refused = refusal(request)
            if refused is not None:
                return refused
            ids = list(dict.fromkeys((await request.json())["ids"]))
            return JSONResponse(
                {
                    "items": [self.donors[i] for i in ids if i in self.donors],
                    "missing": [i for i in ids if i not in self.donors],
                }
            )

        return app


@dataclass
class ProviderStub:
    """A provider endpoint that records requests and answers from a queue (then `default`)."""

    default: dict[str, Any]
    answers: list[dict[str, Any]] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    url: str = ""

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/{path:path}")
        async def receive(path: str, request: Request) -> JSONResponse:
            seen: dict[str, Any] = {"path": "/" + path, "headers": dict(request.headers)}
            if request.headers.get("content-type", "").startswith("application/json"):
                seen["json"] = await request.json()
            else:
                seen["form"] = {k: str(v) for k, v in (await request.form()).items()}
            self.requests.append(seen)
            return JSONResponse(self.answers.pop(0) if self.answers else self.default)

        return app


@pytest.fixture
def mail() -> Iterator[MailSink]:
    with MailSink() as sink:
        yield sink


@pytest.fixture
async def donors_api() -> AsyncIterator[DonorsApi]:
    api = DonorsApi()
    server = LocalHttpServer(api.app())
    api.url = server.url
    await server.start()
    yield api
    await server.stop()


async def _serve_stub(stub: ProviderStub) -> AsyncIterator[ProviderStub]:
    server = LocalHttpServer(stub.app())
    stub.url = server.url
    await server.start()
    yield stub
    await server.stop()


@pytest.fixture
async def esms() -> AsyncIterator[ProviderStub]:
    async for stub in _serve_stub(ProviderStub({"CodeResult": "100", "SMSID": "sms-1"})):
        yield stub


@pytest.fixture
async def zalo() -> AsyncIterator[ProviderStub]:
    answer = {"error": 0, "message": "Success", "data": {"msg_id": "zns-1", "sent_time": "1"}}
    async for stub in _serve_stub(ProviderStub(answer)):
        yield stub


@pytest.fixture
async def zalo_oauth() -> AsyncIterator[ProviderStub]:
    """Zalo's OAuth server renewing the OA's tokens: answers from `answers`, then refuses."""
    refused = {"error": -14014, "error_name": "Invalid refresh token"}
    async for stub in _serve_stub(ProviderStub(refused)):
        yield stub


StartNotifications = Callable[..., Any]


@pytest.fixture
def start_notifications(
    services: ServiceHarness, mail: MailSink, donors_api: DonorsApi
) -> StartNotifications:
    async def _start(**overrides: Any) -> RunningService:
        return await services.start(
            "notifications",
            **{
                **FAST,
                "smtp_port": mail.port,
                "donations_url": donors_api.url,
                **overrides,
            },
        )

    return _start


class Events:
    """Publishes events to the real broker as their producing service would."""

    def __init__(self, broker: BrokerProcess) -> None:
        self._broker = broker
        self._catalogue = load_contracts()

    def envelope(self, data: EventData) -> Envelope:
        return self._catalogue.envelope(data, source=f"/baotro/{data.producer}")

    async def send(self, *envelopes: Envelope) -> None:
        producer = AIOKafkaProducer(bootstrap_servers=self._broker.bootstrap_servers, acks="all")
        await producer.start()
        try:
            for envelope in envelopes:
                await producer.send_and_wait(
                    envelope.type, envelope.to_json_bytes(), key=envelope.subject.encode()
                )
        finally:
            await producer.stop()

    async def publish(self, *events: EventData) -> None:
        await self.send(*(self.envelope(e) for e in events))


@pytest.fixture
def events(broker: BrokerProcess) -> Events:
    return Events(broker)


class Kit:
    """Everything a notifications test touches: the service's neighbours and helpers."""

    def __init__(
        self,
        *,
        start: StartNotifications,
        events: Events,
        mail: MailSink,
        donors: DonorsApi,
        make_token: Callable[..., str],
    ) -> None:
        self.start = start
        self.events = events
        self.mail = mail
        self.donors = donors
        self._make_token = make_token

    @staticmethod
    def gift(donor_id: uuid.UUID | None, amount: int, **fields: Any) -> DonationReceived:
        """A `donation.received` as the donations service publishes it."""
        values: dict[str, Any] = {
            "donation_id": uuid.uuid4(),
            "fund_code": "TH",
            "amount": amount,
            "received_on": date(2026, 11, 20),
            "recorded_at": datetime.now(UTC),
            "channel": "bank",
            "donor_id": donor_id,
            "donor_kind": "person",
            "receipt_number": f"TH-2026-{uuid.uuid4().int % 1_000_000:06d}",
            **fields,
        }
        return DonationReceived(**values)

    @staticmethod
    async def outbox(service: RunningService, event_type: str) -> list[dict[str, Any]]:
        """The payloads of the events a service wrote to its outbox, oldest first."""
        async with service.runtime.engine.connect() as conn:
            rows = (
                await conn.execute(
                    text("SELECT payload FROM outbox WHERE event_type = :t ORDER BY id"),
                    {"t": event_type},
                )
            ).all()
        return [json.loads(bytes(p).decode())["data"] for (p,) in rows]

    def as_role(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._make_token(role, None, sub=f'{role}@quy')}"}

    async def deliveries(self, service: RunningService, **params: str) -> list[dict[str, Any]]:
        response = await service.client.get(
            "/v1/deliveries", params=params, headers=self.as_role("auditor")
        )
        assert response.status_code == 200, response.text
        items: list[dict[str, Any]] = response.json()["items"]
        return items

    async def wait_for_mail(self, count: int, timeout: float = 30.0) -> list[ReceivedMail]:
        async def arrived() -> list[ReceivedMail] | None:
            messages = self.mail.messages
            return messages if len(messages) >= count else None

        found: list[ReceivedMail] = await eventually(
            arrived, timeout=timeout, message=f"fewer than {count} e-mails arrived"
        )
        return found

    async def wait_for_status(
        self,
        service: RunningService,
        status: str,
        timeout: float = 30.0,
        count: int = 1,
        **params: str,
    ) -> list[dict[str, Any]]:
        """The deliveries in `status`, once there are at least `count` of them."""

        async def reached() -> list[dict[str, Any]] | None:
            items = await self.deliveries(service, status=status, **params)
            return items if len(items) >= count else None

        found: list[dict[str, Any]] = await eventually(
            reached, timeout=timeout, message=f"fewer than {count} deliveries reached {status}"
        )
        return found


@pytest.fixture
def kit(
    start_notifications: StartNotifications,
    events: Events,
    mail: MailSink,
    donors_api: DonorsApi,
    make_token: Callable[..., str],
) -> Kit:
    return Kit(
        start=start_notifications,
        events=events,
        mail=mail,
        donors=donors_api,
        make_token=make_token,
    )
