"""Bulk import of children from XLSX: keep the upload, check every row, import in one go.

Small files are processed within the request; large ones (more than `BACKGROUND_ROWS`
rows) in an asyncio task whose progress is committed in short transactions of their own,
while the import itself stays one transaction: all valid rows or none, never half a file.
"""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import structlog

from baotro_registry.adapters.import_repository import AtRiskCategoryRepository
from baotro_registry.domain.child_import import (
    CheckedRow,
    ChildImport,
    FileDuplicates,
    ImportMode,
    ImportReport,
    ImportStatus,
    RowContext,
    RowProblem,
    check_row,
    duplicate_reason,
    likely,
)
from baotro_registry.domain.children import age_band
from baotro_registry.domain.communes import CommuneDirectory
from baotro_registry.domain.duplicates import MatchLevel, find_duplicates
from baotro_registry.domain.import_template import (
    ImportFileError,
    ImportSheet,
    SheetRow,
    build_template,
    read_workbook,
)
from baotro_registry.domain.legacy_communes import LegacyDirectory
from baotro_registry.service_layer.unit_of_work import RegistryUnitOfWork
from baotro_shared.events.contracts.registry import ChildRegistered
from baotro_shared.timeutil import today_in_vietnam
from baotro_shared.web.auth import Principal, Role

log = structlog.get_logger(__name__)

BACKGROUND_ROWS = 500
"""Files with more data rows than this are processed in the background."""
PROGRESS_EVERY = 50
FAILED_MESSAGE = "Lỗi hệ thống khi xử lý tệp; không dòng nào được nhập. Hãy thử lại sau."
INTERRUPTED_MESSAGE = (
    "Việc nhập bị gián đoạn do dịch vụ khởi động lại; không dòng nào được nhập. "
    "Hãy tải tệp lên lại."
)

UowFactory = Callable[[], RegistryUnitOfWork]
Progress = Callable[[int, ImportStatus], Awaitable[None]]


@dataclass(frozen=True)
class ReceiveImport:
    data: bytes
    filename: str | None
    content_type: str | None
    mode: ImportMode
    dry_run: bool


@dataclass(frozen=True)
class Received:
    import_id: uuid.UUID
    sheet: ImportSheet | None
    error: str | None
    same_file_as: uuid.UUID | None


async def handle_receive_import(
    uow: RegistryUnitOfWork, command: ReceiveImport, *, principal: Principal
) -> Received:
    """Keep the upload (even a malformed one, for inspection) and read its sheet."""
    try:
        sheet: ImportSheet | None = await asyncio.to_thread(read_workbook, command.data)
        error = None
    except ImportFileError as exc:
        sheet, error = None, exc.message
    now = datetime.now(UTC)
    import_id = uuid.uuid4()
    async with uow:
        same = await uow.imports.earlier_same_file(
            hashlib.sha256(command.data).hexdigest(), before=now
        )
        await uow.imports.add(
            import_id=import_id,
            created_at=now,
            created_by=principal.sub,
            created_by_role=principal.role.value,
            filename=command.filename,
            content_type=command.content_type,
            raw=command.data,
            mode=command.mode,
            dry_run=command.dry_run,
            status=ImportStatus.INVALID_FILE if sheet is None else ImportStatus.QUEUED,
            rows=len(sheet.rows) if sheet is not None else 0,
            error=error,
        )
        await uow.commit()
    log.info(
        "registry.import.received",
        import_id=str(import_id),
        size_bytes=len(command.data),
        rows=len(sheet.rows) if sheet is not None else None,
        valid_file=sheet is not None,
    )
    return Received(import_id, sheet, error, same)


@dataclass(frozen=True)
class ProcessImport:
    import_id: uuid.UUID
    sheet: ImportSheet
    mode: ImportMode
    dry_run: bool
    same_file_as: uuid.UUID | None = None


async def _check(
    uow: RegistryUnitOfWork,
    row: SheetRow,
    ctx: RowContext,
    principal: Principal,
    in_file: FileDuplicates,
    report: ImportReport,
) -> CheckedRow | None:
    """One row: fields, scope, duplicates in the file, then in the registry."""
    outcome = check_row(row, ctx)
    if isinstance(outcome, list):
        report.reject(outcome)
        return None
    child, n = outcome.child, row.number
    report.converted(n, outcome.commune)
    if not principal.may_access(child.commune_code):
        report.reject(
            [
                RowProblem(
                    n,
                    "commune_code",
                    f"{outcome.commune.name} (mã {child.commune_code}) ngoài địa bàn được phân "
                    "công cho bạn.",
                )
            ]
        )
        return None
    for other_row, candidate in in_file.matches(child):
        is_likely = candidate.level is MatchLevel.LIKELY
        report.duplicate(n, candidate, other_row=other_row, rejected=is_likely)
        if is_likely:
            report.reject(
                [RowProblem(n, "duplicate", duplicate_reason(candidate, other_row=other_row))]
            )
            return None
    candidates = find_duplicates(child, list(await uow.children.candidates(child)))
    for candidate in candidates:
        report.duplicate(
            n, candidate, other_row=None, rejected=candidate.level is MatchLevel.LIKELY
        )
    if found := likely(candidates):
        report.reject([RowProblem(n, "duplicate", duplicate_reason(found[0], other_row=None))])
        return None
    return outcome


async def handle_process_import(
    uow: RegistryUnitOfWork,
    command: ProcessImport,
    *,
    principal: Principal,
    directory: CommuneDirectory,
    legacy: LegacyDirectory,
    progress: Progress | None = None,
) -> ChildImport:
    """Check every row; import the valid ones (or none), each announced via the outbox."""
    now = datetime.now(UTC)
    today = today_in_vietnam()
    rows = command.sheet.rows
    report = ImportReport(rows=len(rows))
    every = max(PROGRESS_EVERY, len(rows) // 50)
    async with uow:
        ctx = RowContext(
            directory=directory,
            legacy=legacy,
            at_risk=await AtRiskCategoryRepository(uow.session).active_names(),
            created_by=principal.sub,
            now=now,
            today=today,
        )
        in_file = FileDuplicates()
        accepted: list[CheckedRow] = []
        for index, row in enumerate(rows, start=1):
            checked = await _check(uow, row, ctx, principal, in_file, report)
            if checked is not None:
                accepted.append(checked)
                in_file.add(checked)
                report.row_status[row.number] = "valid"
            if progress is not None and index % every == 0:
                await progress(index, ImportStatus.PROCESSING)
        importing = (
            not command.dry_run
            and bool(accepted)
            and (command.mode is ImportMode.VALID_ONLY or not report.rejected)
        )
        if importing:
            if progress is not None:
                await progress(len(rows), ImportStatus.IMPORTING)
            for checked in accepted:
                child = checked.child
                await uow.children.add(child)
                await uow.publish(
                    ChildRegistered(
                        child_id=child.id,
                        commune_code=child.commune_code,
                        province_code=directory.province_code,
                        groups=child.groups,
                        at_risk=child.at_risk,
                        age_band=age_band(child.age_on(today)),
                        registered_at=now,
                    )
                )
                report.row_status[checked.row] = "imported"
                report.child_ids[checked.row] = child.id
        imported = len(accepted) if importing else 0
        body: dict[str, Any] = report.to_json(
            mode=command.mode, dry_run=command.dry_run, imported=imported
        )
        body["sheet"] = command.sheet.sheet_name
        body["ignored_columns"] = list(command.sheet.ignored_headers)
        body["same_file_as"] = str(command.same_file_as) if command.same_file_as else None
        await uow.imports.finish(
            command.import_id,
            status=ImportStatus.COMPLETED,
            at=datetime.now(UTC),
            processed=len(rows),
            valid=len(accepted),
            imported=imported,
            report=body,
        )
        result = await uow.imports.get(command.import_id)
        await uow.commit()
    assert result is not None
    log.info(
        "registry.import.completed",
        import_id=str(command.import_id),
        rows=len(rows),
        valid=len(accepted),
        imported=imported,
        rejected_rows=report.rejected_rows,
        mode=command.mode.value,
        dry_run=command.dry_run,
    )
    return result


async def handle_record_progress(
    uow: RegistryUnitOfWork, import_id: uuid.UUID, *, processed: int, status: ImportStatus
) -> None:
    async with uow:
        await uow.imports.update_progress(
            import_id, processed=processed, status=status, at=datetime.now(UTC)
        )
        await uow.commit()


async def handle_fail_import(uow: RegistryUnitOfWork, import_id: uuid.UUID, message: str) -> None:
    async with uow:
        await uow.imports.fail(import_id, message=message, at=datetime.now(UTC))
        await uow.commit()


async def run_import(
    uows: UowFactory,
    command: ProcessImport,
    *,
    principal: Principal,
    directory: CommuneDirectory,
    legacy: LegacyDirectory,
    report_progress: bool,
) -> ChildImport | None:
    """Process an import; on a crash or a shutdown it is marked failed (nothing imported)."""

    async def progress(processed: int, status: ImportStatus) -> None:
        await handle_record_progress(uows(), command.import_id, processed=processed, status=status)

    try:
        if report_progress:
            await progress(0, ImportStatus.PROCESSING)
        return await handle_process_import(
            uows(),
            command,
            principal=principal,
            directory=directory,
            legacy=legacy,
            progress=progress if report_progress else None,
        )
    except asyncio.CancelledError:
        await handle_fail_import(uows(), command.import_id, INTERRUPTED_MESSAGE)
        raise
    except Exception:
        log.exception("registry.import.failed", import_id=str(command.import_id))
        await handle_fail_import(uows(), command.import_id, FAILED_MESSAGE)
        if not report_progress:
            raise
        return None


class BackgroundImports:
    """Imports still running after their request returned; cancelled at shutdown."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()

    def start(self, import_id: uuid.UUID, work: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.create_task(work, name=f"registry-import-{import_id}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @property
    def running(self) -> int:
        return len(self._tasks)

    async def shutdown(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)


async def handle_read_import(
    uow: RegistryUnitOfWork, import_id: uuid.UUID, *, principal: Principal
) -> ChildImport | None:
    """An import and its report; a case worker sees only their own uploads."""
    async with uow:
        found = await uow.imports.get(import_id)
    if found is None:
        return None
    if principal.role is Role.CASE_WORKER and found.created_by != principal.sub:
        return None
    return found


async def handle_import_template(uow: RegistryUnitOfWork) -> bytes:
    """The XLSX template, its guide listing the current at-risk categories."""
    async with uow:
        at_risk = await AtRiskCategoryRepository(uow.session).active_names()
    return await asyncio.to_thread(build_template, at_risk)
