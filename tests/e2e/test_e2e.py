"""End to end: a real ``hass`` process, a virtual receiver process, Home Assistant's HTTP API.

The same path a person takes with scripts/develop: HTTP settings in Home Assistant's
storage, onboard through the onboarding API, add the device through the integration's
config flow, then check that Home Assistant reports no repair issue and asks nothing,
watch the media player follow the device and drive the device from Home Assistant. Run
alone with ``scripts/test --fast -m e2e``; ``scripts/test_newest`` runs it against the
newest Home Assistant release too.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
import contextlib
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
import importlib.util
import io
import json
import os
from pathlib import Path
import shutil
import socket
import subprocess
import sys
import threading
import time
from typing import Any
from urllib.request import Request, urlopen
import wave

import pytest
import pytest_socket

from virtual_receiver import DEMO_PLAYLIST

ROOT = Path(__file__).resolve().parents[2]
HASS = Path(sys.executable).parent / "hass"
ENTITY = "media_player.onkyo_ns_6130"
# The renderer answers unicast M-SEARCH where the integration asks: UDP 1900 of the host.
SSDP_PORT = 1900
MEDIA_ANNOUNCE = 1048576  # MediaPlayerEntityFeature.MEDIA_ANNOUNCE

BROWSER_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(400)]


def _onboarding() -> Any:
    spec = importlib.util.spec_from_file_location(
        "develop_onboard", ROOT / "scripts" / "develop_onboard.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait(predicate: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := predicate():
            return result
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@dataclass
class Stack:
    """The running processes and how to talk to Home Assistant."""

    base: str
    token: str
    receiver_log: Path
    api: Any
    http_port: int
    media: MediaServer

    def config(self) -> dict[str, Any]:
        """Home Assistant's core configuration (version, state, country, ...)."""
        result: dict[str, Any] = self.api.call(f"{self.base}/api/config", token=self.token)
        return result

    def artifacts(self) -> Path:
        """Where this Home Assistant version's screenshots go."""
        folder = ROOT / "artifacts" / f"ha-{self.config()['version']}"
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def template(self, template: str) -> str:
        """Render a template in Home Assistant (the reply is text, not JSON)."""
        request = Request(
            f"{self.base}/api/template",
            data=json.dumps({"template": template}).encode(),
            headers={"Authorization": f"Bearer {self.token}"},
            method="POST",
        )
        with urlopen(request, timeout=30) as reply:
            return str(reply.read().decode())

    def service(self, service: str) -> None:
        """Call a media_player service for the media player."""
        self.api.call(
            f"{self.base}/api/services/media_player/{service}",
            "POST",
            {"entity_id": ENTITY},
            self.token,
        )

    def call(self, service: str, data: dict[str, Any]) -> None:
        """Call a media_player service for the media player with ``data``."""
        self.api.call(
            f"{self.base}/api/services/media_player/{service}",
            "POST",
            {"entity_id": ENTITY, **data},
            self.token,
        )

    def state(self) -> dict[str, Any]:
        """The media player's state."""
        result: dict[str, Any] = self.api.call(f"{self.base}/api/states/{ENTITY}", token=self.token)
        return result


def _speech(seconds: float) -> bytes:
    """A silent WAV file of ``seconds``: what a text-to-speech engine hands over."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(1)
        out.setframerate(8000)
        out.writeframes(b"\x80" * int(8000 * seconds))
    return buffer.getvalue()


class MediaServer:
    """Serves one WAV file on loopback, as Home Assistant serves a TTS answer; logs requests."""

    def __init__(self) -> None:
        """Serve ``/speech.wav`` on a free port until :meth:`close`."""
        self.requests: list[str] = []
        body = _speech(40.0)  # two seconds at the receiver's --tick 0.05
        requests = self.requests

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, send_body: bool) -> None:
                requests.append(f"{self.command} {self.path}")
                if self.path != "/speech.wav":
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "audio/wav")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if send_body:
                    self.wfile.write(body)

            def do_GET(self) -> None:
                self._answer(True)

            def do_HEAD(self) -> None:
                self._answer(False)

            def log_message(self, *args: object) -> None:
                """Quiet."""

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/speech.wav"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def close(self) -> None:
        """Stop serving."""
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Generator[Stack]:
    """A virtual receiver and Home Assistant, onboarded, with the device added."""
    pytest_socket.enable_socket()  # set up before the per-test fixture that does this
    pytest_socket.socket_allow_hosts(["127.0.0.1", "localhost"])
    if not HASS.exists():
        pytest.skip("hass is not installed in this environment")
    work = tmp_path_factory.mktemp("e2e")
    config = work / "config"
    (config / "custom_components").mkdir(parents=True)
    (config / "custom_components" / "onkyo_eiscp").symlink_to(
        ROOT / "custom_components" / "onkyo_eiscp"
    )
    http_port, device_port = _free_port(), _free_port()
    shutil.copy(ROOT / "config" / "configuration.yaml", config / "configuration.yaml")
    api = _onboarding()
    api.write_http_settings(config, "127.0.0.1", http_port)  # as scripts/develop does
    receiver_log, hass_log = work / "receiver.log", work / "hass.log"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    processes = []
    with receiver_log.open("w") as rlog, hass_log.open("w") as hlog:
        try:
            processes.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "virtual_receiver",
                        "--profile",
                        "NS-6130",
                        "--port",
                        str(device_port),
                        "--play",
                        "--tick",
                        "0.05",
                        "--art-port",
                        "0",
                        "--log-commands",
                        "--upnp",
                        "--upnp-port",
                        str(_free_port()),
                        "--ssdp-port",
                        str(SSDP_PORT),
                    ],
                    cwd=ROOT,
                    env=env,
                    stdout=rlog,
                    stderr=subprocess.STDOUT,
                )
            )
            processes.append(
                subprocess.Popen(
                    [str(HASS), "-c", str(config)], cwd=work, stdout=hlog, stderr=subprocess.STDOUT
                )
            )
            base = f"http://127.0.0.1:{http_port}"
            hass = processes[-1]
            api.wait_until_up(base, 240, lambda: hass.poll() is None)  # fails fast on a crash
            token = api.onboard(base)
            api.add_device(base, token, "127.0.0.1", device_port)
            stack = Stack(base, token, receiver_log, api, http_port, MediaServer())
            yield stack
            stack.media.close()
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            if os.environ.get("CI"):
                print(hass_log.read_text()[-5000:])  # noqa: T201 - context when CI fails


def test_no_repair_issue_and_http_settings_confirmed(stack: Stack) -> None:
    """Home Assistant started as scripts/develop starts it reports nothing to repair.

    Neither "The HTTP YAML configuration is deprecated" nor "The country has not been
    configured", nor anything else; and its HTTP settings are the confirmed ones, with no
    pending trial for the frontend to ask about ("Confirm new HTTP server configuration",
    counting down to a revert).
    """
    _wait(lambda: stack.config()["state"] == "RUNNING", 120, "Home Assistant to run")
    with stack.api.WebSocket(stack.base, stack.token) as websocket:
        issues = websocket.command("repairs/list_issues")["issues"]
        http = websocket.command("http/config")
    assert [(issue["domain"], issue["issue_id"]) for issue in issues] == []
    assert stack.config()["country"] == stack.api.COUNTRY
    assert http["pending"] is None
    assert http["revert_at"] is None
    assert http["active_config_type"] == "stable"
    assert http["stable"]["server_host"] == ["127.0.0.1"]
    assert http["stable"]["server_port"] == stack.http_port


def test_media_player_follows_the_device(stack: Stack) -> None:
    """The player shows the virtual receiver playing, and follows its track changes."""
    first = _wait(
        lambda: (s := stack.state())["state"] == "playing" and s["attributes"].get("media_title"),
        60,
        "the media player to play",
    )
    _wait(
        lambda: stack.state()["attributes"].get("media_title") not in (None, first),
        60,
        "a track change pushed by the device",
    )
    attributes = stack.state()["attributes"]
    assert attributes["media_artist"]
    assert attributes["entity_picture"].startswith("/api/media_player_proxy/")


def test_next_track_reaches_the_device(stack: Stack) -> None:
    """media_player.media_next_track arrives at the device as NTCTRUP; the next track shows.

    Paused first: a playing device moves on by itself every two seconds (--tick 0.05), so
    only a paused one tells the service's track change from the playlist's.
    """
    stack.service("media_pause")
    _wait(lambda: stack.state()["state"] == "paused", 30, "the player to pause")
    track = stack.state()["attributes"]["media_track"]
    following = DEMO_PLAYLIST[track % len(DEMO_PLAYLIST)]
    stack.service("media_next_track")
    _wait(lambda: "received NTCTRUP" in stack.receiver_log.read_text(), 30, "NTCTRUP")
    _wait(
        lambda: stack.state()["attributes"].get("media_title") == following.title,
        30,
        f"the next track, {following.title!r}",
    )
    assert stack.state()["attributes"]["media_track"] == track % len(DEMO_PLAYLIST) + 1
    stack.service("media_play")
    _wait(lambda: stack.state()["state"] == "playing", 30, "the player to play again")


def _chromium() -> str:
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        pytest.skip("no browser: install Debian's chromium: apt-get install chromium")
    return chromium


def _log_in(page: Any, stack: Stack) -> None:
    page.goto(stack.base)
    page.locator("input[name=username]").fill("demo")
    page.locator("input[name=password]").fill("demo-onkyo")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{stack.base}/home/**", timeout=60000)


def _visible(page: Any, text: str) -> Any:
    """The first visible element showing ``text`` (tooltips repeat titles, hidden)."""
    return page.get_by_text(text, exact=True).filter(visible=True).first


def test_browser_shows_the_track(stack: Stack, tmp_path: Path) -> None:
    """In a real headless browser, the dashboard shows the track the device plays."""
    chromium = _chromium()
    playwright = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    _wait(lambda: stack.state()["attributes"].get("media_title"), 60, "a track")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=BROWSER_FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            # The frontend asks for the HTTP settings (http/config) as it connects, and
            # shows "Confirm new HTTP server configuration" when some are pending.
            http_checks: list[str | bytes] = []
            page.on(
                "websocket",
                lambda socket: socket.on(
                    "framereceived",
                    lambda payload: (
                        http_checks.append(payload) if "revert_at" in str(payload) else None
                    ),
                ),
            )
            _log_in(page, stack)
            shots = stack.artifacts()
            device_id = stack.template(f"{{{{ device_id('{ENTITY}') }}}}")
            page.goto(f"{stack.base}/config/devices/device/{device_id}")
            stack.api.call(
                f"{stack.base}/api/services/media_player/media_pause",
                "POST",
                {"entity_id": ENTITY},
                stack.token,
            )
            _wait(lambda: stack.state()["state"] == "paused", 30, "the player to pause")
            attributes = stack.state()["attributes"]
            artist = page.get_by_text(attributes["media_artist"]).first
            artist.wait_for(timeout=60000)  # the player's row on the device page
            deadline = time.monotonic() + 30
            while not http_checks and time.monotonic() < deadline:
                page.wait_for_timeout(200)  # Playwright delivers events while it runs
            with contextlib.suppress(playwright.TimeoutError):  # a settled picture
                page.wait_for_load_state("networkidle", timeout=10000)
            page.screenshot(path=str(shots / "device_page.png"))
            # The frontend has looked for HTTP settings to confirm, and nothing asks
            # anything: no dialog is open.
            assert http_checks, "the frontend did not ask for the HTTP settings"
            assert page.locator("dialog-http-pending-config").count() == 0
            assert page.get_by_role("dialog").count() == 0
            artist.click()  # its dialog shows the track
            try:
                page.get_by_text(attributes["media_title"]).first.wait_for(timeout=60000)
            finally:
                page.screenshot(path=str(shots / "player_dialog.png"))
        finally:
            browser.close()


def test_announcement_plays_on_the_device_and_restores_it(stack: Stack) -> None:
    """A TTS-like announcement through Home Assistant: fetched and played, then put back.

    The integration finds the receiver's renderer by itself (unicast M-SEARCH to the
    device's host); the player then offers announcements. The device fetches the sound,
    plays it (the player shows its title), and afterwards plays its playlist again at
    the volume it had.
    """
    _wait(
        lambda: stack.state()["attributes"].get("supported_features", 0) & MEDIA_ANNOUNCE,
        60,
        "the media renderer to be found",
    )
    stack.service("media_play")  # an earlier test may have paused it
    _wait(lambda: stack.state()["state"] == "playing", 60, "the player to play")
    before = stack.state()["attributes"]
    since = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 1))
    stack.call(
        "play_media",
        {
            "media_content_id": stack.media.url,
            "media_content_type": "music",
            "announce": True,
        },
    )
    assert "GET /speech.wav" in stack.media.requests  # the device fetched it
    _wait(lambda: stack.state()["state"] == "playing", 30, "the playlist to play again")
    after = stack.state()["attributes"]
    assert after.get("source") == before.get("source")
    assert after.get("volume_level") == before.get("volume_level")
    assert after["media_title"] in {track.title for track in DEMO_PLAYLIST}

    # While it played, the player showed the announcement (the device's own report).
    def announced() -> bool:
        history = stack.api.call(
            f"{stack.base}/api/history/period/{since}?filter_entity_id={ENTITY}"
            "&significant_changes_only=0",  # a new title is no change of state
            token=stack.token,
        )
        return any(s["attributes"].get("media_title") == "speech.wav" for s in history[0])

    _wait(announced, 30, "the announcement in the player's history")


def test_media_browser_plays_a_track(stack: Stack) -> None:
    """In a real browser: open USB in the media browser, then a folder, play a track.

    The last track of the album, so the device (which moves on every two seconds with
    --tick 0.05) stops on it and the player keeps showing its title.
    """
    chromium = _chromium()
    playwright = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=BROWSER_FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            _log_in(page, stack)
            page.goto(f"{stack.base}/media-browser/{ENTITY}")
            for title in ("Storage", "USB(F)", "Music", "Aqua", "Aquarium (1997)"):
                _visible(page, title).click(timeout=60000)
            track = _visible(page, "Calling You")
            track.click(timeout=60000)
            _wait(
                lambda: stack.state()["attributes"].get("media_title") == "Calling You",
                60,
                "the player to show the track played from the media browser",
            )
            # The player bar under the list shows it too (the list's row and the bar's).
            page.get_by_text("Calling You").filter(visible=True).nth(1).wait_for(timeout=30000)
            page.screenshot(path=str(stack.artifacts() / "media_browser.png"))
        finally:
            browser.close()
