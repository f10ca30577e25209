"""Browser tests: Playwright (async API) driving Debian's Chromium against a real server subprocess.

Screenshots of every open page are saved under artifacts/screenshots/ when a test fails.
"""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.server import ROOT, ServerProcess

CHROMIUM = Path(os.environ.get("PATHWEAVER_CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            if not CHROMIUM.exists():
                item.add_marker(pytest.mark.skip(reason=f"no Chromium at {CHROMIUM} (bin/test installs it with apt)"))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: Any) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.failed_call = report.failed  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    folder = tmp_path_factory.mktemp("browser")
    proc = ServerProcess(f"sqlite:///{folder / 'pathweaver.db'}").start(log_path=folder / "server.log")
    yield proc
    proc.stop()


@pytest.fixture
async def browser(request: pytest.FixtureRequest) -> AsyncIterator[Any]:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        chromium = await p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield chromium
        finally:
            if getattr(request.node, "failed_call", False):
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                name = re.sub(r"[^A-Za-z0-9_-]+", "_", request.node.name)
                for i, context in enumerate(chromium.contexts):
                    for j, page in enumerate(context.pages):
                        await page.screenshot(path=str(SCREENSHOTS / f"FAILED-{name}-{i}-{j}.png"))
            await chromium.close()
