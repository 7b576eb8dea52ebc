"""Error responses shared by all routes."""

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse


async def validation_error_handler(request: Request, exc: Exception) -> JSONResponse:
    """422 with the location, message and type of each invalid field.

    FastAPI's default also echoes each rejected ``input``; that would put a
    too-short password back into the response, so inputs are left out.
    """
    assert isinstance(exc, RequestValidationError)  # registered for this type only
    errors = [
        {"loc": list(error["loc"]), "msg": error["msg"], "type": error["type"]}
        for error in exc.errors()
    ]
    return JSONResponse({"detail": errors}, status_code=422)
