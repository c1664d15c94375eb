"""API contracts of the bulk import and of the reference data (no personal data in any)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class RowRejectionPublic(BaseModel):
    row: int = Field(description="Số dòng như Excel hiển thị")
    field: str
    column: str | None = Field(description="Tiêu đề cột trong mẫu")
    reason: str


class ImportDuplicatePublic(BaseModel):
    row: int
    level: Literal["likely", "possible"]
    score: float
    reasons: list[str]
    other_row: int | None = Field(description="Dòng khác của cùng tệp, nếu trùng trong tệp")
    existing_child_id: uuid.UUID | None = Field(description="Hồ sơ đã có, nếu trùng trong sổ")
    existing_commune_code: str | None
    action: Literal["rejected", "warning"]


class ConvertedCommunePublic(BaseModel):
    old_code: str
    old_name: str | None
    old_district: str | None
    new_code: str
    new_name: str
    other_codes: list[str]
    note: str | None
    rows: list[int]


class RowResultPublic(BaseModel):
    row: int
    status: Literal["imported", "valid", "rejected"]
    child_id: uuid.UUID | None


class ImportPublic(BaseModel):
    import_id: uuid.UUID
    status: str
    mode: str
    dry_run: bool
    filename: str | None
    rows: int
    processed: int
    valid: int
    imported: int
    message: str | None
    error: str | None
    rejected: list[RowRejectionPublic]
    duplicates: list[ImportDuplicatePublic]
    converted_communes: list[ConvertedCommunePublic]
    row_results: list[RowResultPublic]
    ignored_columns: list[str]
    same_file_as: uuid.UUID | None = Field(description="Lần tải lên trước của đúng tệp này")
    created_at: datetime
    finished_at: datetime | None


class LegalGroupPublic(BaseModel):
    code: str
    name_vi: str
    sensitive: bool = Field(description="Không bao giờ xuất hiện trong bài kêu gọi công khai")


class CommunePublic(BaseModel):
    code: str
    name: str


class ResolvedCommunePublic(BaseModel):
    code: str
    name: str
    converted: bool
    old_code: str | None
    old_name: str | None
    old_district_name: str | None
    other_codes: list[str]


class AtRiskCategoryPublic(BaseModel):
    code: str
    name_vi: str
    active: bool


class AtRiskCategoryPut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name_vi: str = Field(min_length=3, max_length=300, examples=["Trẻ em thuộc hộ nghèo"])
    active: bool = True
