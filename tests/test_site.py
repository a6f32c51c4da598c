"""Build the site with warnings as errors, then read every page in a real browser.

The site must work offline: every script, style, font and image comes from the
site itself. Chromium opens each page of the table of contents from a local
server and the test fails on a console error, a failed or external request,
math left unrendered, or an image that does not decode. Screenshots are saved
in _build/screenshots/ for a person to look at.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.book import ROOT, load_yaml, toc_entries

HTML = ROOT / "_build" / "html"
SHOTS = ROOT / "_build" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="session")
def build_log() -> str:
    jb = Path(sys.executable).parent / "jupyter-book"
    result = subprocess.run(
        [str(jb), "build", ".", "-W", "-n", "--keep-going", "--all"],
        cwd=ROOT, capture_output=True, text=True,
    )
    log = result.stdout + result.stderr
    assert result.returncode == 0, f"jupyter-book build failed:\n{log[-6000:]}"
    return log


def test_build_is_warning_free(build_log):
    warnings = [line for line in build_log.splitlines() if "WARNING" in line or "ERROR" in line]
    assert not warnings, "\n".join(warnings)
    for entry in toc_entries():
        assert (HTML / f"{entry}.html").is_file(), f"{entry}.html was not built"


def test_mathjax_is_served_by_the_site(build_log):
    pages = [(HTML / f"{entry}.html").read_text(encoding="utf-8") for entry in toc_entries()]
    assert (HTML / "_static" / "mathjax" / "tex-chtml.js").is_file()
    assert any(re.search(r'<script[^>]* src="(\.\./)?_static/mathjax/tex-chtml\.js', page) for page in pages)
    for page in pages:
        assert "cdn.jsdelivr.net" not in page and "cdnjs.cloudflare.com" not in page


@pytest.fixture(scope="session")
def server(build_log):
    handler = functools.partial(_QuietHandler, directory=str(HTML))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM} (install Debian's chromium, or set CHROMIUM=...)"
        if os.environ.get("CI") == "true":
            pytest.fail(message + "; in CI the browser test must run")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _repository() -> tuple[str, str]:
    repo = load_yaml("_config.yml")["repository"]
    return urlparse(repo["url"]).path.strip("/"), repo["branch"]


@pytest.mark.parametrize("entry", toc_entries())
def test_page_renders_offline(browser, server, entry):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems: list[str] = []
    page.on("console", lambda m: m.type == "error" and problems.append(f"console error: {m.text}"))
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url} ({r.failure})"))
    page.on("response", lambda r: r.status >= 400 and problems.append(f"HTTP {r.status}: {r.url}"))

    def only_local(route):
        if route.request.url.startswith(server):
            route.continue_()
        else:
            problems.append(f"external request: {route.request.url}")
            route.abort()

    page.route("**/*", only_local)
    page.goto(f"{server}/{entry}.html", wait_until="load")

    n_math = page.locator(".math").count()
    if n_math:
        page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
        page.evaluate("() => MathJax.startup.promise")
        typeset = page.locator(".math mjx-container").count()
        assert typeset >= n_math, f"{typeset} of {n_math} formulas typeset"
        assert page.locator("mjx-merror").count() == 0, "MathJax reported a TeX error"
    leftover = page.evaluate(
        """() => {
            const clone = document.querySelector('main').cloneNode(true);
            clone.querySelectorAll('pre, code, script, style, mjx-assistive-mml').forEach(e => e.remove());
            const text = clone.innerText;
            return ['$$', '\\\\begin{', '\\\\frac', '{eq}', '{doc}'].filter(s => text.includes(s));
        }"""
    )
    assert not leftover, f"raw markup left on the page: {leftover}"

    broken = page.evaluate(
        """async () => {
            const bad = [];
            for (const img of document.querySelectorAll('main img')) {
                img.loading = 'eager';  // images in collapsed solutions load too
                try { await img.decode(); } catch (e) { /* judged below */ }
                if (!(img.naturalWidth > 0)) bad.push(img.src);
            }
            return bad;
        }"""
    )
    assert not broken, f"images that did not decode: {broken}"

    if (ROOT / f"{entry}.ipynb").is_file():
        repo, branch = _repository()
        binder = page.locator(f'a[href*="mybinder.org/v2/gh/{repo}/{branch}?"]')
        assert binder.count() == 1, "the Binder launch button must point at this repository and branch"
        assert f"{entry}.ipynb" in binder.get_attribute("href")
        assert page.locator(".btn-launch-thebe, button[onclick*='initThebe']").count() >= 1, "no Live Code button"

    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{entry.replace('/', '__')}.png"), full_page=True)
    page.close()
    assert not problems, "\n".join(problems)
