"""Liveness and database reachability."""

from fastapi import APIRouter, Response, status
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from src.core.deps import SessionDep
from src.models.health import Health

router = APIRouter(tags=["health"])


@router.get("/health", responses={503: {"model": Health, "description": "Database unreachable"}})
async def health(session: SessionDep, response: Response) -> Health:
    try:
        await session.execute(text("SELECT 1"))
    except (SQLAlchemyError, OSError):
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
        return Health(status="unhealthy")
    return Health(status="healthy")
