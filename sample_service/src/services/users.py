"""Users: registration, lookup, update, deletion and password login."""

from collections.abc import Sequence

from anyio import to_thread
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from src.core.security import PasswordHasher
from src.db.models import User
from src.models.fields import canonical_email, unhashable_password
from src.models.user import UserCreate, UserUpdate


class EmailAlreadyRegistered(Exception):
    """Another user already has this e-mail address."""

    def __init__(self, email: str) -> None:
        super().__init__(email)
        self.email = email


class UserGone(Exception):
    """The user was deleted (by a concurrent request) after it was loaded."""


class UserService:
    def __init__(self, session: AsyncSession, hasher: PasswordHasher) -> None:
        self.session = session
        self.hasher = hasher

    async def list(self, *, skip: int, limit: int) -> Sequence[User]:
        result = await self.session.scalars(
            select(User).order_by(User.id).offset(skip).limit(limit)
        )
        return result.all()

    async def get(self, user_id: int) -> User | None:
        return await self.session.get(User, user_id)

    async def get_by_email(self, email: str) -> User | None:
        """The user with this address in any spelling; None also when it is not an address."""
        try:
            canonical = canonical_email(email)
        except ValueError:
            return None
        return await self.session.scalar(select(User).where(User.email == canonical))

    async def create(self, data: UserCreate) -> User:
        user = User(
            email=data.email, name=data.name, hashed_password=await self._hash(data.password)
        )
        self.session.add(user)
        await self._commit(data.email)
        return user

    async def update(self, user: User, data: UserUpdate) -> User:
        """Apply ``data``; the caller has checked ``current_password`` when it is needed.

        A new e-mail or password raises the token version: every token issued
        before is refused from then on.
        """
        changes = data.model_dump(exclude_unset=True, exclude={"current_password"})
        if data.changes_credentials:
            user.token_version += 1
        if "password" in changes:
            user.hashed_password = await self._hash(changes.pop("password"))
        for field, value in changes.items():
            setattr(user, field, value)
        await self._commit(user.email)
        return user

    async def check_password(self, user: User, password: str) -> bool:
        """Whether ``password`` is this user's (no rehash: that is login's business)."""
        if unhashable_password(password):
            return False
        valid, _ = await to_thread.run_sync(self.hasher.verify, password, user.hashed_password)
        return valid

    async def delete(self, user: User) -> None:
        """Delete ``user``; UserGone if a concurrent request already did."""
        result = await self.session.execute(delete(User).where(User.id == user.id))
        await self.session.commit()
        if result.rowcount == 0:  # type: ignore[attr-defined]
            raise UserGone

    async def authenticate(self, email: str, password: str) -> User | None:
        """The user these credentials belong to, or None.

        An unknown e-mail costs one verification against a dummy hash, the same
        work as a wrong password, so response times do not tell which it was.
        """
        if unhashable_password(password):
            return None  # no account can have it; refuse before any hashing
        user = await self.get_by_email(email)
        if user is None:
            await to_thread.run_sync(self.hasher.verify_dummy, password)
            return None
        valid, new_hash = await to_thread.run_sync(
            self.hasher.verify, password, user.hashed_password
        )
        if not valid:
            return None
        if new_hash is not None:
            user.hashed_password = new_hash
            await self.session.commit()
        return user

    async def _hash(self, password: str) -> str:
        return await to_thread.run_sync(self.hasher.hash, password)

    async def _commit(self, email: str) -> None:
        try:
            await self.session.commit()
        except IntegrityError:
            await self.session.rollback()
            raise EmailAlreadyRegistered(email) from None
        except StaleDataError:  # the UPDATE matched no row: deleted since it was loaded
            await self.session.rollback()
            raise UserGone from None
