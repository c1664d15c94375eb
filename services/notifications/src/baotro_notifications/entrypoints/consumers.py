"""Events the notifications service consumes (added with the issues that need them)."""

from __future__ import annotations

from collections.abc import Mapping

from baotro_notifications.service_layer.unit_of_work import NotificationsUnitOfWork
from baotro_shared.messaging.consumer import Handler

HANDLERS: Mapping[str, Handler[NotificationsUnitOfWork]] = {}
