"""The service over real HTTP on 127.0.0.1: uvicorn in a thread, and the
commands `make serve` runs (alembic, then uvicorn --factory) in subprocesses.
Every wait is bounded, and every server is stopped."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from src.core.config import SERVICE_ROOT
from tests.support import DEFAULT_PASSWORD, STARTUP_TIMEOUT, STOP_TIMEOUT, sqlite_url


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_until_healthy(base_url: str, process: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise AssertionError(f"server exited with {process.returncode}")
        try:
            if httpx.get(f"{base_url}/health", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"{base_url} not healthy within {STARTUP_TIMEOUT}s")


def round_trip(base_url: str) -> None:
    """Register, log in, and read the current user, over the network."""
    with httpx.Client(base_url=base_url, timeout=5.0) as http:
        created = http.post(
            "/api/v1/auth/register",
            json={"email": "net@example.com", "name": "Net", "password": DEFAULT_PASSWORD},
        )
        assert created.status_code == 201, created.text
        login = http.post(
            "/api/v1/auth/login", data={"username": "net@example.com", "password": DEFAULT_PASSWORD}
        )
        assert login.status_code == 200, login.text
        me = http.get(
            "/api/v1/users/me", headers={"Authorization": f"Bearer {login.json()['access_token']}"}
        )
        assert me.status_code == 200
        assert me.json()["email"] == "net@example.com"
        assert len(me.headers["X-Request-ID"]) == 32


def test_register_login_and_me_over_real_http(live_server: str) -> None:
    wait_until_healthy(live_server)

    round_trip(live_server)


def uvicorn_command(port: int) -> list[str]:
    """The second command of `make serve` (the Makefile's serve target)."""
    return [sys.executable, "-m", "uvicorn", "--factory", "main:create_app",
            "--host", "127.0.0.1", "--port", str(port)]  # fmt: skip


def service_env(**values: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "CORS_ORIGINS", "DATABASE_URL"}
    }
    env.update(values)
    return env


def test_make_serve_commands_migrate_then_serve(tmp_path: Path) -> None:
    database = tmp_path / "data" / "served.db"
    port = free_port()
    env = service_env(
        DATABASE_URL=sqlite_url(database),
        ENVIRONMENT="development",
        SERVE_FRONTEND="true",
        PYTHONUNBUFFERED="1",
    )

    subprocess.run(
        [sys.executable, "-m", "alembic", "-c", "src/db/alembic.ini", "upgrade", "head"],
        cwd=SERVICE_ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=60,
    )
    assert database.exists()
    log_path = tmp_path / "uvicorn.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            uvicorn_command(port),
            cwd=SERVICE_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_healthy(f"http://127.0.0.1:{port}", server)
        round_trip(f"http://127.0.0.1:{port}")
        assert httpx.get(f"http://127.0.0.1:{port}/ui/", timeout=5.0).status_code == 200
    except AssertionError:
        print(log_path.read_text())  # pytest shows it with the failure
        raise
    finally:
        server.terminate()
        try:
            server.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(STOP_TIMEOUT)


def test_uvicorn_refuses_to_start_in_production_with_the_development_secret(tmp_path: Path) -> None:
    env = service_env(DATABASE_URL=sqlite_url(tmp_path / "x.db"), ENVIRONMENT="production")

    result = subprocess.run(
        uvicorn_command(free_port()),
        cwd=SERVICE_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode != 0
    assert "InsecureSettingsError: refusing to start in production" in result.stderr
    assert "built-in development SECRET_KEY" in result.stderr
