"""A service whose one route answers its process id: `serve`'s worker processes, seen from
outside (`python -m baotro_shared.testing.pid_service PORT WORKERS`)."""

from __future__ import annotations

import os
import sys

from fastapi import FastAPI

from baotro_shared.serve import serve
from baotro_shared.settings import ServiceSettings


def create_app(_settings: ServiceSettings) -> FastAPI:
    app = FastAPI()

    @app.get("/pid")
    async def pid() -> int:
        return os.getpid()

    return app


def main(argv: list[str]) -> None:
    port, workers = int(argv[0]), int(argv[1])
    settings = ServiceSettings(
        service_name="pid",
        port=port,
        workers=workers,
        # never connected to: more than one process is refused on a SQLite file
        database_url="postgresql+asyncpg://postgres@127.0.0.1:5432/none",
    )
    serve(settings, create_app)


if __name__ == "__main__":
    main(sys.argv[1:])
