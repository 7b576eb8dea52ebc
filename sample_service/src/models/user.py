"""Request and response bodies for users. No response model has a password field."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from src.models.fields import PASSWORD_MAX_LENGTH, Email, Name, Password


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: Email
    name: Name
    password: Password


def _offer_no_null(schema: dict[str, Any]) -> None:
    """None only stands for an omitted field, and null is refused: the schema
    shows each field as its one non-null type, with no default."""
    for field in schema["properties"].values():
        types = [t for t in field.pop("anyOf", []) if t != {"type": "null"}]
        field.update(*types)
        field.pop("default", None)


class UserUpdate(BaseModel):
    """Fields to change; an omitted field keeps its value, null is refused.

    Changing the e-mail or the password also takes the current password.
    """

    model_config = ConfigDict(extra="forbid", json_schema_extra=_offer_no_null)

    email: Email | None = None
    name: Name | None = None
    password: Password | None = None
    current_password: str | None = Field(default=None, max_length=PASSWORD_MAX_LENGTH)

    @property
    def changes_credentials(self) -> bool:
        return self.email is not None or self.password is not None

    @field_validator("email", "name", "password", "current_password", mode="before")
    @classmethod
    def _not_null(cls, value: object) -> object:
        if value is None:
            raise ValueError("may be omitted, but not null")
        return value


class UserRead(BaseModel):
    """A user's own account, e-mail included: only ever shown to that user."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str
    name: str
    created_at: datetime
    updated_at: datetime


class UserPublic(BaseModel):
    """What any signed-in user may see of another: no e-mail, no update time.

    Registration is open, so everything here is as good as public.
    """

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    created_at: datetime
