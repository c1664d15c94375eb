"""API contracts of the registry (request and response models)."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class CaseCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    commune_code: str = Field(
        description="Mã xã/phường (đơn vị hành chính từ 01/7/2025), e.g. 14797 = Phường Hạc Thành",
        examples=["14797"],
        min_length=1,
        max_length=10,
    )
    groups: list[str] = Field(
        description="Mã nhóm trẻ em có hoàn cảnh đặc biệt (Điều 10 Luật Trẻ em 2016): a … o",
        examples=[["a", "d"]],
        min_length=1,
    )
    child_id: uuid.UUID | None = None


class CasePublic(BaseModel):
    id: uuid.UUID
    child_id: uuid.UUID | None
    commune_code: str
    commune_name: str | None
    groups: list[str]
    status: str
    stage: str
    opened_at: datetime


class CasePage(BaseModel):
    items: list[CasePublic]
    total: int
    limit: int
    offset: int
