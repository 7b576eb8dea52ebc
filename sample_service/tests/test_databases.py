"""Where the PostgreSQL half of the suite gets its server (issue 17, finding 5):
without one it fails under CI, and skips with its reason elsewhere."""

import pytest

from tests.support import postgresql_server_url

URL = "postgresql+asyncpg://postgres@127.0.0.1:5999/scratch"


@pytest.mark.parametrize("ci", [None, "true", "false"])
def test_the_server_is_test_database_url(ci: str | None) -> None:
    environ = {"TEST_DATABASE_URL": URL} | ({"CI": ci} if ci else {})

    assert postgresql_server_url(environ) == URL


def test_without_a_server_ci_fails_loudly() -> None:
    with pytest.raises(pytest.fail.Exception) as failure:
        postgresql_server_url({"CI": "true"})

    assert str(failure.value) == (
        "CI=true: TEST_DATABASE_URL is not set, so the suite's PostgreSQL half cannot run; "
        "`. .ci/postgres.sh` starts a throwaway server and sets it"
    )


@pytest.mark.parametrize("environ", [{}, {"CI": "false"}, {"TEST_DATABASE_URL": ""}])
def test_without_a_server_a_developer_run_skips_and_says_why(environ: dict[str, str]) -> None:
    with pytest.raises(pytest.skip.Exception) as skipped:
        postgresql_server_url(environ)

    assert str(skipped.value) == (
        "TEST_DATABASE_URL is not set, so the suite's PostgreSQL half cannot run; "
        "`. .ci/postgres.sh` starts a throwaway server and sets it"
    )
