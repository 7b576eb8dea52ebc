"""Version 1 of the API, mounted at /api/v1."""

from fastapi import APIRouter

from src.api.v1 import auth, users

router = APIRouter()
router.include_router(auth.router)
router.include_router(users.router)
