"""Browser tests: Playwright (async API) driving Debian's Chromium against a real server subprocess.

Screenshots of every open page are saved under artifacts/screenshots/ when a test fails. Every page the
server serves is watched for Content-Security-Policy violations: a test whose pages report one fails, so the
pages are known to work fully under the policy they are sent with.
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


# Runs in every page before its own scripts: reports each violation of the page's policy to the test.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  window.__pathweaverCspViolation({directive: e.violatedDirective, blocked: e.blockedURI,
                                   source: `${e.sourceFile}:${e.lineNumber}`, sample: e.sample});
}, true);
"""


class WatchedBrowser:
    """The browser, whose contexts record every Content-Security-Policy violation of every page."""

    def __init__(self, browser: Any) -> None:
        self._browser = browser
        self.violations: list[dict[str, Any]] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._browser, name)

    async def new_context(self, **options: Any) -> Any:
        context = await self._browser.new_context(**options)

        def record(source: Any, violation: dict[str, Any]) -> None:
            self.violations.append({**violation, "page": source["frame"].url})

        await context.expose_binding("__pathweaverCspViolation", record)
        await context.add_init_script(REPORT_CSP_VIOLATIONS)
        return context

    async def new_page(self, **options: Any) -> Any:
        return await (await self.new_context(**options)).new_page()


@pytest.fixture
async def browser(request: pytest.FixtureRequest, server: ServerProcess) -> AsyncIterator[Any]:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        chromium = await p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        watched = WatchedBrowser(chromium)
        try:
            yield watched
            # Pages of other origins (the attacking pages of test_browser_defences.py) may break policies.
            ours = [v for v in watched.violations if v["page"].startswith(server.url)]
            assert not ours, f"pages broke their Content-Security-Policy: {ours}"
        finally:
            if getattr(request.node, "failed_call", False):
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                name = re.sub(r"[^A-Za-z0-9_-]+", "_", request.node.name)
                for i, context in enumerate(chromium.contexts):
                    for j, page in enumerate(context.pages):
                        await page.screenshot(path=str(SCREENSHOTS / f"FAILED-{name}-{i}-{j}.png"))
            await chromium.close()
