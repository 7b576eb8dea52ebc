"""Field types bounded to what the database can hold, shared by every model and route.

Each check runs before a value reaches the database, so no input can make a
query fail: ids and offsets fit PostgreSQL's 32-bit ``integer`` (SQLite's is
wider), and text holds no NUL (PostgreSQL refuses it), no lone surrogate (not
encodable), no other control character and no bidirectional override.
"""

import unicodedata
from typing import Annotated

from email_validator import EmailNotValidError, validate_email
from pydantic import AfterValidator, StringConstraints, WithJsonSchema

from src.db.models import EMAIL_MAX_LENGTH, MAX_ID, NAME_MAX_LENGTH

PASSWORD_MIN_LENGTH = 8
PASSWORD_MAX_LENGTH = 128

# Characters that reorder the text around them: a name holding one can display as
# something else (U+202E turns "resu" into "user").
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


def unsafe_character(value: str) -> str | None:
    """The first character that may not be stored, as ``U+XXXX``, or None."""
    for character in value:
        if unicodedata.category(character) in ("Cc", "Cs") or character in BIDI_CONTROLS:
            return f"U+{ord(character):04X}"
    return None


def plain_text(value: str) -> str:
    found = unsafe_character(value)
    if found is not None:
        raise ValueError(f"must not contain control or bidirectional characters ({found})")
    return value


def password_text(value: str) -> str:
    plain_text(value)
    if not value.strip():
        raise ValueError("must not be only spaces")
    return value


def parse_id(text: str) -> int | None:
    """The id ``text`` spells in ASCII digits, if it is one the database can hold."""
    if not (text.isascii() and text.isdecimal()) or len(text) > len(str(MAX_ID)):
        return None
    if text.startswith("0"):
        return None  # ids are issued as str(id): no zero, no leading zeros
    value = int(text)
    return value if 1 <= value <= MAX_ID else None


def unhashable_password(password: str) -> bool:
    """True for a password no account can have and the hasher must not see: too long,
    or holding a NUL or a lone surrogate."""
    return len(password) > PASSWORD_MAX_LENGTH or any(
        character == "\0" or unicodedata.category(character) == "Cs" for character in password
    )


def canonical_email(value: str) -> str:
    """One spelling per address, for registration, changes and login alike.

    email-validator's normal form (Unicode NFC, an IDN domain in Unicode even
    when typed in punycode), lower-cased, so uniqueness and login ignore case.
    Raises ValueError for anything that is not an address, or is longer than
    254 characters (email-validator's limit, and the column's).
    """
    try:
        normalized = validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise ValueError(f"not a valid e-mail address: {error}") from None
    return normalized.lower()


Email = Annotated[
    str,
    StringConstraints(max_length=EMAIL_MAX_LENGTH),
    AfterValidator(canonical_email),
    WithJsonSchema({"type": "string", "format": "email", "maxLength": EMAIL_MAX_LENGTH}),
]
# Names are trimmed; passwords are taken exactly as typed.
Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=NAME_MAX_LENGTH),
    AfterValidator(plain_text),
]
Password = Annotated[
    str,
    StringConstraints(min_length=PASSWORD_MIN_LENGTH, max_length=PASSWORD_MAX_LENGTH),
    AfterValidator(password_text),
]
