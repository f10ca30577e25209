"""HTTP never answers 5xx to bad input: every refusal is a 4xx `Problem` ({code, message}), as the OpenAPI
document says, and a property-based run over that document (schemathesis) finds nothing else."""

from __future__ import annotations

from typing import Any

import httpx
import orjson
import pytest
import schemathesis
import websockets
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from server.app import create_app
from server.config import Settings
from tests.support.server import ServerProcess

DEEP = "[" * 300 + "]" * 300
BEYOND_64_BITS = "1" + "0" * 25
NOTE = '"op": "note.add", "id": "note0001", "kind": "impact", "text": "t", "x": 0, "y": 0'

# The document the server serves, built from the same app without starting it, so that pytest can make one
# test per operation when it collects this module; each test then runs against the real server.
DOCUMENT = create_app(Settings()).openapi()
schema = schemathesis.openapi.from_dict(DOCUMENT)
schema.config.generation.update(deterministic=True, database="none")


@pytest.fixture(scope="module")
def facilitator(server: ServerProcess) -> dict[str, Any]:
    return httpx.post(f"{server.url}/api/workshops", json={"title": "Schema workshop"}).json()


@pytest.mark.rule("P25")
@pytest.mark.parametrize(
    ("path", "body", "status", "code"),
    [
        ("ops", '{"op": []}', 400, "bad_frame"),
        ("ops", '{"op": {}}', 400, "bad_frame"),
        ("ops", "{" + NOTE.replace('"t"', '"\\ud800"') + "}", 400, "bad_value"),
        ("ops", "{" + NOTE.replace('"x": 0', f'"x": {BEYOND_64_BITS}') + "}", 400, "bad_value"),
        ("ops", "{" + NOTE.replace('"t"', BEYOND_64_BITS) + "}", 400, "bad_frame"),
        ("ops", '{"op": "note.add", "deep": ' + DEEP + "}", 400, "bad_frame"),
        ("ops", '{"op": "note.add", "deep": ' + "[" * 5000 + "]" * 5000 + "}", 400, "http_error"),
        ("ops", '{"op": "note.add", "id": NaN}', 400, "malformed_json"),
        ("ops", '{"op": ', 400, "malformed_json"),
        ("ops", "[]", 422, "bad_request"),
        ("/api/join", '{"code": "\\ud800", "name": "Eve"}', 422, "bad_value"),
        ("/api/join", '{"code": "x", "name": "Eve", "extra": ' + DEEP + "}", 404, "unknown_code"),
        ("/api/join", '{"code": 1' + "0" * 30 + ', "name": "Eve"}', 422, "bad_request"),
        ("/api/workshops", '{"title": "\\udfff"}', 422, "bad_value"),
        ("/api/workshops", '{"title": ' + DEEP + "}", 422, "bad_request"),
        ("/api/workshops", "{}", 422, "bad_request"),
        ("/api/workshops", '{"title": "ok"', 400, "malformed_json"),
    ],
)
def test_malformed_input_gets_a_4xx_problem(
    server: ServerProcess, facilitator: dict[str, Any], path: str, body: str, status: int, code: str
) -> None:
    url = f"/api/workshops/{facilitator['id']}/ops" if path == "ops" else path
    headers = {"Authorization": f"Bearer {facilitator['token']}", "content-type": "application/json"}
    r = httpx.post(server.url + url, content=body.encode(), headers=headers)
    assert (r.status_code, r.json()["code"]) == (status, code), r.text
    assert set(r.json()) == {"code", "message"} and r.json()["message"]


@pytest.mark.rule("P25")
async def test_a_since_of_non_ascii_digits_is_ignored_not_a_server_error(
    server: ServerProcess, facilitator: dict[str, Any]
) -> None:
    url = f"{server.ws_url}/api/workshops/{facilitator['id']}/ws?since=%C2%B2"  # "²": isdigit() yet not int()
    async with websockets.connect(url, additional_headers={"Authorization": f"Bearer {facilitator['token']}"}) as ws:
        assert orjson.loads(await ws.recv())["type"] == "welcome"
        assert orjson.loads(await ws.recv())["type"] == "snapshot", "a client that cannot say where it was"


@pytest.mark.rule("P25")
def test_the_schema_promises_a_problem_for_every_refusal(server: ServerProcess) -> None:
    served = httpx.get(f"{server.url}/openapi.json").json()
    assert served == orjson.loads(orjson.dumps(DOCUMENT)), "the property-based run below uses the served document"
    assert "HTTPValidationError" not in str(served) and "ValidationError" not in served["components"]["schemas"]
    for path, item in served["paths"].items():
        for method, operation in item.items():
            for status, response in operation["responses"].items():
                if int(status) >= 400:
                    ref = response["content"]["application/json"]["schema"]["$ref"]
                    assert ref.endswith("/Problem"), (method, path, status)
            if "requestBody" in operation:
                assert {"400", "422"} <= set(operation["responses"]), (method, path)


@pytest.mark.rule("P25")
@schema.parametrize()
@settings(derandomize=True, database=None, max_examples=25, suppress_health_check=list(HealthCheck))
def test_the_api_never_answers_5xx_and_conforms_to_its_schema(
    case: schemathesis.Case, server: ServerProcess, facilitator: dict[str, Any]
) -> None:
    if "workshop_id" in (case.path_parameters or {}):
        case.path_parameters["workshop_id"] = facilitator["id"]  # the real workshop, so handlers are reached
    case.call_and_validate(
        base_url=server.url,
        headers={"Authorization": f"Bearer {facilitator['token']}"},
        checks=[not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance],
    )
