"""Entry point: ``uvicorn --factory main:create_app``.

Nothing is built at import time; ``create_app`` reads the settings (or takes
them from the caller), and the lifespan opens and closes the database engine.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles

from src.api import health
from src.api import v1 as api_v1
from src.api.errors import validation_error_handler
from src.core.config import Settings
from src.core.security import PasswordHasher
from src.db.session import create_engine, create_sessionmaker
from src.middleware.request_id import REQUEST_ID_HEADER, RequestIdMiddleware
from src.middleware.security_headers import SecurityHeadersMiddleware

VERSION = "1.0.0"
FRONTEND_DIR = Path(__file__).resolve().parent / "frontend"
DOCS_URL = "/api/docs"
REDOC_URL = "/api/redoc"


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    engine = create_engine(settings.database_url)
    app.state.engine = engine
    app.state.sessionmaker = create_sessionmaker(engine)
    try:
        yield
    finally:
        await engine.dispose()


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the service; with no settings, read them from the environment.

    Raises ``InsecureSettingsError`` rather than start with the development
    secret outside development and test.
    """
    if settings is None:
        settings = Settings()
    settings.check_safe_to_start()

    app = FastAPI(
        title=settings.project_name,
        version=VERSION,
        docs_url=DOCS_URL,
        redoc_url=REDOC_URL,
        openapi_url="/api/openapi.json",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.hasher = PasswordHasher.from_settings(settings)

    # Added last is outermost: the request id also lands on CORS preflights, and
    # the security headers on everything, the 500 the request-id middleware answers too.
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_credentials=True,
        allow_methods=["GET", "POST", "PUT", "DELETE", "OPTIONS"],
        allow_headers=["Authorization", "Content-Type", REQUEST_ID_HEADER],
        expose_headers=[REQUEST_ID_HEADER],
    )
    app.add_middleware(RequestIdMiddleware)
    app.add_middleware(
        SecurityHeadersMiddleware,
        page_prefix="/ui",
        docs_paths=frozenset({DOCS_URL, f"{DOCS_URL}/oauth2-redirect", REDOC_URL}),
    )
    app.add_exception_handler(RequestValidationError, validation_error_handler)

    app.include_router(health.router)
    app.include_router(api_v1.router, prefix="/api/v1")
    if settings.serve_frontend:
        app.mount("/ui", StaticFiles(directory=FRONTEND_DIR, html=True), name="frontend")
    return app
