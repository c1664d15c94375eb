"""Operations every service offers: replay its event log, list and re-drive dead letters."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field
from sqlalchemy import select

from baotro_shared.runtime import ServiceRuntime
from baotro_shared.web.auth import Principal, Role, require_roles

Operator = Annotated[Principal, Depends(require_roles(Role.FUND_ADMIN, Role.SERVICE))]


class ReplayRequest(BaseModel):
    since: datetime | None = None
    until: datetime | None = None


class ReplayResult(BaseModel):
    scheduled: int


class DeadLetterPublic(BaseModel):
    id: int
    event_id: str
    topic: str
    partition: int
    offset: int
    error: str
    attempts: int
    status: str
    created_at: datetime
    redriven_at: datetime | None


DeadLetterId = Annotated[int, Field(ge=1, le=2**63 - 1)]


class RedriveRequest(BaseModel):
    ids: list[DeadLetterId] | None = Field(None, max_length=10_000)


class RedriveResultPublic(BaseModel):
    redriven: int
    still_failing: int


def _runtime(request: Request) -> ServiceRuntime[Any]:
    runtime: ServiceRuntime[Any] = request.app.state.runtime
    return runtime


Runtime = Annotated[ServiceRuntime[Any], Depends(_runtime)]


def admin_router() -> APIRouter:
    router = APIRouter(prefix="/v1/admin", tags=["admin"])

    @router.post("/replay", response_model=ReplayResult)
    async def replay(body: ReplayRequest, runtime: Runtime, _op: Operator) -> ReplayResult:
        """Re-publish this service's events of a time range (all when no range is given)."""
        return ReplayResult(scheduled=await runtime.replay(since=body.since, until=body.until))

    @router.get("/dead-letters", response_model=list[DeadLetterPublic])
    async def dead_letters(
        runtime: Runtime, _op: Operator, status: str = "dead"
    ) -> list[DeadLetterPublic]:
        dead = runtime.tables.dead_letters
        async with runtime.sessions() as session:
            rows = (
                (
                    await session.execute(
                        select(dead).where(dead.c.status == status).order_by(dead.c.id).limit(500)
                    )
                )
                .mappings()
                .all()
            )
        return [DeadLetterPublic.model_validate(dict(r)) for r in rows]

    @router.post("/dead-letters/redrive", response_model=RedriveResultPublic)
    async def redrive(body: RedriveRequest, runtime: Runtime, _op: Operator) -> RedriveResultPublic:
        """Handle dead letters again, after the fix that makes them pass has been deployed."""
        result = await runtime.redrive(body.ids)
        return RedriveResultPublic(redriven=result.redriven, still_failing=result.still_failing)

    return router
