"""`baotro donations ...`: the donations service's commands (registered lazily by the shared
`baotro` command, so its start does not import this service).

`baotro donations import FILE --account ACCOUNT [--profile P]` imports a bank statement into
the database of the settings (DONATIONS_DATABASE_URL, else the `make run` file under var/),
migrating it first, with a progress bar on stderr and the summary in Vietnamese on stdout.
"""

from __future__ import annotations

import asyncio
import getpass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import make_url
from sqlalchemy.exc import DBAPIError

if TYPE_CHECKING:
    from baotro_donations.service_layer.bank_feed_handlers import ImportSummary
    from baotro_donations.settings import DonationsSettings

app = typer.Typer(help="Quỹ tài trợ: nhập sao kê ngân hàng.", no_args_is_help=True)

REFUSED = 1
"""Exit code of a refused file or account (2 is a mistyped command line)."""


def _number(value: int) -> str:
    """Vietnamese thousands separator: 200.361."""
    return f"{value:,}".replace(",", ".")


def summary_text(summary: ImportSummary, *, filename: str, account: str) -> str:
    """What the accountant reads after an import."""
    read_as = summary.format or "?"
    if summary.profile:
        read_as += f", mẫu {summary.profile}"
    rows = [
        ("Số dòng", summary.lines),
        ("Đã nhập", summary.imported),
        ("Trùng (đã có từ trước)", summary.duplicates),
        ("Tự động khớp", summary.matched),
        ("Gợi ý (chờ kế toán xác nhận)", summary.suggested),
        ("Chưa khớp", summary.unmatched),
        ("Bỏ qua (phí ngân hàng)", summary.ignored),
        ("Bị từ chối", len(summary.rejected)),
    ]
    width = max(len(label) for label, _ in rows)
    lines = [
        f"Sao kê {filename} ({read_as}) của tài khoản {account}",
        f"Mã lần nhập: {summary.import_id}",
        *(f"  {label.ljust(width)} : {_number(value)}" for label, value in rows),
    ]
    lines += [f"    dòng {r.line_no}: {r.reason}" for r in summary.rejected]
    return "\n".join(lines)


class DatabaseUnreachableError(Exception):
    """The service's database cannot be opened or migrated; the message is Vietnamese."""


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (OSError, KeyError):  # no user name in this environment
        return "cli"


async def _import(
    data: bytes,
    *,
    settings: DonationsSettings,
    filename: str,
    account: str,
    profile: str | None,
    progress: Progress,
) -> ImportSummary:
    from baotro_donations.bootstrap import build_runtime
    from baotro_donations.service_layer.bank_feed_handlers import import_statement

    runtime = build_runtime(settings)
    task = progress.add_task("Đang nhập sao kê", total=None)

    def advance(done: int, total: int) -> None:
        progress.update(task, completed=done, total=total)

    try:
        try:
            await runtime.migrate()
        except (OSError, DBAPIError) as exc:
            where = make_url(settings.database_url).render_as_string(hide_password=True)
            raise DatabaseUnreachableError(f"Không mở được cơ sở dữ liệu {where}: {exc}") from exc
        return await import_statement(
            runtime.uow,
            data,
            settings=settings,
            account=account,
            profile=profile,
            filename=filename,
            actor=_actor(),
            progress=advance,
        )
    finally:
        await runtime.engine.dispose()


@app.command("import")
def import_file(
    file: Annotated[Path, typer.Argument(help="tệp sao kê: CSV, XLSX, MT940 hoặc camt.053")],
    account: Annotated[
        str, typer.Option(help="tài khoản của quỹ: khóa (AGRIBANK) hoặc số tài khoản")
    ],
    profile: Annotated[
        str | None,
        typer.Option(help="mẫu cột (vietcombank, vietinbank, agribank, ...); mặc định tự nhận"),
    ] = None,
) -> None:
    """Nhập một tệp sao kê ngân hàng: đọc, bỏ dòng trùng, đối chiếu, ghi sổ."""
    from baotro_donations.service_layer.bank_feed_handlers import (
        BankFeedRefusedError,
        resolve_account,
    )
    from baotro_donations.settings import DonationsSettings
    from baotro_shared.observability.logging import configure_logging

    settings = DonationsSettings()
    try:
        fund, bank = resolve_account(settings, account)
        data = file.read_bytes()
    except BankFeedRefusedError as exc:
        _refuse(exc.message)
    except FileNotFoundError:
        _refuse(f"Không có tệp {file}.")
    except IsADirectoryError:
        _refuse(f"{file} là một thư mục, không phải tệp sao kê.")
    except PermissionError:
        _refuse(f"Không có quyền đọc tệp {file}.")
    except OSError as exc:
        _refuse(f"Không đọc được tệp {file} ({exc.strerror or exc}).")
    configure_logging(service="donations", level="WARNING", json=False)
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("dòng"),
        TimeElapsedColumn(),
    )
    try:
        with Progress(*columns, console=Console(stderr=True)) as progress:
            summary = asyncio.run(
                _import(
                    data,
                    settings=settings,
                    filename=file.name,
                    account=account,
                    profile=profile,
                    progress=progress,
                )
            )
    except BankFeedRefusedError as exc:
        _refuse(f"Không nhập được {file.name}: {exc.message}")
    except DatabaseUnreachableError as exc:
        _refuse(str(exc))
    typer.echo(summary_text(summary, filename=file.name, account=f"{bank.number} ({fund.name})"))
    if summary.status == "failed":
        _refuse(f"Lần nhập thất bại: {summary.message or 'không rõ lý do'}")


def _refuse(message: str) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(REFUSED)
