"""The topics reporting consumes and the projection handling each."""

from __future__ import annotations

from collections.abc import Mapping

from baotro_reporting.service_layer.projections import (
    on_case_closed,
    on_case_opened,
    on_case_stage_changed,
)
from baotro_reporting.service_layer.unit_of_work import ReportingUnitOfWork
from baotro_shared.messaging.consumer import Handler

HANDLERS: Mapping[str, Handler[ReportingUnitOfWork]] = {
    "case.opened": on_case_opened,
    "case.stage_changed": on_case_stage_changed,
    "case.closed": on_case_closed,
}
