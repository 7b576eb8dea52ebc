"""Registration and password login."""

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Response, status
from fastapi.security import OAuth2PasswordRequestForm

from src.core.deps import SettingsDep, UserServiceDep
from src.core.security import create_access_token
from src.db.models import User
from src.models.auth import Token
from src.models.errors import error_responses
from src.models.user import UserCreate, UserRead
from src.services.users import EmailAlreadyRegistered

router = APIRouter(prefix="/auth", tags=["auth"])

LOGIN_FAILED = "Incorrect email or password"


@router.post(
    "/register",
    status_code=status.HTTP_201_CREATED,
    response_model=UserRead,
    responses=error_responses(400, 409, 422),
)
async def register(data: UserCreate, users: UserServiceDep) -> User:
    try:
        return await users.create(data)
    except EmailAlreadyRegistered:
        raise HTTPException(status.HTTP_409_CONFLICT, detail="Email already registered") from None


@router.post("/login", responses=error_responses(400, 401, 422))
async def login(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    users: UserServiceDep,
    settings: SettingsDep,
    response: Response,
) -> Token:
    """OAuth2 password flow: ``username`` is the e-mail address."""
    # RFC 6749 5.1: a response carrying a token must not be cached anywhere.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    user = await users.authenticate(form.username, form.password)
    if user is None:
        # One answer for an unknown e-mail and a wrong password.
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail=LOGIN_FAILED,
            headers={"WWW-Authenticate": "Bearer"},
        )
    token = create_access_token(
        user.id,
        version=user.token_version,
        secret_key=settings.secret_key.get_secret_value(),
        expires_delta=timedelta(minutes=settings.access_token_expire_minutes),
    )
    return Token(access_token=token)
