"""Users: a public profile (id, name, created_at) for any signed-in user; the
full account, e-mail included, and changes to it only for its owner."""

from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query, status
from fastapi.exceptions import RequestValidationError

from src.core.deps import CurrentUser, UserServiceDep
from src.db.models import MAX_ID, User
from src.models.errors import error_responses
from src.models.user import UserPublic, UserRead, UserUpdate
from src.services.users import EmailAlreadyRegistered, UserGone, UserService

# Every route here takes a bearer token: each can answer 401.
router = APIRouter(prefix="/users", tags=["users"], responses=error_responses(401))

# Bounded to the id column, so no request can make the database overflow.
UserId = Annotated[int, Path(ge=1, le=MAX_ID)]
Skip = Annotated[int, Query(ge=0, le=MAX_ID)]
Limit = Annotated[int, Query(ge=1, le=100)]


def not_found() -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, detail="User not found")


async def _own_account(user_id: UserId, current: User, users: UserService) -> User:
    """The user to change: 404 if there is none, 403 if it is someone else."""
    user = await users.get(user_id)
    if user is None:
        raise not_found()
    if user.id != current.id:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="Not allowed to change another user")
    return user


@router.get("/me", response_model=UserRead)
async def read_me(current: CurrentUser) -> User:
    return current


@router.get("", response_model=list[UserPublic], responses=error_responses(422))
async def list_users(
    current: CurrentUser,
    users: UserServiceDep,
    skip: Skip = 0,
    limit: Limit = 100,
) -> Sequence[User]:
    return await users.list(skip=skip, limit=limit)


@router.get("/{user_id}", response_model=UserPublic, responses=error_responses(404, 422))
async def read_user(user_id: UserId, current: CurrentUser, users: UserServiceDep) -> User:
    user = await users.get(user_id)
    if user is None:
        raise not_found()
    return user


@router.put(
    "/{user_id}", response_model=UserRead, responses=error_responses(400, 403, 404, 409, 422)
)
async def update_user(
    user_id: UserId, data: UserUpdate, current: CurrentUser, users: UserServiceDep
) -> User:
    user = await _own_account(user_id, current, users)
    if data.changes_credentials:
        if data.current_password is None:
            raise RequestValidationError(
                [
                    {
                        "loc": ("body", "current_password"),
                        "msg": "Field required to change the e-mail or the password",
                        "type": "missing",
                    }
                ]
            )
        if not await users.check_password(user, data.current_password):
            raise HTTPException(status.HTTP_403_FORBIDDEN, detail="Current password is incorrect")
    try:
        return await users.update(user, data)
    except EmailAlreadyRegistered:
        raise HTTPException(status.HTTP_409_CONFLICT, detail="Email already registered") from None
    except UserGone:  # deleted by a request that raced this one
        raise not_found() from None


@router.delete(
    "/{user_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(403, 404, 422),
)
async def delete_user(user_id: UserId, current: CurrentUser, users: UserServiceDep) -> None:
    user = await _own_account(user_id, current, users)
    try:
        await users.delete(user)
    except UserGone:  # deleted by a request that raced this one
        raise not_found() from None
