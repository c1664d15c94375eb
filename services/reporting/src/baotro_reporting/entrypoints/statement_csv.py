"""The statement search result as a CSV download, streamed (UTF-8 with BOM for Excel)."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator

from fastapi.responses import StreamingResponse

from baotro_reporting.domain.statement import LineKind, StatementLine, StatementQuery
from baotro_reporting.service_layer.unit_of_work import ReportingUnitOfWork
from baotro_shared.runtime import ServiceRuntime

BOM = "\ufeff"
HEADER = ("Ngày", "Loại", "Người ủng hộ / khoản chi", "Số tiền (đồng)", "Mục đích", "Nội dung")
KIND_LABELS = {
    LineKind.DONATION: "Thu",
    LineKind.REVERSAL: "Hoàn trả",
    LineKind.DISBURSEMENT: "Chi",
}


def csv_row(line: StatementLine) -> tuple[str, ...]:
    """One CSV row; the amount as a plain signed integer (Excel sums it)."""
    return (
        line.on.strftime("%d/%m/%Y"),
        KIND_LABELS.get(line.kind, line.kind),
        line.name,
        str(line.amount),
        line.purpose,
        line.memo,
    )


async def csv_chunks(
    runtime: ServiceRuntime[ReportingUnitOfWork], query: StatementQuery
) -> AsyncIterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write(BOM)
    writer.writerow(HEADER)
    async with runtime.uow() as uow:
        async for lines in uow.statement.stream(query):
            writer.writerows(csv_row(line) for line in lines)
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode("utf-8")


def csv_response(
    runtime: ServiceRuntime[ReportingUnitOfWork], query: StatementQuery
) -> StreamingResponse:
    return StreamingResponse(
        csv_chunks(runtime, query),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="sao-ke.csv"'},
    )
