"""One settings object for the whole server, read from flags or PATHWEAVER_* environment variables."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from server.limits import LimitSettings
from server.protocol.codec import MAX_FRAME_BYTES

DEFAULT_DATABASE_URL = f"sqlite:///{Path('sessions') / 'pathweaver.db'}"
DEFAULT_SECRET_KEY_FILE = Path("sessions") / "secret.key"


def _items(raw: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in raw.split(",") if item.strip())


def _origins(raw: str) -> tuple[str, ...]:
    return tuple(o.strip().rstrip("/") for o in raw.split(",") if o.strip())


def _hosts(raw: str) -> tuple[str, ...]:
    return tuple(h.strip().lower() for h in raw.split(",") if h.strip())


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    # Origins (scheme://host[:port]) whose pages may open websockets, besides the server's own origin.
    allowed_origins: tuple[str, ...] = field(default_factory=tuple)
    # Host names the server answers to besides the safe defaults (server/web/security.py); "*" for any.
    allowed_hosts: tuple[str, ...] = field(default_factory=tuple)
    max_frame_bytes: int = MAX_FRAME_BYTES
    # Frames a slow client may have waiting before it is disconnected (it reconnects and catches up).
    max_queued_frames: int = 2000
    # Rate limits, caps and request body sizes (server/limits.py explains the defaults).
    limits: LimitSettings = field(default_factory=LimitSettings)
    # Proxies (addresses or networks) whose X-Forwarded-For names the client; without any, the socket's peer is.
    trusted_proxies: tuple[str, ...] = field(default_factory=tuple)
    # Client operation ids and deleted ids each room holds exactly in memory; older ones are read from storage.
    recent_ids: int = 10_000
    secure_cookies: bool = False
    # Whether anyone may make an account (and its first organisation) on the web; when closed, only invitations
    # (and `pathweaver user add`) make accounts.
    open_sign_up: bool = True
    # How passwords are hashed (server/accounts/passwords.py): "standard"; tests use "cheapest".
    password_hashing: str = "standard"
    # The key join codes are derived from. Keep it with the database: if it changes, join links change.
    secret_key_file: Path = DEFAULT_SECRET_KEY_FILE
    # How often the library's search index catches up with the boards (server/library/indexer.py): the lag.
    search_index_seconds: float = 30.0

    def secret_key(self) -> bytes:
        """PATHWEAVER_SECRET_KEY if set, else the key file (made, readable by this user only, on first use)."""
        if value := os.environ.get("PATHWEAVER_SECRET_KEY"):
            return value.encode()
        path = self.secret_key_file
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_hex(32))
        return path.read_text().strip().encode()

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Settings from PATHWEAVER_* variables, with explicit overrides (e.g. from CLI flags) winning."""
        env = os.environ
        values: dict[str, object] = {
            "database_url": env.get("PATHWEAVER_DATABASE_URL", DEFAULT_DATABASE_URL),
            "allowed_origins": _origins(env.get("PATHWEAVER_ALLOWED_ORIGINS", "")),
            "allowed_hosts": _hosts(env.get("PATHWEAVER_ALLOWED_HOSTS", "")),
            "max_frame_bytes": int(env.get("PATHWEAVER_MAX_FRAME_BYTES", MAX_FRAME_BYTES)),
            "max_queued_frames": int(env.get("PATHWEAVER_MAX_QUEUED_FRAMES", 2000)),
            "limits": LimitSettings.from_env(env),
            "trusted_proxies": _items(env.get("PATHWEAVER_TRUSTED_PROXIES", "")),
            "recent_ids": int(env.get("PATHWEAVER_RECENT_IDS", 10_000)),
            "secure_cookies": env.get("PATHWEAVER_SECURE_COOKIES", "") in ("1", "true", "yes"),
            "open_sign_up": env.get("PATHWEAVER_OPEN_SIGN_UP", "1") not in ("0", "false", "no"),
            "password_hashing": env.get("PATHWEAVER_PASSWORD_HASHING", "standard"),
            "secret_key_file": Path(env.get("PATHWEAVER_SECRET_KEY_FILE", DEFAULT_SECRET_KEY_FILE)),
            "search_index_seconds": float(env.get("PATHWEAVER_SEARCH_INDEX_SECONDS", 30.0)),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        if isinstance(values["allowed_origins"], str):
            values["allowed_origins"] = _origins(values["allowed_origins"])
        return cls(**values)  # type: ignore[arg-type]
