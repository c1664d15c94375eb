"""Reports: requested by staff, generated from the read models (XLSX + PDF with charts)."""

from __future__ import annotations

import asyncio
import base64
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import structlog

from baotro_reporting.adapters.charts import all_charts
from baotro_reporting.adapters.orm import ReportRow
from baotro_reporting.adapters.rendering import render
from baotro_reporting.adapters.xlsx_report import build_xlsx
from baotro_reporting.domain.periods import parse_period
from baotro_reporting.domain.report_figures import ReportFigures
from baotro_reporting.service_layer.figures import collect_figures
from baotro_reporting.service_layer.unit_of_work import ReportingUnitOfWork
from baotro_shared.documents import render_pdf_async
from baotro_shared.events.contracts.reporting import ReportGenerated
from baotro_shared.timeutil import VIETNAM

log = structlog.get_logger(__name__)

TITLES = {
    "periodic": "Báo cáo tình hình tiếp nhận và sử dụng Quỹ",
    "disclosure": "Báo cáo công khai tình hình tiếp nhận và sử dụng các nguồn đóng góp",
}


@dataclass(frozen=True)
class RequestReport:
    kind: str
    fund_code: str
    period: str
    publish: bool
    requested_by: str


async def request_report(uow: ReportingUnitOfWork, command: RequestReport) -> ReportRow:
    """Record the request (status `pending`); raises PeriodError for a bad period."""
    period = parse_period(command.period)
    row = ReportRow(
        id=uuid.uuid4(),
        kind=command.kind,
        fund_code=command.fund_code,
        period=period.code,
        status="pending",
        published=command.publish,
        requested_by=command.requested_by,
        requested_at=datetime.now(UTC),
        generated_at=None,
        error=None,
        received_total=None,
        spent_total=None,
        xlsx=None,
        pdf=None,
    )
    async with uow:
        await uow.records.add_report(row)
        await uow.commit()
    return row


def report_html(figures: ReportFigures, charts: dict[str, bytes]) -> str:
    encoded = {name: base64.b64encode(png).decode("ascii") for name, png in charts.items()}
    return render(
        "report/report.html",
        title=TITLES.get(figures.kind, TITLES["periodic"]),
        f=figures,
        charts=encoded,
        channel_totals={
            c: sum(m.by_channel.get(c, 0) for m in figures.months) for c in figures.channels
        },
        generated_on=datetime.now(VIETNAM).date(),
    )


def _files(figures: ReportFigures) -> tuple[bytes, str]:
    """The workbook and the PDF's HTML (CPU work: run in a worker thread)."""
    return build_xlsx(figures), report_html(figures, all_charts(figures))


async def generate_report(
    uow_factory: Callable[[], ReportingUnitOfWork], report_id: uuid.UUID, *, fund_name: str
) -> None:
    """Compute the figures, render both files, store them and announce `report.generated`."""
    try:
        async with uow_factory() as uow:
            row = await uow.records.report(report_id)
            if row is None:
                return
            kind, fund_code, period = row.kind, row.fund_code, parse_period(row.period)
            figures = await collect_figures(
                uow, fund_code=fund_code, fund_name=fund_name, kind=kind, period=period
            )
        problems = figures.inconsistencies()
        if problems:
            raise RuntimeError("; ".join(problems))
        xlsx, html = await asyncio.to_thread(_files, figures)
        pdf = await render_pdf_async(html)
    except Exception as exc:
        log.exception("reporting.report.failed", report_id=str(report_id))
        async with uow_factory() as uow:
            row = await uow.records.report(report_id)
            if row is not None:
                row.status = "failed"
                row.error = f"Không lập được báo cáo: {type(exc).__name__}"
                await uow.commit()
        return
    generated_at = datetime.now(UTC)
    async with uow_factory() as uow:
        row = await uow.records.report(report_id)
        if row is None:
            return
        row.status, row.generated_at, row.xlsx, row.pdf = "done", generated_at, xlsx, pdf
        row.received_total, row.spent_total = figures.received, figures.spent
        await uow.publish(
            ReportGenerated(
                report_id=row.id,
                kind="disclosure" if row.kind == "disclosure" else "periodic",
                fund_code=row.fund_code,
                period=row.period,
                period_start=period.start,
                period_end=period.end,
                received_total=figures.received,
                spent_total=figures.spent,
                published=row.published,
                generated_at=generated_at,
            )
        )
        await uow.commit()
    log.info("reporting.report.generated", report_id=str(report_id), period=period.code)
