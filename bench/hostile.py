"""Server memory while hostile inputs are refused: peak RSS per case against the idle server's RSS.

Each case gets a fresh server (uvicorn subprocess, SQLite in a temporary folder), warmed up by one ordinary
workshop creation and one ordinary import; then its peak-RSS mark is reset (/proc/PID/clear_refs), its idle RSS
read, the hostile request sent (by a raw socket client that stops sending as soon as the server answers, as a
real attacker's would not, but the server must not rely on that), and its peak RSS read (VmHWM). Every case
must be refused with the expected 4xx, and the target is a peak within 50 MiB of idle.

    .venv/bin/python -m bench.hostile [--scale 1.0]      # exits 1 if any case is not refused as expected
"""

from __future__ import annotations

import argparse
import io
import secrets
import select
import socket
import struct
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import orjson

from server.import_limits import MAX_JSON_VALUES
from tests.support.server import ServerProcess

MIB = 1024 * 1024
TARGET_MIB = 50
CHUNK = 256 * 1024


@dataclass
class Request:
    path: str
    body: Iterable[bytes]
    length: int | None  # None: sent chunked, without Content-Length
    content_type: str = "application/json"


@dataclass
class Case:
    name: str
    expected: tuple[int, ...]
    request: Callable[[], Request]


# -- building the inputs (in this process, as streams where they are large) ---------------------------------


def repeated(total: int, pattern: bytes = b'{"title": "' + b"x" * 1000) -> Iterator[bytes]:
    block = (pattern * (CHUNK // len(pattern) + 1))[:CHUNK]
    for start in range(0, total, CHUNK):
        yield block[: min(CHUNK, total - start)]


def multipart(filename: str, content: Iterable[bytes], length: int | None) -> tuple[Iterator[bytes], int | None, str]:
    boundary = f"pwbench{secrets.token_hex(8)}"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()

    def parts() -> Iterator[bytes]:
        yield head
        yield from content
        yield tail

    total = None if length is None else len(head) + length + len(tail)
    return parts(), total, f"multipart/form-data; boundary={boundary}"


def upload(filename: str, data: bytes) -> Request:
    body, length, content_type = multipart(filename, [data], len(data))
    return Request("/api/workshops/import", body, length, content_type)


def chunked_upload(filename: str, content: Iterable[bytes]) -> Request:
    body, _, content_type = multipart(filename, content, None)
    return Request("/api/workshops/import", body, None, content_type)


def csv_zip_bomb(unzipped: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        with z.open("notes.csv", "w") as stream:
            stream.write(b"text,kind\n")
            for chunk in repeated(unzipped, b"Ministers use evidence,impact\n"):
                stream.write(chunk)
    return buffer.getvalue()


def lying(zip_data: bytes) -> bytes:
    """The same zip, its member claiming 1,000 bytes unzipped (a ratio of under 1: no check on headers sees it)."""
    data = bytearray(zip_data)
    struct.pack_into("<I", data, 22, 1000)  # in the member's local header
    struct.pack_into("<I", data, data.find(b"PK\x01\x02") + 24, 1000)  # and in the central directory
    return bytes(data)


def many_members(count: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as z:
        for i in range(count):
            z.writestr(f"{i:x}", b"")
    return buffer.getvalue()


def pathweaver_json(**fields: object) -> dict[str, object]:
    return {
        "format": "pathweaver-map",
        "schema_version": 1,
        "workshop": {"title": "Hostile"},
        "participants": [],
        "notes": [],
        "links": [],
        **fields,
    }


def json_with_notes(note: bytes, count: int) -> bytes:
    notes = b"[" + b",".join([note] * count) + b"]"
    return orjson.dumps(pathweaver_json(notes="@")).replace(b'"@"', notes)


def cases(scale: float) -> list[Case]:
    big = max(int(100 * MIB * scale), 12 * MIB)  # over the body limit (1 MiB) and the upload limit (10 MiB)
    bomb = int(1100 * MIB * scale)
    nested = 500_000
    return [
        Case(
            f"zip bomb: {bomb // MIB:,} MiB of notes.csv zipped",
            (400,),
            lambda: upload("m.csv.zip", csv_zip_bomb(bomb)),
        ),
        Case(
            "zip bomb whose sizes lie (claims 1,000 bytes)",
            (400,),
            lambda: upload("m.csv.zip", lying(csv_zip_bomb(bomb))),
        ),
        Case("zip of 100,000 members", (400,), lambda: upload("m.csv.zip", many_members(int(100_000 * min(scale, 1))))),
        Case(
            f"JSON body of {big // MIB:,} MiB, with Content-Length",
            (413,),
            lambda: Request("/api/workshops", repeated(big), big),
        ),
        Case(
            f"JSON body of {big // MIB:,} MiB, chunked", (413,), lambda: Request("/api/workshops", repeated(big), None)
        ),
        Case(
            f"JSON nested {nested:,} deep (1 MB)",
            (400, 422),
            lambda: Request("/api/workshops", [b"[" * nested + b"]" * nested], nested * 2),
        ),
        Case(
            f"upload of {big // MIB:,} MiB, chunked",
            (413,),
            lambda: chunked_upload("m.json", repeated(big)),
        ),
        Case(
            "import: 3.4 million notes in 10 MB of JSON",
            (400,),
            lambda: upload("m.json", json_with_notes(b"{}", 3_400_000)),
        ),
        Case(
            f"import: {MAX_JSON_VALUES:,} notes, just within the JSON value limit",
            (400,),
            lambda: upload("m.json", json_with_notes(b'"ab"', MAX_JSON_VALUES - 20)),
        ),
        Case(
            "import: notes.csv of 1.1 million rows",
            (400,),
            lambda: upload("notes.csv", b"text,kind\n" + b"a,impact\n" * 1_100_000),
        ),
        Case(
            "import: a participant named with 200,000 characters",
            (400,),
            lambda: upload(
                "m.json",
                orjson.dumps(
                    pathweaver_json(
                        participants=[{"id": "p1", "name": "x" * 200_000, "colour": "#112233", "role": "participant"}]
                    )
                ),
            ),
        ),
    ]


# -- sending, and watching the server ----------------------------------------------------------------------


def send(port: int, request: Request) -> int:
    """Send the request, stopping as soon as the server answers; the answer's status."""
    head = [f"POST {request.path} HTTP/1.1", f"Host: 127.0.0.1:{port}", f"Content-Type: {request.content_type}"]
    head.append(f"Content-Length: {request.length}" if request.length is not None else "Transfer-Encoding: chunked")
    with socket.create_connection(("127.0.0.1", port), timeout=120) as sock:
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
        try:
            for chunk in request.body:
                if select.select([sock], [], [], 0)[0]:
                    break  # the server has answered: stop sending
                sock.sendall(chunk if request.length is not None else b"%x\r\n%b\r\n" % (len(chunk), chunk))
            else:
                if request.length is None:
                    sock.sendall(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass
        answer = b""
        while b"\r\n" not in answer:
            data = sock.recv(65536)
            if not data:
                break
            answer += data
    return int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/") else 0


def memory_mib(pid: int, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def warm_up(server: ServerProcess) -> None:
    """The code paths every case goes through, loaded and allocated once, as on a server that has been in use."""
    with httpx.Client(base_url=server.url) as http:
        http.post("/api/workshops", json={"title": "Warm-up"}).raise_for_status()
        files = {"file": ("notes.csv", b"text,kind\nA note,impact\n", "text/csv")}
        http.post("/api/workshops/import", files=files).raise_for_status()
        http.post("/api/join", json={"code": "no-such-code", "name": "Warm-up"})


@dataclass
class Result:
    case: str
    status: int
    ok: bool
    idle: float
    peak: float


def start_server(folder: Path) -> ServerProcess:
    server = ServerProcess(f"sqlite:///{folder}/hostile.db").start(log_path=folder / "server.log")
    warm_up(server)
    return server


def run_case(case: Case, server: ServerProcess) -> Result:
    request = case.request()  # built before measuring, so that building takes no part in it
    assert server.proc is not None
    pid = server.proc.pid
    Path(f"/proc/{pid}/clear_refs").write_text("5")  # resets VmHWM to the current RSS
    idle = memory_mib(pid, "VmRSS")
    status = send(server.port, request)
    peak = memory_mib(pid, "VmHWM")
    alive = httpx.get(f"{server.url}/api/health").status_code == 200
    return Result(case.name, status, status in case.expected and alive, idle, peak)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="size of the large inputs (1.0: 100 MB bodies)")
    parser.add_argument(
        "--one-server",
        action="store_true",
        help="one server for every case (quicker; memory a previous case freed may then hide a later case's)",
    )
    args = parser.parse_args()
    print("| hostile input | answer | refused as expected | idle RSS MiB | peak RSS MiB | peak − idle MiB |")
    print("|---|---:|:-:|---:|---:|---:|")
    results = []
    with tempfile.TemporaryDirectory(prefix="pw-hostile-") as tmp:
        shared = start_server(Path(tmp)) if args.one_server else None
        for i, case in enumerate(cases(args.scale)):
            folder = Path(tmp) / str(i)
            folder.mkdir()
            server = shared or start_server(folder)
            try:
                r = run_case(case, server)
            finally:
                if server is not shared:
                    server.stop()
            results.append(r)
            print(
                f"| {r.case} | {r.status} | {'yes' if r.ok else 'NO'} | {r.idle:.0f} | {r.peak:.0f} "
                f"| {r.peak - r.idle:.0f} |",
                flush=True,
            )
        if shared is not None:
            shared.stop()
    worst = max(r.peak - r.idle for r in results)
    refused = all(r.ok for r in results)
    print(
        f"\nall refused as expected: {'yes' if refused else 'NO'}; largest rise {worst:.0f} MiB (target ≤ {TARGET_MIB})"
    )
    raise SystemExit(0 if refused else 1)


if __name__ == "__main__":
    main()
