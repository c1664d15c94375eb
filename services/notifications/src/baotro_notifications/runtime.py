"""The notifications runtime: the shared service runtime (engine, outbox relay, consumer) plus
this service's own background tasks — the dispatcher and the nightly commendation evaluation —
started and stopped with it."""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
from concurrent.futures import ProcessPoolExecutor

import httpx
import structlog

from baotro_notifications.adapters.channels import ChannelSenders
from baotro_notifications.adapters.donor_directory import HttpDonorDirectory
from baotro_notifications.adapters.letter_renderer import LetterRenderer, warm_up_renderer
from baotro_notifications.domain.letters import Letterhead
from baotro_notifications.domain.notices import Backoff
from baotro_notifications.service_layer.dispatcher import Dispatcher, DispatchPolicy
from baotro_notifications.service_layer.nightly import NightlyEvaluation
from baotro_notifications.service_layer.unit_of_work import NotificationsUnitOfWork
from baotro_notifications.settings import NotificationsSettings
from baotro_shared.runtime import ServiceDefinition, ServiceRuntime
from baotro_shared.web.auth import TokenConfig

log = structlog.get_logger(__name__)


def letterhead(settings: NotificationsSettings) -> Letterhead:
    return Letterhead(
        fund_name=settings.fund_name,
        parent_body=settings.fund_parent_body,
        address=settings.fund_address,
        place=settings.place_name,
        director_title=settings.director_title,
        director_name=settings.director_name,
        phone=settings.fund_phone,
    )


def dispatch_policy(settings: NotificationsSettings) -> DispatchPolicy:
    return DispatchPolicy(
        max_attempts=settings.delivery_max_attempts,
        delivery_backoff=Backoff(
            settings.delivery_backoff_initial_s, settings.delivery_backoff_max_s
        ),
        lookup_backoff=Backoff(
            settings.donor_lookup_backoff_initial_s, settings.donor_lookup_backoff_max_s
        ),
        batch_size=settings.dispatch_batch_size,
        concurrency=settings.dispatch_concurrency,
        lease_s=settings.dispatch_lease_s,
        quiet_period_s=settings.unit_summary_quiet_period_s,
        interval_s=settings.dispatch_interval_s,
        email_letter=settings.email_letter,
    )


def render_pool(settings: NotificationsSettings) -> ProcessPoolExecutor | None:
    """The processes rendering PDFs, when configured (started on the first letter)."""
    if not settings.render_processes:
        return None
    return ProcessPoolExecutor(
        settings.render_processes,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=warm_up_renderer,
        max_tasks_per_child=settings.render_process_max_letters,
    )


class NotificationsRuntime(ServiceRuntime[NotificationsUnitOfWork]):
    def __init__(
        self,
        settings: NotificationsSettings,
        definition: ServiceDefinition[NotificationsUnitOfWork],
    ) -> None:
        super().__init__(settings, definition)
        self.notification_settings = settings
        self.http = httpx.AsyncClient(timeout=settings.donations_timeout_s * 2)
        self.directory = HttpDonorDirectory(
            settings.donations_url,
            TokenConfig(settings.jwt_secret, settings.jwt_issuer, settings.jwt_audience),
            timeout_s=settings.donations_timeout_s,
        )
        self.render_pool = render_pool(settings)
        self.renderer = LetterRenderer(letterhead(settings), executor=self.render_pool)
        self.senders = ChannelSenders.from_settings(settings, self.http, self.uow)
        self.dispatcher = Dispatcher(
            uow_factory=self.uow,
            directory=self.directory,
            senders=self.senders,
            renderer=self.renderer,
            policy=dispatch_policy(settings),
        )
        self.nightly = NightlyEvaluation(self.uow, settings.commendation_evaluation_time)
        self._background: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        await super().start()
        self._background.append(self.supervised("dispatcher", self.dispatcher.run))
        if self.notification_settings.commendation_evaluation_enabled:
            self._background.append(self.supervised("nightly-commendations", self.nightly.run))

    async def stop(self) -> None:
        self.dispatcher.stop()
        for task in self._background:
            task.cancel()
        for task in self._background:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._background.clear()
        await self.senders.aclose()
        self.renderer.close()
        if self.render_pool is not None:
            self.render_pool.shutdown(wait=False, cancel_futures=True)
        await self.directory.aclose()
        await self.http.aclose()
        await super().stop()
