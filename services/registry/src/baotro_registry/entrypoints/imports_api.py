"""HTTP API of the bulk import of children from XLSX, and its template.

Who may import: the roles that register children one by one (case workers within their
communes, supervisors). The fund administrator never handles children's personal data here,
and a children's list is nothing but personal data: 403.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, File, Form, Request, UploadFile
from fastapi.responses import JSONResponse, Response

from baotro_registry.domain.child_import import ChildImport, ImportMode
from baotro_registry.domain.legacy_communes import legacy_directory
from baotro_registry.entrypoints.dependencies import Directory, Uow
from baotro_registry.entrypoints.import_schemas import ImportPublic
from baotro_registry.service_layer.import_handlers import (
    BACKGROUND_ROWS,
    BackgroundImports,
    ProcessImport,
    ReceiveImport,
    UowFactory,
    handle_import_template,
    handle_read_import,
    handle_receive_import,
    run_import,
)
from baotro_registry.service_layer.unit_of_work import RegistryUnitOfWork
from baotro_registry.settings import RegistrySettings
from baotro_shared.runtime import ServiceRuntime
from baotro_shared.web.auth import Principal, Role, require_roles
from baotro_shared.web.problems import ProblemError, problem_response

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@asynccontextmanager
async def _background_imports(app: FastAPI) -> AsyncIterator[None]:
    """Large imports run as tasks of the app; at shutdown they stop (and are marked so)."""
    imports = BackgroundImports()
    app.state.background_imports = imports
    try:
        yield
    finally:
        await imports.shutdown()


router = APIRouter(prefix="/v1", tags=["imports"], lifespan=_background_imports)

Importer = Annotated[Principal, Depends(require_roles(Role.CASE_WORKER, Role.SUPERVISOR))]
ImportReader = Annotated[
    Principal, Depends(require_roles(Role.CASE_WORKER, Role.SUPERVISOR, Role.AUDITOR))
]


def _uows(request: Request) -> UowFactory:
    runtime: ServiceRuntime[RegistryUnitOfWork] = request.app.state.runtime
    return runtime.uow


Uows = Annotated[UowFactory, Depends(_uows)]


def _public(found: ChildImport) -> ImportPublic:
    report: dict[str, Any] = dict(found.report or {})
    return ImportPublic(
        import_id=found.id,
        status=found.status.value,
        mode=found.mode.value,
        dry_run=found.dry_run,
        filename=found.filename,
        rows=found.rows,
        processed=found.processed,
        valid=found.valid,
        imported=found.imported,
        message=report.get("message"),
        error=found.error,
        rejected=report.get("rejected", []),
        duplicates=report.get("duplicates", []),
        converted_communes=report.get("converted_communes", []),
        row_results=report.get("row_results", []),
        ignored_columns=report.get("ignored_columns", []),
        same_file_as=report.get("same_file_as"),
        created_at=found.created_at,
        finished_at=found.finished_at,
    )


@router.get(
    "/imports/children/template.xlsx",
    response_class=Response,
    responses={200: {"content": {XLSX: {}}}},
)
async def import_template(uow: Uow) -> Response:
    """Tải mẫu Excel nhập danh sách trẻ (trang dữ liệu và trang hướng dẫn)."""
    content = await handle_import_template(uow)
    return Response(
        content,
        media_type=XLSX,
        headers={"Content-Disposition": 'attachment; filename="mau-nhap-danh-sach-tre.xlsx"'},
    )


@router.post(
    "/imports/children",
    status_code=201,
    response_model=ImportPublic,
    responses={
        202: {"description": "Tệp lớn: đang xử lý nền, xem tiến độ tại Location"},
        413: {"description": "Tệp quá lớn"},
        422: {"description": "Tệp không phải XLSX hoặc không có dòng tiêu đề"},
    },
)
async def import_children(
    request: Request,
    principal: Importer,
    uows: Uows,
    directory: Directory,
    file: Annotated[UploadFile, File(description="Tệp Excel (.xlsx) theo mẫu")],
    mode: Annotated[ImportMode, Form()] = ImportMode.ALL_OR_NOTHING,
    dry_run: Annotated[bool, Form()] = False,
) -> ImportPublic | JSONResponse:
    """Nhập danh sách trẻ từ Excel: kiểm tra từng dòng, nhập tất cả hoặc chỉ dòng hợp lệ."""
    data = await file.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise ProblemError(
            413, "Tệp quá lớn (tối đa 10 MB); hãy chia danh sách thành nhiều tệp.", slug="too-large"
        )
    received = await handle_receive_import(
        uows(),
        ReceiveImport(
            data=data,
            filename=file.filename,
            content_type=file.content_type,
            mode=mode,
            dry_run=dry_run,
        ),
        principal=principal,
    )
    location = {"Location": f"/v1/imports/{received.import_id}"}
    if received.sheet is None:
        return problem_response(
            request,
            422,
            received.error or "Tệp không đọc được.",
            slug="invalid-import-file",
            headers=location,
            extra={"import_id": str(received.import_id)},
        )
    settings: RegistrySettings = request.app.state.settings
    command = ProcessImport(
        import_id=received.import_id,
        sheet=received.sheet,
        mode=mode,
        dry_run=dry_run,
        same_file_as=received.same_file_as,
    )
    work = run_import(
        uows,
        command,
        principal=principal,
        directory=directory,
        legacy=legacy_directory(settings.province_code),
        report_progress=len(received.sheet.rows) > BACKGROUND_ROWS,
    )
    if len(received.sheet.rows) > BACKGROUND_ROWS:
        background: BackgroundImports = request.app.state.background_imports
        background.start(received.import_id, work)
        return JSONResponse(
            {
                "import_id": str(received.import_id),
                "status": "queued",
                "rows": len(received.sheet.rows),
                "processed": 0,
                "message": "Tệp lớn: đang xử lý nền; xem tiến độ tại địa chỉ trong Location.",
            },
            status_code=202,
            headers=location,
        )
    result = await work
    assert result is not None  # the synchronous path raises instead
    return JSONResponse(_public(result).model_dump(mode="json"), status_code=201, headers=location)


@router.get("/imports/{import_id}", response_model=ImportPublic)
async def read_import(import_id: uuid.UUID, uow: Uow, principal: ImportReader) -> ImportPublic:
    """Trạng thái, tiến độ (processed/rows) và kết quả từng dòng của một lần nhập."""
    found = await handle_read_import(uow, import_id, principal=principal)
    if found is None:
        raise ProblemError(404, "Không tìm thấy lần nhập này (hoặc không phải của bạn).")
    return _public(found)
