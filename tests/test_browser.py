"""The interactive map and the HTML report draw in a real browser with the network blocked.

Headless Chromium (Debian's ``chromium``; ``.ci/run`` installs it) is driven over the Chrome DevTools
Protocol on a pipe (``--remote-debugging-pipe``), so the test needs no driver package and opens no socket.
Every name lookup fails (``--host-resolver-rules``) and every connection goes to a proxy that is not
there, so a page that needs the network shows it: the test fails on any request that leaves the machine,
any failed load, console error or uncaught exception, and checks the drawing itself on a screenshot.
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
import os
import queue
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

import corridor
from corridor.plot import MODE_COLORS, explore

ROOT = Path(__file__).resolve().parents[1]
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "chrome")
CHROMIUM = os.environ.get("CORRIDOR_CHROMIUM") or next(filter(None, map(shutil.which, BROWSERS)), None)
FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
    "--hide-scrollbars", "--mute-audio", "--remote-debugging-pipe",
    "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=http://127.0.0.1:9",  # the network is blocked
)  # fmt: skip
WIDTH, HEIGHT = 1200, 900

if CHROMIUM is None:
    reason = "no Chromium found (apt-get install chromium, or set CORRIDOR_CHROMIUM); the browser checks did not run"
    if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
        pytest.fail(f"CI must run the browser checks: {reason}", pytrace=False)
    pytestmark = pytest.mark.skip(reason=reason)


class Chromium:
    """Headless Chromium spoken to over the DevTools protocol on fds 3 (commands) and 4 (replies)."""

    def __init__(self, user_data_dir: Path) -> None:
        to_browser, self._commands = os.pipe()
        self._replies, from_browser = os.pipe()

        def wire() -> None:  # runs in the child: the protocol pipes must be fds 3 and 4
            first, second = os.dup(to_browser), os.dup(from_browser)
            os.dup2(first, 3)
            os.dup2(second, 4)

        self.process = subprocess.Popen(
            [CHROMIUM, *FLAGS, f"--user-data-dir={user_data_dir}", f"--window-size={WIDTH},{HEIGHT}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, close_fds=False, preexec_fn=wire,
        )  # fmt: skip
        os.close(to_browser)
        os.close(from_browser)
        self._next_id = 0
        self._inbox: queue.Queue[dict] = queue.Queue()
        self.events: list[dict] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        buffer = b""
        with os.fdopen(self._replies, "rb", buffering=0) as replies:
            while chunk := replies.read(1 << 16):
                buffer += chunk
                *messages, buffer = buffer.split(b"\0")
                for message in messages:
                    self._inbox.put(json.loads(message))

    def send(self, method: str, session: str | None = None, timeout_s: float = 30.0, **params) -> dict:
        """Send one command and return its result; events that arrive meanwhile go to `events`."""
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._commands, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout_s
        while True:
            reply = self._inbox.get(timeout=max(deadline - time.monotonic(), 0.01))
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply["result"]
            self.events.append(reply)

    def wait_for(self, method: str, timeout_s: float = 30.0) -> dict:
        deadline = time.monotonic() + timeout_s
        while not any(e.get("method") == method for e in self.events):
            self.events.append(self._inbox.get(timeout=max(deadline - time.monotonic(), 0.01)))
        return next(e for e in self.events if e.get("method") == method)

    def open(self, path: Path) -> Page:
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        session = self.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Network", "Runtime", "Log"):
            self.send(f"{domain}.enable", session)
        self.send("Emulation.setDeviceMetricsOverride", session, width=WIDTH, height=HEIGHT, deviceScaleFactor=1,
                  mobile=False)  # fmt: skip
        self.events.clear()
        self.send("Page.navigate", session, url=path.resolve().as_uri())
        self.wait_for("Page.loadEventFired")
        return Page(self, session)

    def close(self) -> None:
        with contextlib.suppress(Exception):  # the browser may already be gone
            self.send("Browser.close", timeout_s=5)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        os.close(self._commands)


class Page:
    def __init__(self, browser: Chromium, session: str) -> None:
        self.browser, self.session = browser, session

    def evaluate(self, expression: str):
        result = self.browser.send("Runtime.evaluate", self.session, expression=expression, returnByValue=True)
        return result["result"].get("value")

    def poll(self, expression: str, timeout_s: float = 20.0):
        """Evaluate `expression` until it is truthy (Leaflet draws after the load event)."""
        deadline = time.monotonic() + timeout_s
        while not (value := self.evaluate(expression)) and time.monotonic() < deadline:
            time.sleep(0.1)
        return value

    def screenshot(self, clip: dict | None = None) -> np.ndarray:
        from PIL import Image

        params = {"format": "png", "captureBeyondViewport": True}
        if clip:
            params["clip"] = {**clip, "scale": 1}
        png = base64.b64decode(self.browser.send("Page.captureScreenshot", self.session, **params)["data"])
        return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)

    def problems(self) -> list[str]:
        """Requests that left the machine, failed loads, console errors and uncaught exceptions."""
        found = []
        for event in self.browser.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Network.requestWillBeSent":
                url = params["request"]["url"]
                if not url.startswith(("file:", "data:", "about:", "blob:")):
                    found.append(f"request to {url}")
            elif method == "Network.loadingFailed":
                found.append(f"failed load: {params.get('errorText')} ({params.get('type')})")
            elif method == "Runtime.exceptionThrown":
                found.append(f"exception: {params['exceptionDetails'].get('text')}")
            elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                found.append(f"console.{params['type']}: {[a.get('value') for a in params.get('args', [])]}")
            elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
                found.append(f"log: {params['entry'].get('text')} {params['entry'].get('url', '')}")
        return found


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    chromium = Chromium(tmp_path_factory.mktemp("chromium-profile"))
    yield chromium
    chromium.close()


def share_of(pixels: np.ndarray, colour: str, tolerance: int = 40) -> float:
    """Share of pixels within `tolerance` (sum of absolute RGB differences) of a hex `colour`."""
    rgb = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)])
    return float((np.abs(pixels - rgb).sum(axis=-1) <= tolerance).mean())


def expected_features(c: corridor.Corridor) -> int:
    """Vector features explore() draws: countries and lakes near the corridor, segments, places."""
    west, south, east, north = c.segments.total_bounds
    clip = (west - 3, south - 3, east + 3, north + 3)
    basemap = sum(len(corridor.datasets.basemap(layer).clip(clip)) for layer in ("countries", "lakes"))
    return basemap + len(c.segments) + len(c.places)


# Leaflet draws each GeoJSON feature and circle marker as one <path> in the overlay pane's SVG
COUNT_PATHS = "document.querySelectorAll('.leaflet-overlay-pane svg path').length"


def test_saved_map_draws_offline(browser, instc, tmp_path):
    path = tmp_path / "instc.html"
    explore(instc).save(str(path))
    page = browser.open(path)
    drawn = page.poll(f"{COUNT_PATHS} >= {expected_features(instc)} && {COUNT_PATHS}")
    assert drawn == expected_features(instc)
    assert page.evaluate("typeof L === 'object' && L.version") == "1.9.4"
    assert page.evaluate("document.querySelectorAll('.leaflet-control-layers').length") == 1
    pixels = page.screenshot()
    assert share_of(pixels, "#ffffff", tolerance=6) < 0.05  # not a blank page
    assert share_of(pixels, "#f3f1ec", tolerance=12) > 0.2  # land drawn from the vector basemap
    assert share_of(pixels, "#dbe9f4", tolerance=12) > 0.05  # sea and lakes
    for mode in ("rail", "road", "sea"):
        assert share_of(pixels, MODE_COLORS[mode]) > 1e-4, f"no {mode} lines on the screenshot"
    assert page.problems() == []


@pytest.mark.slow
def test_report_page_draws_offline(browser, instc, tmp_path):
    notebook = ROOT / "notebooks" / "01_corridor_at_a_glance.ipynb"
    run = subprocess.run([sys.executable, str(ROOT / "notebooks" / "run_notebooks.py"), "--out", str(tmp_path),
                          str(notebook)], capture_output=True, text=True)  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    page = browser.open(tmp_path / f"{notebook.stem}.html")
    frame = "document.querySelector('iframe.corridor-map')"
    inside = f"{frame}.contentDocument.querySelectorAll('.leaflet-overlay-pane svg path').length"
    assert page.poll(f"{frame} && {frame}.contentDocument && {inside} >= {expected_features(instc)} && {inside}") == (
        expected_features(instc)
    )
    figures = page.evaluate("Array.from(document.images).filter(i => i.complete && i.naturalWidth > 0).length")
    assert figures == len(list((tmp_path / "figures").glob("*.png")))  # every static figure shows
    rect = f"{frame}.getBoundingClientRect()"
    box = page.evaluate(f"(r => ({{x: r.x + scrollX, y: r.y + scrollY, width: r.width, height: r.height}}))({rect})")
    assert box["width"] > 500 and box["height"] > 300
    pixels = page.screenshot(clip=box)
    assert share_of(pixels, "#ffffff", tolerance=6) < 0.05
    assert share_of(pixels, "#f3f1ec", tolerance=12) > 0.1  # land drawn (the map reaches the Cape: much sea)
    assert share_of(pixels, MODE_COLORS["rail"]) > 1e-4
    assert page.problems() == []
