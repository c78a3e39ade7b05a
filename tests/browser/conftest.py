"""Browser tests: Playwright drives Debian's Chromium against the live test server."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE_SOURCE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


# Collects CSP violations as the page reports them, before any page script runs.
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline'));
});
"""


# Module scope, not session: Playwright's sync API keeps an event loop running
# in this thread while it is open, and the prober's tests need asyncio.run().
@pytest.fixture(scope="module")
def browser():
    # Playwright's sync API runs an event loop in this thread; the tests' own
    # ORM calls are still plain synchronous code. Only while a browser is open.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        yield from _launch()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


def _launch():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield browser
        browser.close()


class Tab:
    """A page plus the CSP violations and console errors it reported."""

    def __init__(self, page):
        self.page = page
        self.console_errors = []
        page.on("console", self._on_console)

    def _on_console(self, message):
        if message.type == "error" or "Content Security Policy" in message.text:
            self.console_errors.append(message.text)

    def csp_violations(self) -> list[str]:
        reported = self.page.evaluate("window.__cspViolations || []")
        from_console = [m for m in self.console_errors if "Content Security Policy" in m]
        return reported + from_console

    def axe_violations(self, impacts=("serious", "critical")) -> list[dict]:
        self.page.evaluate(AXE_SOURCE.read_text())
        result = self.page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        return [
            {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"]
            if v["impact"] in impacts
        ]


@pytest.fixture
def open_tab(browser):
    contexts = []

    def open_(width: int = 1280, height: int = 900, **options) -> Tab:
        context = browser.new_context(
            viewport={"width": width, "height": height}, locale="fr-FR", **options
        )
        context.add_init_script(CSP_LISTENER)
        contexts.append(context)
        return Tab(context.new_page())

    yield open_
    for context in contexts:
        context.close()
