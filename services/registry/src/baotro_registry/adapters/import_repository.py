"""Imports of children (the uploaded file encrypted) and the editable at-risk categories."""

from __future__ import annotations

import base64
import hashlib
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from baotro_registry.adapters.orm_children import AtRiskCategoryRecord
from baotro_registry.adapters.orm_imports import ChildImportRecord
from baotro_registry.domain.child_import import ChildImport, ImportMode, ImportStatus
from baotro_shared.crypto import FieldCipher


def _context(import_id: uuid.UUID) -> str:
    return f"child_imports:{import_id}:raw"


class ImportRepository:
    def __init__(self, session: AsyncSession, cipher: FieldCipher) -> None:
        self._session = session
        self._cipher = cipher

    async def add(
        self,
        *,
        import_id: uuid.UUID,
        created_at: datetime,
        created_by: str,
        created_by_role: str,
        filename: str | None,
        content_type: str | None,
        raw: bytes,
        mode: ImportMode,
        dry_run: bool,
        status: ImportStatus,
        rows: int,
        error: str | None = None,
    ) -> None:
        """Keep an upload; the bytes are encrypted (a children's list is all personal data)."""
        sealed = self._cipher.encrypt(
            base64.b64encode(raw).decode("ascii"), context=_context(import_id)
        )
        assert sealed is not None
        self._session.add(
            ChildImportRecord(
                id=import_id,
                created_at=created_at,
                created_by=created_by,
                created_by_role=created_by_role,
                filename=filename[:255] if filename else None,
                content_type=content_type[:200] if content_type else None,
                size_bytes=len(raw),
                sha256=hashlib.sha256(raw).hexdigest(),
                key_id=self._cipher.active_key_id,
                raw_enc=sealed,
                mode=mode.value,
                dry_run=dry_run,
                status=status.value,
                rows=rows,
                processed=0,
                valid=0,
                imported=0,
                error=error,
                report=None,
                updated_at=created_at,
                finished_at=created_at if status is ImportStatus.INVALID_FILE else None,
            )
        )
        await self._session.flush()

    async def get(self, import_id: uuid.UUID) -> ChildImport | None:
        record = await self._session.get(ChildImportRecord, import_id)
        return _to_domain(record) if record is not None else None

    async def raw_file(self, import_id: uuid.UUID) -> bytes | None:
        """The uploaded bytes, decrypted (for inspection by the people who may see them)."""
        record = await self._session.get(ChildImportRecord, import_id)
        if record is None:
            return None
        opened = self._cipher.decrypt(record.raw_enc, context=_context(import_id))
        return base64.b64decode(opened) if opened is not None else None

    async def earlier_same_file(self, sha256: str, *, before: datetime) -> uuid.UUID | None:
        """The latest earlier upload of the very same bytes, if any."""
        stmt = (
            select(ChildImportRecord.id)
            .where(ChildImportRecord.sha256 == sha256, ChildImportRecord.created_at < before)
            .order_by(ChildImportRecord.created_at.desc())
            .limit(1)
        )
        return (await self._session.execute(stmt)).scalar_one_or_none()

    async def update_progress(
        self, import_id: uuid.UUID, *, processed: int, status: ImportStatus, at: datetime
    ) -> None:
        await self._session.execute(
            update(ChildImportRecord)
            .where(ChildImportRecord.id == import_id)
            .values(processed=processed, status=status.value, updated_at=at)
        )

    async def finish(
        self,
        import_id: uuid.UUID,
        *,
        status: ImportStatus,
        at: datetime,
        processed: int | None = None,
        valid: int | None = None,
        imported: int | None = None,
        report: dict[str, Any] | None = None,
        error: str | None = None,
    ) -> None:
        values: dict[str, Any] = {
            "status": status.value,
            "updated_at": at,
            "finished_at": at,
            "error": error,
        }
        extra = {"processed": processed, "valid": valid, "imported": imported, "report": report}
        values.update({k: v for k, v in extra.items() if v is not None})
        await self._session.execute(
            update(ChildImportRecord).where(ChildImportRecord.id == import_id).values(**values)
        )

    async def fail(self, import_id: uuid.UUID, *, message: str, at: datetime) -> bool:
        """Mark an unfinished import failed; a finished one (its commit won a race) stays."""
        unfinished = (ImportStatus.QUEUED, ImportStatus.PROCESSING, ImportStatus.IMPORTING)
        result = await self._session.execute(
            update(ChildImportRecord)
            .where(
                ChildImportRecord.id == import_id,
                ChildImportRecord.status.in_([s.value for s in unfinished]),
            )
            .values(status=ImportStatus.FAILED.value, error=message, updated_at=at, finished_at=at)
        )
        return bool(getattr(result, "rowcount", 0))


def _to_domain(record: ChildImportRecord) -> ChildImport:
    return ChildImport(
        id=record.id,
        created_at=record.created_at,
        created_by=record.created_by,
        created_by_role=record.created_by_role,
        filename=record.filename,
        size_bytes=record.size_bytes,
        sha256=record.sha256,
        mode=ImportMode(record.mode),
        dry_run=record.dry_run,
        status=ImportStatus(record.status),
        rows=record.rows,
        processed=record.processed,
        valid=record.valid,
        imported=record.imported,
        error=record.error,
        report=record.report,
        finished_at=record.finished_at,
    )


class AtRiskCategoryRepository:
    """At-risk categories: reference data that the fund edits (no single legal list)."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def categories(self, *, include_inactive: bool) -> list[AtRiskCategoryRecord]:
        stmt = select(AtRiskCategoryRecord).order_by(AtRiskCategoryRecord.code)
        if not include_inactive:
            stmt = stmt.where(AtRiskCategoryRecord.active.is_(True))
        return list((await self._session.execute(stmt)).scalars())

    async def active_names(self) -> dict[str, str]:
        """Active codes → Vietnamese names."""
        return {c.code: c.name_vi for c in await self.categories(include_inactive=False)}

    async def save(self, code: str, *, name_vi: str, active: bool) -> tuple[bool, bool]:
        """Add or change a category; returns (created, changed)."""
        record = await self._session.get(AtRiskCategoryRecord, code)
        if record is None:
            self._session.add(AtRiskCategoryRecord(code=code, name_vi=name_vi, active=active))
            await self._session.flush()
            return True, True
        changed = (record.name_vi, record.active) != (name_vi, active)
        record.name_vi, record.active = name_vi, active
        await self._session.flush()
        return False, changed
