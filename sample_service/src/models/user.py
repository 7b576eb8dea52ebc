"""Request and response bodies for users. No response model has a password field."""

from datetime import datetime
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    StringConstraints,
    field_validator,
)

PASSWORD_MIN_LENGTH = 8
PASSWORD_MAX_LENGTH = 128


def normalize_email(value: str) -> str:
    """One spelling per address, so uniqueness and login ignore case."""
    return value.strip().lower()


Email = Annotated[EmailStr, AfterValidator(normalize_email)]
# Names are trimmed; passwords are taken exactly as typed.
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Password = Annotated[str, Field(min_length=PASSWORD_MIN_LENGTH, max_length=PASSWORD_MAX_LENGTH)]


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: Email
    name: Name
    password: Password


class UserUpdate(BaseModel):
    """Fields to change; an omitted field keeps its value, null is refused."""

    model_config = ConfigDict(extra="forbid")

    email: Email | None = None
    name: Name | None = None
    password: Password | None = None

    @field_validator("email", "name", "password", mode="before")
    @classmethod
    def _not_null(cls, value: object) -> object:
        if value is None:
            raise ValueError("may be omitted, but not null")
        return value


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str
    name: str
    created_at: datetime
    updated_at: datetime
