"""Schemathesis against the live server, on SQLite and on PostgreSQL (issue 17):
requests generated from the OpenAPI schema, valid and invalid, signed in as a
real user, must never get a 5xx nor a response the schema does not describe.

Bounded for CI: SCHEMATHESIS_EXAMPLES examples (default 40) per operation and
mode, derandomized so a run is reproducible, no example database on disk.
"""

import os
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.support import DEFAULT_PASSWORD

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "40"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def signed_in_headers(base_url: str) -> dict[str, str]:
    with httpx.Client(base_url=base_url, timeout=10.0) as http:
        body = {"email": "fuzz@example.com", "name": "Fuzz", "password": DEFAULT_PASSWORD}
        assert http.post("/api/v1/auth/register", json=body).status_code == 201
        login = http.post(
            "/api/v1/auth/login", data={"username": body["email"], "password": DEFAULT_PASSWORD}
        )
        assert login.status_code == 200
    return {"Authorization": f"Bearer {login.json()['access_token']}"}


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_generated_request_gets_a_5xx_or_a_response_outside_the_schema(
    live_server: str, mode: GenerationMode
) -> None:
    headers = signed_in_headers(live_server)
    schema = schemathesis.openapi.from_url(f"{live_server}/api/openapi.json")
    results = list(schema.get_all_operations())
    assert len(results) == 8
    for result in results:
        assert isinstance(result, Ok), result
        operation = result.ok()
        if mode is GenerationMode.NEGATIVE and not (
            operation.path_parameters or operation.query or operation.body
        ):
            continue  # /health and /users/me take no input to make invalid
        run: Callable[[], None]

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def run(case: schemathesis.Case[Any]) -> None:
            case.call_and_validate(base_url=live_server, headers=headers, checks=CHECKS)

        run()
