"""The server's clock: milliseconds since the epoch, the unit of every stored and sent time."""

import time


def now_ms() -> int:
    return int(time.time() * 1000)
