"""The board in a real browser with a large map: time to interactive, and frame times while dragging.

Against the real server (uvicorn subprocess, SQLite) with Debian's Chromium driven by Playwright. A board of
--notes notes and --links links is loaded; "interactive" is when every note is drawn and the socket is live.
Then one note is dragged for two seconds while another client streams drag positions of five other notes
(30 a second each), and the page's frame-to-frame times are recorded. The baseline, measured in the same
run with the same page, is an empty board (load) and the same drag with no other traffic (frames).

On a phone's viewport (390×844, touch emulated): time to interactive of the same boards, and frame times while
two fingers pinch the large board out and in (their middle drifting, so it pans too) and then one finger pans
it, each for two seconds; the touches go through Chromium's debugging protocol (tests/support/touch.py).

    .venv/bin/python -m bench.browser [--notes 1000] [--links 1500]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
from pathlib import Path
from typing import Any

from playwright.async_api import async_playwright

from tests.browser.conftest import ARGS, CHROMIUM
from tests.support.client import BoardClient, create_workshop
from tests.support.server import UNLIMITED_FRAMES, ServerProcess
from tests.support.touch import Fingers

DESKTOP: dict[str, Any] = {"viewport": {"width": 1400, "height": 900}}
PHONE: dict[str, Any] = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}

FRAME_RECORDER = """() => {
  window.__frames = [];
  let last = performance.now();
  const tick = (t) => {
    window.__frames.push(t - last);
    last = t;
    if (window.__recording) requestAnimationFrame(tick);
  };
  window.__recording = true;
  requestAnimationFrame(tick);
}"""


async def populate(server: ServerProcess, notes: int, links: int) -> dict[str, Any]:
    created = await create_workshop(server.url, f"Board of {notes} notes")
    client = await BoardClient(server.ws_url, created["id"], created["token"], "loader").connect()
    rng = random.Random(7)
    kinds = ["impact", "outcome", "output", "activity", "assumption"]
    for i in range(notes):
        await client.send(
            "note.add",
            id=f"n{i:05}",
            kind=rng.choice(kinds),
            text=f"Note {i}: evidence reaches practice",
            x=float(i % 40) * 240,
            y=float(i // 40) * 160,
        )
        if i % 500 == 499:
            await client.wait_for(lambda: not client.pending, "notes stored", timeout=60)
    made, pairs = 0, set()
    while made < links:
        a, b = rng.randrange(notes), rng.randrange(notes)
        if a != b and (a, b) not in pairs:
            pairs.add((a, b))
            await client.send("link.add", id=f"l{made:05}", source=f"n{a:05}", target=f"n{b:05}", label="leads to")
            made += 1
            if made % 500 == 0:
                await client.wait_for(lambda: not client.pending, "links stored", timeout=60)
    await client.wait_for(lambda: not client.pending, "all stored", timeout=60)
    await client.disconnect()
    return created


async def time_to_interactive(
    browser: Any, server: ServerProcess, created: dict[str, Any], notes: int, size: dict[str, Any] = DESKTOP
) -> float:
    context = await browser.new_context(**size)
    await context.add_cookies([{"name": f"pw_{created['id']}", "value": created["token"], "url": server.url}])
    page = await context.new_page()
    await page.goto(f"{server.url}/w/{created['id']}")
    await page.wait_for_function(
        # A function, not an expression: Playwright evaluates expressions with eval, which the page's
        # Content-Security-Policy refuses.
        f"() => document.querySelectorAll('.note').length === {notes} && !!document.querySelector('.connection.live')",
        polling="raf",
        timeout=60_000,
    )
    ms = await page.evaluate("performance.now()")
    await context.close()
    return float(ms)


async def drag_frames(browser: Any, server: ServerProcess, created: dict[str, Any], stream: bool) -> list[float]:
    context = await browser.new_context(viewport={"width": 1400, "height": 900})
    await context.add_cookies([{"name": f"pw_{created['id']}", "value": created["token"], "url": server.url}])
    page = await context.new_page()
    await page.goto(f"{server.url}/w/{created['id']}")
    await page.wait_for_selector(".connection.live")
    await page.wait_for_timeout(500)
    other = await BoardClient(server.ws_url, created["id"], created["token"], "streamer").connect()
    stop = asyncio.Event()

    async def streamer() -> None:
        step = 0
        while not stop.is_set():
            for k in range(1, 6):
                await other.send("note.drag", id=f"n{k:05}", x=float(step % 400), y=float(k * 160))
            step += 1
            await asyncio.sleep(1 / 30)

    task = asyncio.create_task(streamer()) if stream else None
    note = page.locator(".note").first
    box = await note.bounding_box()
    assert box is not None
    await page.evaluate(FRAME_RECORDER)
    await page.mouse.move(box["x"] + 50, box["y"] + 50)
    await page.mouse.down()
    for i in range(120):  # two seconds of dragging at 60 moves a second
        await page.mouse.move(box["x"] + 50 + i * 3, box["y"] + 50 + (i % 40) * 2)
        await page.wait_for_timeout(16)
    await page.mouse.up()
    frames = await page.evaluate("window.__recording = false, window.__frames")
    stop.set()
    if task:
        await task
    await other.disconnect()
    await context.close()
    return [float(f) for f in frames[2:]]


async def gesture_frames(browser: Any, server: ServerProcess, created: dict[str, Any]) -> dict[str, list[float]]:
    """Frame times on a phone while two fingers pinch (out, then in, drifting) and then while one finger pans."""
    context = await browser.new_context(**PHONE)
    await context.add_cookies([{"name": f"pw_{created['id']}", "value": created["token"], "url": server.url}])
    page = await context.new_page()
    await page.goto(f"{server.url}/w/{created['id']}")
    await page.wait_for_selector(".connection.live")
    await page.wait_for_timeout(500)
    fingers = Fingers(page)
    frames: dict[str, list[float]] = {}
    # pinch: 60 moves out (spread 100 -> 300 px), 60 back in, the middle drifting 80 px across and back
    await page.evaluate(FRAME_RECORDER)
    await fingers.start((145, 420), (245, 420))
    for i in range(120):
        t = i / 59 if i < 60 else (119 - i) / 59
        spread, cx = 100 + 200 * t, 195 + 80 * t
        await fingers.move((cx - spread / 2, 420 + 40 * t), (cx + spread / 2, 420 + 40 * t))
        await page.wait_for_timeout(16)
    await fingers.end()
    frames["pinch"] = await page.evaluate("window.__recording = false, window.__frames")
    # pan: one finger on the board, 120 moves in a zigzag
    await page.evaluate(FRAME_RECORDER)
    await fingers.start((100, 300))
    for i in range(120):
        await fingers.move((100 + (i % 40) * 5, 300 + i * 2))
        await page.wait_for_timeout(16)
    await fingers.end()
    frames["pan"] = await page.evaluate("window.__recording = false, window.__frames")
    await context.close()
    return {name: [float(f) for f in found[2:]] for name, found in frames.items()}


def summary(frames: list[float]) -> str:
    ordered = sorted(frames)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    return f"{statistics.median(ordered):.1f} / {p95:.1f} / {ordered[-1]:.1f}"


async def run(notes: int, links: int, loads: int = 3) -> str:
    with tempfile.TemporaryDirectory() as folder:
        server = ServerProcess(f"sqlite:///{folder}/browser.db", extra_env=UNLIMITED_FRAMES)
        server.start(log_path=Path(folder) / "server.log")
        try:
            big = await populate(server, notes, links)
            empty = await create_workshop(server.url, "Empty board")
            async with async_playwright() as p:
                browser = await p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
                empty_tti = statistics.median(
                    [await time_to_interactive(browser, server, empty, 0) for _ in range(loads)]
                )
                big_tti = statistics.median(
                    [await time_to_interactive(browser, server, big, notes) for _ in range(loads)]
                )
                quiet = await drag_frames(browser, server, big, stream=False)
                busy = await drag_frames(browser, server, big, stream=True)
                phone_empty = statistics.median(
                    [await time_to_interactive(browser, server, empty, 0, PHONE) for _ in range(loads)]
                )
                phone_big = statistics.median(
                    [await time_to_interactive(browser, server, big, notes, PHONE) for _ in range(loads)]
                )
                touch = await gesture_frames(browser, server, big)
                await browser.close()
        finally:
            server.stop()
    return "\n".join(
        [
            f"Chromium (headless, software rendering), {notes:,} notes and {links:,} links; median of {loads} loads.",
            "",
            "| measured | time to interactive ms | frame time while dragging, p50 / p95 / max ms |",
            "|---|---:|---|",
            f"| baseline: empty board | {empty_tti:.0f} | – |",
            f"| baseline: large board, no other traffic | {big_tti:.0f} | {summary(quiet)} |",
            f"| large board, another client dragging five notes | – | {summary(busy)} |",
            "",
            "| on a phone (390×844, touch) | time to interactive ms | frame time in the gesture, p50 / p95 / max ms |",
            "|---|---:|---|",
            f"| empty board | {phone_empty:.0f} | – |",
            f"| large board | {phone_big:.0f} | – |",
            f"| large board, two fingers pinch-zooming (and panning) | – | {summary(touch['pinch'])} |",
            f"| large board, one finger panning | – | {summary(touch['pan'])} |",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=1000)
    parser.add_argument("--links", type=int, default=1500)
    parser.add_argument("--loads", type=int, default=3, help="page loads per time-to-interactive figure")
    args = parser.parse_args()
    print(asyncio.run(run(args.notes, args.links, args.loads)))


if __name__ == "__main__":
    main()
