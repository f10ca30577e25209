"""What the server logs: every request, with the secrets in join links (and in secret-looking query values)
replaced by [redacted]."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
import websockets

from tests.support.client import create_workshop
from tests.support.databases import postgres_schema
from tests.support.server import ServerProcess


async def test_join_links_leave_no_secret_in_the_access_log(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    proc = ServerProcess(f"sqlite:///{tmp_path / 'pathweaver.db'}", log_level="info").start(log_path=log)
    try:
        created = await create_workshop(proc.url, "Logged")
        code, key = created["join_code"], created["facilitator_key"]
        secrets = {"join code": code, "facilitator key": key, "creator's token": created["token"]}
        async with httpx.AsyncClient(base_url=proc.url) as http:
            assert (await http.get(f"/j/{code}")).status_code == 200
            assert (await http.get(f"/j/{key}")).status_code == 200
            joined = await http.post(f"/j/{code}", data={"name": "Ana"})
            assert joined.status_code == 303
            secrets["joiner's token"] = joined.cookies[f"pw_{created['id']}"]
            await http.get(f"/j/{key}/", params={"key": key})  # a hand-made link with a secret in its query
            await http.get("/api/health", params={"code": code, "token": created["token"]})
        url = f"{proc.ws_url}/api/workshops/{created['id']}/ws?since=0"
        async with websockets.connect(url, additional_headers={"Authorization": f"Bearer {created['token']}"}) as ws:
            await ws.recv()
    finally:
        proc.stop()  # and with it, everything it wrote is on disk
    text = log.read_text()
    assert '"GET /j/[redacted] HTTP/1.1" 200' in text and '"POST /j/[redacted] HTTP/1.1" 303' in text, text
    assert "/api/health?code=[redacted]&token=[redacted]" in text, text
    assert f"/api/workshops/{created['id']}/ws?since=0" in text, text  # what is not secret stays readable
    for name, secret in secrets.items():
        assert secret not in text, f"the {name} is in the log"


@pytest.mark.postgres
def test_the_database_password_is_not_printed(tmp_path: Path) -> None:
    with postgres_schema() as url:
        with_password = url.replace("://postgres@", "://postgres:hunter2-not-logged@", 1)
        assert with_password != url, url
        log = tmp_path / "server.log"
        proc = ServerProcess(with_password, log_level="info").start(log_path=log)  # trust auth ignores it
        proc.stop()
    text = log.read_text()
    assert "Pathweaver on http://" in text and "postgres:***@" in text, text
    assert "hunter2-not-logged" not in text
