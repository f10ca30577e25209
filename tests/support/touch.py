"""Fingers on a page, for browser tests and benchmarks: touches sent through Chromium's debugging protocol
(`Input.dispatchTouchEvent`), which Playwright's own touchscreen (one tap) cannot do — several fingers at once,
held, moved in steps. The page's context must have touch (`has_touch=True`).

Each call sends one touch event with every finger that is down after it, as the protocol wants; the browser
turns them into touch and pointer events as it does for a real screen.
"""

from __future__ import annotations

from typing import Any

Point = tuple[float, float]


class Fingers:
    """The fingers on one page: put them down, move them, lift them."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.session: Any = None
        self.down: dict[int, Point] = {}

    async def _send(self, kind: str) -> None:
        if self.session is None:
            self.session = await self.page.context.new_cdp_session(self.page)
        points = [{"x": x, "y": y, "id": i, "radiusX": 4, "radiusY": 4, "force": 1} for i, (x, y) in self.down.items()]
        await self.session.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

    async def start(self, *points: Point) -> None:
        """Put fingers down (more may join those already down)."""
        for p in points:
            self.down[max(self.down, default=-1) + 1] = p
        await self._send("touchStart")

    async def move(self, *points: Point) -> None:
        """Move every finger down, in the order they went down, to these points."""
        assert len(points) == len(self.down), f"{len(self.down)} fingers are down, {len(points)} points given"
        for i, p in zip(list(self.down), points, strict=True):
            self.down[i] = p
        await self._send("touchMove")

    async def end(self, count: int | None = None) -> None:
        """Lift the last `count` fingers put down (all of them when not said)."""
        lifting = list(self.down)[-(count or len(self.down)) :]
        for i in lifting:
            del self.down[i]
        await self._send("touchEnd")

    async def glide(self, to: list[Point], steps: int = 12) -> None:
        """Move every finger down in a straight line to its point in `to`, in `steps` moves."""
        start = list(self.down.values())
        for s in range(1, steps + 1):
            t = s / steps
            await self.move(
                *((a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t) for a, b in zip(start, to, strict=True))
            )

    async def swipe(self, start: Point, end: Point, steps: int = 12) -> None:
        """One finger down at `start`, along to `end`, lifted."""
        await self.start(start)
        await self.glide([end], steps)
        await self.end()

    async def pinch(
        self, centre: Point, spread: float, to_spread: float, shift: Point = (0, 0), steps: int = 12
    ) -> None:
        """Two fingers `spread` px apart (across `centre`) go to `to_spread` apart, their middle moving by `shift`."""
        cx, cy = centre
        await self.start((cx - spread / 2, cy), (cx + spread / 2, cy))
        nx, ny = cx + shift[0], cy + shift[1]
        await self.glide([(nx - to_spread / 2, ny), (nx + to_spread / 2, ny)], steps)
        await self.end()
