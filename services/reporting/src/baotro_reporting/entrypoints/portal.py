"""The public portal's home page (server-rendered, Vietnamese). Grows with the reporting issue."""

from __future__ import annotations

from html import escape

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from baotro_reporting.service_layer.unit_of_work import ReportingUnitOfWork
from baotro_reporting.settings import ReportingSettings
from baotro_shared.runtime import ServiceRuntime

router = APIRouter(include_in_schema=False)

_PAGE = """<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{fund}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 0 auto; max-width: 48rem; padding: 1rem;
       line-height: 1.5; color: #1a1a1a; }}
h1 {{ font-size: 1.5rem; color: #0b5394; }}
.figure {{ font-size: 2rem; font-weight: 700; }}
</style>
</head>
<body>
<header><h1>{fund}</h1></header>
<main>
<p>Quỹ tiếp nhận sự ủng hộ của các tổ chức, cá nhân để hỗ trợ trẻ em có hoàn cảnh đặc biệt
trên địa bàn tỉnh.</p>
<section>
<h2>Trẻ em đang được theo dõi, hỗ trợ</h2>
<p class="figure">{open_total}</p>
<p>hồ sơ đang mở tại {communes} xã, phường.</p>
</section>
</main>
</body>
</html>
"""


@router.get("/", response_class=HTMLResponse)
async def home(request: Request) -> HTMLResponse:
    runtime: ServiceRuntime[ReportingUnitOfWork] = request.app.state.runtime
    settings: ReportingSettings = request.app.state.settings
    async with runtime.uow() as uow:
        stats = await uow.case_views.stats(communes=None)
    html = _PAGE.format(
        fund=escape(settings.fund_name),
        open_total=f"{stats.open_total:,}".replace(",", "."),
        communes=len(stats.by_commune),
    )
    return HTMLResponse(html)
