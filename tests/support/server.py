"""A real Pathweaver server in a subprocess, on a free loopback port, as a user would run it."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import weakref
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# Loading a big board from one script connection is not a person typing: lift the frame limits (per connection,
# per participant, per address).
UNLIMITED_FRAMES = {
    f"PATHWEAVER_{scope}{name}": "1000000"
    for scope in ("", "PARTICIPANT_", "ADDRESS_")
    for name in ("FRAMES_PER_SECOND", "FRAME_BURST")
}
# A plenary of a thousand simulated people on one machine is not one person either: lift every rate limit and
# the participant cap too.
LIMITS_LIFTED = {
    **UNLIMITED_FRAMES,
    **{
        f"PATHWEAVER_{name}": "1000000"
        for name in (
            "PARTICIPANT_OPS_PER_SECOND",
            "PARTICIPANT_OP_BURST",
            "ADDRESS_OPS_PER_SECOND",
            "ADDRESS_OP_BURST",
            "ADDRESS_JOINS_PER_SECOND",
            "ADDRESS_JOIN_BURST",
            "ADDRESS_FAILED_JOINS_PER_SECOND",
            "ADDRESS_FAILED_JOIN_BURST",
            "ADDRESS_CREATIONS_PER_SECOND",
            "ADDRESS_CREATION_BURST",
            "MAX_PARTICIPANTS",
        )
    },
}


class ServerProcess:
    def __init__(
        self,
        database_url: str,
        port: int | None = None,
        extra_env: dict[str, str] | None = None,
        log_level: str = "warning",
    ) -> None:
        self.database_url = database_url
        self.log_level = log_level
        self.port = port or free_port()
        # Its own secret key file, kept across restarts of this server (join codes derive from it).
        key_folder = tempfile.mkdtemp(prefix="pw-key-")
        weakref.finalize(self, shutil.rmtree, key_folder, ignore_errors=True)  # gone with this object
        key_file = Path(key_folder) / "secret.key"
        self.extra_env = {"PATHWEAVER_SECRET_KEY_FILE": str(key_file), **(extra_env or {})}
        self.proc: subprocess.Popen[bytes] | None = None
        self.log_path: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def start(self, log_path: Path | None = None, timeout: float = 60.0) -> ServerProcess:
        env = {**os.environ, **self.extra_env}
        cmd = [
            sys.executable,
            "-m",
            "server.cli",
            "serve",
            "--port",
            str(self.port),
            "--database-url",
            self.database_url,
            "--log-level",
            self.log_level,
        ]
        self.log_path = log_path
        out = open(log_path, "ab") if log_path else subprocess.DEVNULL
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        if log_path:
            out.close()  # type: ignore[union-attr]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}; log: {self.log()}")
            try:
                if httpx.get(f"{self.url}/api/health", timeout=0.5).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"server did not answer within {timeout}s; log: {self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:] if self.log_path and self.log_path.exists() else ""

    def kill(self) -> None:
        """SIGKILL: no shutdown handlers, no flush — a crash."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
