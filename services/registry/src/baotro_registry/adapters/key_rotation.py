"""Re-encrypt personal data under the active key, so that an old key can be retired.

Every encrypted column is named `<field>_enc` and sealed with the context
`<table>:<row id>:<field>`; the rotation relies on that convention, table by table.
"""

from __future__ import annotations

from dataclasses import dataclass

import structlog
from sqlalchemy import MetaData, Table, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from baotro_shared.crypto import FieldCipher

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class RotationResult:
    values: dict[str, int]
    """Re-encrypted values per table."""

    @property
    def total(self) -> int:
        return sum(self.values.values())


def encrypted_tables(metadata: MetaData) -> dict[Table, list[str]]:
    """Tables with encrypted columns, and the field names (`<field>_enc`) of each."""
    found: dict[Table, list[str]] = {}
    for table in metadata.sorted_tables:
        fields = [c.name[: -len("_enc")] for c in table.columns if c.name.endswith("_enc")]
        if fields and "id" in table.columns:
            found[table] = fields
    return found


async def rotate_keys(
    sessions: async_sessionmaker[AsyncSession],
    cipher: FieldCipher,
    metadata: MetaData,
    *,
    batch_size: int = 500,
) -> RotationResult:
    """Re-encrypt every value sealed with another key than the active one, batch by batch.

    Each batch is its own transaction: a rotation interrupted half-way leaves every value
    readable (old keys stay in the keyring until the rotation reports nothing left).
    """
    counts: dict[str, int] = {}
    for table, fields in encrypted_tables(metadata).items():
        columns = [table.c[f"{f}_enc"] for f in fields]
        last_id: object = None
        rotated = 0
        while True:
            async with sessions() as session, session.begin():
                stmt = select(table.c.id, *columns).order_by(table.c.id).limit(batch_size)
                if last_id is not None:
                    stmt = stmt.where(table.c.id > last_id)
                rows = (await session.execute(stmt)).all()
                for row in rows:
                    changes: dict[str, str | None] = {}
                    for field in fields:
                        token = getattr(row, f"{field}_enc")
                        if not cipher.needs_rotation(token):
                            continue
                        context = f"{table.name}:{row.id}:{field}"
                        plain = cipher.decrypt(token, context=context)
                        changes[f"{field}_enc"] = cipher.encrypt(plain, context=context)
                    if changes:
                        if "key_id" in table.columns:
                            changes["key_id"] = cipher.active_key_id
                        await session.execute(
                            update(table).where(table.c.id == row.id).values(**changes)
                        )
                        rotated += len(changes) - (1 if "key_id" in changes else 0)
            if len(rows) < batch_size:
                break
            last_id = rows[-1].id
        counts[table.name] = rotated
    log.info("registry.keys.rotated", active_key=cipher.active_key_id, values=counts)
    return RotationResult(counts)
