"""Request dependencies, as ``Annotated`` aliases for handler signatures.

Everything comes from ``app.state``, filled by ``create_app`` and its lifespan,
so each app (and each test) has its own settings, engine and hasher.
"""

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.ext.asyncio import AsyncSession

from src.core.config import Settings
from src.core.security import PasswordHasher, decode_access_token
from src.db.models import User
from src.models.fields import parse_id
from src.services.users import UserService

TOKEN_URL = "/api/v1/auth/login"

oauth2_scheme = OAuth2PasswordBearer(tokenUrl=TOKEN_URL)


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_hasher(request: Request) -> PasswordHasher:
    hasher: PasswordHasher = request.app.state.hasher
    return hasher


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    async with request.app.state.sessionmaker() as session:
        yield session


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[AsyncSession, Depends(get_session)]
HasherDep = Annotated[PasswordHasher, Depends(get_hasher)]


def get_user_service(session: SessionDep, hasher: HasherDep) -> UserService:
    return UserService(session, hasher)


UserServiceDep = Annotated[UserService, Depends(get_user_service)]


def credentials_error() -> HTTPException:
    return HTTPException(
        status_code=status.HTTP_401_UNAUTHORIZED,
        detail="Could not validate credentials",
        headers={"WWW-Authenticate": "Bearer"},
    )


async def get_current_user(
    token: Annotated[str, Depends(oauth2_scheme)],
    settings: SettingsDep,
    users: UserServiceDep,
) -> User:
    """The user named by a valid bearer token; 401 for any bad or stale token,
    including one whose user has since been deleted or changed e-mail or password."""
    claims = decode_access_token(token, secret_key=settings.secret_key.get_secret_value())
    user_id = None if claims is None else parse_id(claims.subject)
    if claims is None or user_id is None:
        raise credentials_error()
    user = await users.get(user_id)
    if user is None or user.token_version != claims.version:
        raise credentials_error()  # deleted, or the e-mail or password changed since
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]
