"""Error responses shared by all routes. Every error body is ``ErrorBody``
(src/models/errors.py): FastAPI's HTTPException handler already answers
``{"detail": "..."}``, and the request-id middleware's 500 does too."""

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

VALIDATION_FAILED = "Invalid request"


async def validation_error_handler(request: Request, exc: Exception) -> JSONResponse:
    """422 in the one error shape (``ErrorBody``): a ``detail`` line, and the
    location, message and type of each invalid field in ``errors``.

    FastAPI's default also echoes each rejected ``input``; that would put a
    too-short password back into the response, so inputs are left out.
    """
    assert isinstance(exc, RequestValidationError)  # registered for this type only
    errors = [
        {"loc": list(error["loc"]), "msg": error["msg"], "type": error["type"]}
        for error in exc.errors()
    ]
    return JSONResponse({"detail": VALIDATION_FAILED, "errors": errors}, status_code=422)
