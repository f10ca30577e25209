"""What an accepted operation becomes before the room numbers it into an `Event`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Change:
    op: str
    data: dict[str, Any]
