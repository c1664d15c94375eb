"""Likely and possible duplicates of a child about to be registered. Never merged automatically."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from rapidfuzz import fuzz

from baotro_registry.domain.children import Child
from baotro_shared.text import fold


class MatchLevel(enum.StrEnum):
    LIKELY = "likely"
    POSSIBLE = "possible"


@dataclass(frozen=True)
class DuplicateCandidate:
    child: Child
    level: MatchLevel
    score: float
    reasons: tuple[str, ...]


def compare(new: Child, existing: Child) -> DuplicateCandidate | None:
    """Score `existing` against `new` on folded names, birth date/year, commune, guardian, ID."""
    a, b = new.personal, existing.personal
    reasons: list[str] = []
    if a.national_id and b.national_id and a.national_id == b.national_id:
        return DuplicateCandidate(existing, MatchLevel.LIKELY, 1.0, ("national_id",))
    name = fuzz.token_sort_ratio(fold(a.full_name), fold(b.full_name)) / 100
    if name < 0.8:
        return None
    reasons.append("name" if name == 1 else "similar_name")
    score = 0.5 * name
    if a.date_of_birth and b.date_of_birth:
        if a.date_of_birth == b.date_of_birth:
            score += 0.3
            reasons.append("date_of_birth")
        elif abs(new.birth_year - existing.birth_year) > 1:
            return None
    elif new.birth_year == existing.birth_year:
        score += 0.2
        reasons.append("birth_year")
    elif abs(new.birth_year - existing.birth_year) > 1:
        return None
    if new.commune_code == existing.commune_code:
        score += 0.1
        reasons.append("commune")
    if a.guardian_name and b.guardian_name:
        guardian = fuzz.token_sort_ratio(fold(a.guardian_name), fold(b.guardian_name)) / 100
        if guardian >= 0.85:
            score += 0.1
            reasons.append("guardian_name")
    score = min(score, 1.0)
    if score >= 0.85:
        return DuplicateCandidate(existing, MatchLevel.LIKELY, round(score, 2), tuple(reasons))
    if score >= 0.6:
        return DuplicateCandidate(existing, MatchLevel.POSSIBLE, round(score, 2), tuple(reasons))
    return None


def find_duplicates(new: Child, existing: list[Child]) -> list[DuplicateCandidate]:
    """Candidates, best first."""
    found = [c for c in (compare(new, e) for e in existing if e.id != new.id) if c is not None]
    return sorted(found, key=lambda c: c.score, reverse=True)
