"""A stand-in for the donations service's donors API, for the notifications benchmark.

`GET /v1/donors/{id}` (and `POST /v1/donors/lookup` for many ids) answers every id with a
realistic donor derived from the id itself (so
this process and the bench share no state): the body of /tmp/team/interfaces.md — a person
(or, one in ten, an enterprise) with a Vietnamese name and salutation, an e-mail address, a
phone, an address, `preferred_channel` "email", a bank account (which no letter may show).
The bearer token is verified as the donations service verifies it (`service` role needed).
Served by uvicorn (uvloop, no access log) like the services.

Run: `python -m bench.donor_api --port 8102`.
"""

from __future__ import annotations

import argparse
import uuid
from datetime import UTC, datetime
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from unidecode import unidecode

from baotro_shared.settings import DEVELOPMENT_SIGNING_KEY
from baotro_shared.web.auth import Role, TokenConfig, decode_token
from baotro_shared.web.problems import ProblemError

FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô")
MIDDLE_MALE = ("Văn", "Đức", "Minh", "Hữu", "Quang", "Thanh")
MIDDLE_FEMALE = ("Thị", "Ngọc", "Thu", "Hồng", "Thanh", "Minh")
GIVEN_MALE = ("An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Nam", "Quân", "Sơn", "Tuấn")
GIVEN_FEMALE = ("Hà", "Hoa", "Lan", "Linh", "Mai", "Phương", "Tâm", "Thảo", "Trang", "Yến")
COMPANIES = ("Minh Phát", "Hưng Thịnh", "Đông Á", "Sao Việt", "Lam Sơn", "Thành Công")
STREETS = ("Lê Lợi", "Trần Phú", "Bà Triệu", "Hàm Nghi", "Phan Chu Trinh", "Nguyễn Trãi")
BANK_ACCOUNT = "3500431101000909"
"""Every donor's bank account number: the bench checks that no letter shows it."""


def donor_body(donor_id: uuid.UUID) -> dict[str, Any]:
    """The donor `donor_id` stands for (the same answer every time)."""
    n = donor_id.int
    stamp = datetime(2026, 1, 5, 8, 30, tzinfo=UTC).isoformat()
    if n % 10 == 0:
        kind, salutation = "enterprise", "Quý công ty"
        name = f"Công ty TNHH {COMPANIES[(n >> 8) % len(COMPANIES)]}"
    else:
        female = bool((n >> 4) & 1)
        middle, given = (MIDDLE_FEMALE, GIVEN_FEMALE) if female else (MIDDLE_MALE, GIVEN_MALE)
        kind, salutation = "person", "Bà" if female else "Ông"
        name = (
            f"{FAMILY[(n >> 8) % len(FAMILY)]} {middle[(n >> 16) % len(middle)]} "
            f"{given[(n >> 24) % len(given)]}"
        )
    local = unidecode(name).lower().replace(" ", ".")
    return {
        "id": str(donor_id),
        "kind": kind,
        "display_name": name,
        "salutation": salutation,
        "anonymous": False,
        "public_name": name,
        "email": f"{local}.{donor_id.hex[:6]}@example.org",
        "phone": f"09{n % 100_000_000:08d}",
        "address": f"{(n >> 32) % 300 + 1} {STREETS[(n >> 40) % len(STREETS)]}, phường Điện "
        "Biên, thành phố Thanh Hóa, tỉnh Thanh Hóa",
        "preferred_channel": "email",
        "opted_out": False,
        "headcount": None,
        "average_daily_wage": None,
        "commune_code": "14797",
        "bank_accounts": [
            {"bank_bin": "970405", "bank_name": "Agribank", "number": BANK_ACCOUNT},
        ],
        "created_at": stamp,
        "updated_at": stamp,
    }


def create_app() -> FastAPI:
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    tokens = TokenConfig(DEVELOPMENT_SIGNING_KEY, "baotro", "baotro")

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    def refusal(request: Request) -> Response | None:
        bearer = request.headers.get("authorization", "").removeprefix("Bearer ")
        try:
            principal = decode_token(tokens, bearer)
        except ProblemError:
            return JSONResponse({"status": 401}, status_code=401)
        if principal.role is not Role.SERVICE:
            return JSONResponse({"status": 403}, status_code=403)
        return None

    @app.get("/v1/donors/{donor_id}", response_model=None)
    async def donor(donor_id: uuid.UUID, request: Request) -> Response:
        return refusal(request) or JSONResponse(donor_body(donor_id))

    @app.post("/v1/donors/lookup", response_model=None)
    async def donors(request: Request) -> Response:
        ids = [uuid.UUID(i) for i in (await request.json())["ids"]]
        found = {"items": [donor_body(i) for i in dict.fromkeys(ids)], "missing": []}
        return refusal(request) or JSONResponse(found)

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    uvicorn.run(
        create_app(),
        host="127.0.0.1",
        port=args.port,
        log_level="warning",
        access_log=False,
        loop="uvloop",
    )


if __name__ == "__main__":
    main()
