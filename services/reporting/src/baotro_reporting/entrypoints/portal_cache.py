"""What the portal computes once per process: pages that change only with the settings (the
accounts and the general VietQR code of /ung-ho), and figures that may be a few seconds old
(the totals of the home page). One cache per app, kept on `app.state`."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from fastapi import Request

T = TypeVar("T")


class PortalCache:
    def __init__(self, ttl_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl_s = ttl_s
        self._clock = clock
        self._pages: dict[str, bytes] = {}
        self._figures: dict[str, tuple[float, Any]] = {}

    def page(self, key: str, build: Callable[[], str]) -> bytes:
        """The page `build` renders, rendered and encoded (UTF-8) once."""
        page = self._pages.get(key)
        if page is None:
            page = self._pages[key] = build().encode()
        return page

    async def figures(self, key: str, compute: Callable[[], Awaitable[T]]) -> T:
        """What `compute` returns, computed again once it is `ttl_s` seconds old."""
        now = self._clock()
        cached = self._figures.get(key)
        if cached is not None and now - cached[0] < self._ttl_s:
            value: T = cached[1]
            return value
        value = await compute()
        self._figures[key] = (now, value)
        return value


def portal_cache(request: Request, ttl_s: float) -> PortalCache:
    """The app's cache, made on first use."""
    cache: PortalCache | None = getattr(request.app.state, "portal_cache", None)
    if cache is None:
        cache = PortalCache(ttl_s)
        request.app.state.portal_cache = cache
    return cache
