"""Onboard a fresh Home Assistant and add a receiver through the integration's config flow.

Uses Home Assistant's own HTTP and WebSocket APIs (the ones its onboarding screens and
"Add integration" dialog use), so nothing has to be clicked by hand. Standard library
only. Used by scripts/develop and, imported by path, by the end-to-end test in tests/e2e.

    python scripts/develop_onboard.py --http-settings config --url http://127.0.0.1:8123
    python scripts/develop_onboard.py --url http://127.0.0.1:8123 --host 127.0.0.1 --port 60128

The first, before Home Assistant starts, gives it its HTTP server settings; the second
waits for it, onboards it and adds the device.
"""

from __future__ import annotations

import argparse
import base64
from collections.abc import Callable
import contextlib
import hashlib
from http import HTTPStatus
import json
import os
from pathlib import Path
import socket
import struct
import sys
import time
from types import TracebackType
from typing import Any, Self
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode, urlsplit
from urllib.request import Request, urlopen

DOMAIN = "onkyo_eiscp"
USER = {"name": "Demo", "username": "demo", "password": "demo-onkyo"}
# Config entry states that change by themselves once Home Assistant gets to the entry.
SETTLING_STATES = {"not_loaded", "setup_in_progress"}
# What the core_config onboarding step adds in the background that only works with
# internet access: Radio Browser looks its servers up in DNS, and retries forever.
INTERNET_ONLY = {"radio_browser"}
# The country onboarding would detect from the internet; Home Assistant raises the repair
# issue "The country has not been configured" without one. The Netherlands fits Home
# Assistant's other defaults (metric units, euro).
COUNTRY = "NL"
LOOPBACK_URL = "http://127.0.0.1:"
# RFC 6455: the server proves the handshake by hashing the client's key with this GUID.
WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


class StartupError(RuntimeError):
    """Home Assistant did not come up, or its process ended."""


def call(
    url: str,
    method: str = "GET",
    body: Any = None,
    token: str | None = None,
    *,
    form: bool = False,
    timeout: float = 60,
) -> Any:
    """Send one JSON (or form) request to Home Assistant; the decoded JSON reply."""
    if not url.startswith(LOOPBACK_URL):
        raise ValueError(f"only Home Assistant on loopback is spoken to, not {url}")
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    data = None
    if body is not None:
        if form:
            data = urlencode(body).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        else:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
    request = Request(url, data=data, headers=headers, method=method)  # noqa: S310 - checked above
    with urlopen(request, timeout=timeout) as reply:  # noqa: S310 - checked above
        text = reply.read().decode()
    return json.loads(text) if text else None


def write_http_settings(config_dir: Path, host: str, port: int) -> None:
    """Give Home Assistant its HTTP server settings, as confirmed ones, before it starts.

    Home Assistant keeps them, as its settings UI changes them, in ``.storage/http``. An
    ``http:`` section in configuration.yaml is deprecated: Home Assistant moves it there
    as a trial, asks to confirm it ("Confirm new HTTP server configuration", reverting
    after five minutes) and raises the repair issue "The HTTP YAML configuration is
    deprecated". Written in the store's version 1 layout (the settings alone), which
    Home Assistant migrates on loading to its current one: these settings as the
    confirmed ones, nothing pending, nothing in YAML to migrate.
    """
    store = config_dir / ".storage" / "http"
    store.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "version": 1,
        "minor_version": 1,
        "key": "http",
        "data": {"server_host": [host], "server_port": port},
    }
    store.unlink(missing_ok=True)
    descriptor = os.open(store, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # as HA: private
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        json.dump(document, file, indent=2)


class WebSocket:
    """A small client of Home Assistant's WebSocket API (RFC 6455, unfragmented text).

    The frontend sends some settings only over this API: the country during onboarding,
    and it reads repair issues and the HTTP settings with it.
    """

    def __init__(self, base: str, token: str, timeout: float = 30) -> None:
        """Connect to ``base``'s /api/websocket and authenticate with ``token``."""
        if not base.startswith(LOOPBACK_URL):
            raise ValueError(f"only Home Assistant on loopback is spoken to, not {base}")
        address = urlsplit(base)
        host, port = address.hostname or "127.0.0.1", address.port or 80
        self._sock = socket.create_connection((host, port), timeout)
        self._buffer = b""
        self._id = 0
        key = base64.b64encode(os.urandom(16)).decode()
        self._sock.sendall(
            (
                f"GET /api/websocket HTTP/1.1\r\nHost: {host}:{port}\r\n"
                "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
            ).encode()
        )
        while b"\r\n\r\n" not in self._buffer:
            self._buffer += self._chunk()
        head, self._buffer = self._buffer.split(b"\r\n\r\n", 1)
        accept = base64.b64encode(
            hashlib.sha1((key + WEBSOCKET_GUID).encode(), usedforsecurity=False).digest()
        )
        if not head.startswith(b"HTTP/1.1 101") or accept not in head:
            self.close()
            raise ConnectionError(f"no WebSocket at {base}: {head[:80]!r}")
        self.receive()  # auth_required
        self._send({"type": "auth", "access_token": token})
        if (reply := self.receive()).get("type") != "auth_ok":
            self.close()
            raise PermissionError(f"the WebSocket API refused the token: {reply}")

    def __enter__(self) -> Self:
        """Use as a context manager that closes the connection."""
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        """Close the connection."""
        self.close()

    def command(self, kind: str, **fields: Any) -> Any:
        """Send one command; its result, or RuntimeError with the error it answered."""
        self._id += 1
        self._send({"id": self._id, "type": kind, **fields})
        while True:
            reply = self.receive()
            if reply.get("id") == self._id and reply.get("type") == "result":
                if not reply["success"]:
                    raise RuntimeError(f"{kind} failed: {reply.get('error')}")
                return reply.get("result")

    def receive(self) -> dict[str, Any]:
        """The next message (answering pings on the way)."""
        while True:
            opcode, payload = self._frame()
            if opcode == 0x1:  # text
                message: dict[str, Any] = json.loads(payload)
                return message
            if opcode == 0x8:  # close
                raise ConnectionError("Home Assistant closed the WebSocket")
            if opcode == 0x9:  # ping
                self._write(0xA, payload)

    def close(self) -> None:
        """Close the connection (politely when it still stands)."""
        with contextlib.suppress(OSError):
            self._write(0x8, struct.pack("!H", 1000))
        self._sock.close()

    def _send(self, message: dict[str, Any]) -> None:
        self._write(0x1, json.dumps(message).encode())

    def _write(self, opcode: int, payload: bytes) -> None:
        """One final frame; a client masks what it sends (RFC 6455, 5.3)."""
        size = len(payload)
        if size < 126:
            header = struct.pack("!BB", 0x80 | opcode, 0x80 | size)
        elif size < 1 << 16:
            header = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, size)
        else:
            header = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, size)
        mask = os.urandom(4)
        masked = bytes(byte ^ mask[index % 4] for index, byte in enumerate(payload))
        self._sock.sendall(header + mask + masked)

    def _frame(self) -> tuple[int, bytes]:
        """Read one whole message: its opcode and payload (joining continuation frames)."""
        opcode, parts = 0, []
        while True:
            first, second = self._read(2)
            size = second & 0x7F
            if size == 126:
                (size,) = struct.unpack("!H", self._read(2))
            elif size == 127:
                (size,) = struct.unpack("!Q", self._read(8))
            mask = self._read(4) if second & 0x80 else b""
            payload = self._read(size)
            if mask:
                payload = bytes(byte ^ mask[index % 4] for index, byte in enumerate(payload))
            if first & 0x0F:
                opcode = first & 0x0F
            parts.append(payload)
            if first & 0x80:  # FIN
                return opcode, b"".join(parts)

    def _read(self, size: int) -> bytes:
        while len(self._buffer) < size:
            self._buffer += self._chunk()
        data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data

    def _chunk(self) -> bytes:
        if not (data := self._sock.recv(65536)):
            raise ConnectionError("Home Assistant closed the connection")
        return data


def pid_alive(pid: int) -> Callable[[], bool]:
    """A check that the process ``pid`` still runs (a zombie does not)."""

    def alive() -> bool:
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
                return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
        except FileNotFoundError, IndexError:
            return False

    return alive


def wait_until_up(base: str, seconds: float = 180, alive: Callable[[], bool] | None = None) -> None:
    """Wait until Home Assistant serves ``/manifest.json``.

    The frontend serves it, and the frontend depends on onboarding: once it answers, the
    onboarding API is there too (unless onboarding is complete). Raises StartupError after
    ``seconds``, or as soon as ``alive()`` is false.
    """
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if alive is not None and not alive():
            raise StartupError("Home Assistant exited while starting")
        try:
            call(f"{base}/manifest.json", timeout=5)
        except OSError:  # URLError, HTTPError, refused, reset, timed out
            time.sleep(0.5)
        else:
            return
    raise StartupError(f"Home Assistant did not answer at {base} within {seconds:.0f} s")


def onboarding_steps(base: str) -> dict[str, bool]:
    """Each onboarding step and whether it is done.

    Once onboarding is complete, Home Assistant no longer serves its API (404).
    """
    try:
        return {step["step"]: step["done"] for step in call(f"{base}/api/onboarding")}
    except HTTPError as err:
        if err.code != HTTPStatus.NOT_FOUND:
            raise
        return dict.fromkeys(("user", "core_config", "analytics", "integration"), True)


def token_for(base: str, auth_code: str) -> str:
    """Exchange an authorization code for an access token (valid for 30 minutes)."""
    reply = call(
        f"{base}/auth/token",
        "POST",
        {"grant_type": "authorization_code", "code": auth_code, "client_id": f"{base}/"},
        form=True,
    )
    return str(reply["access_token"])


def auth_code(base: str, user: dict[str, str] = USER) -> str:
    """Log in through the login flow, as the login page does; an authorization code."""
    client_id = f"{base}/"
    flow = call(
        f"{base}/auth/login_flow",
        "POST",
        {"client_id": client_id, "handler": ["homeassistant", None], "redirect_uri": client_id},
    )
    result = call(
        f"{base}/auth/login_flow/{flow['flow_id']}",
        "POST",
        {"client_id": client_id, "username": user["username"], "password": user["password"]},
    )
    if result.get("type") != "create_entry":
        raise PermissionError(f"logging in as {user['username']} failed: {result.get('errors')}")
    return str(result["result"])


def login(base: str, user: dict[str, str] = USER) -> str:
    """Log in as ``user``; an access token."""
    return token_for(base, auth_code(base, user))


def onboarding_done(base: str) -> bool:
    """Whether every onboarding step is done."""
    return all(onboarding_steps(base).values())


def onboard(base: str, user: dict[str, str] = USER) -> str:
    """Complete the onboarding steps still open; an access token for ``user``.

    Steps and payloads as in homeassistant/components/onboarding/views.py: create the
    owner (which answers with an authorization code), then core_config, analytics and
    integration with that user's token.
    """
    client_id = f"{base}/"
    done = {step for step, is_done in onboarding_steps(base).items() if is_done}
    if "user" in done:
        token = login(base, user)
    else:
        created = call(
            f"{base}/api/onboarding/users",
            "POST",
            {**user, "client_id": client_id, "language": "en"},
        )
        token = token_for(base, created["auth_code"])
    if "core_config" not in done:
        ensure_country(base, token)
        call(f"{base}/api/onboarding/core_config", "POST", {}, token)
        remove_internet_only_entries(base, token)
    if "analytics" not in done:
        call(f"{base}/api/onboarding/analytics", "POST", {}, token)
    if "integration" not in done:
        call(
            f"{base}/api/onboarding/integration",
            "POST",
            {"client_id": client_id, "redirect_uri": f"{base}/?auth_callback=1"},
            token,
        )
    return token


def ensure_country(base: str, token: str, country: str = COUNTRY) -> None:
    """Set the country unless one is set, as the location step of onboarding does."""
    if call(f"{base}/api/config", token=token).get("country"):
        return
    with WebSocket(base, token) as api:
        api.command("config/core/update", country=country)


def entries(base: str, token: str, domains: set[str] | None = None) -> list[dict[str, Any]]:
    """The config entries of ``domains`` (by default: of this integration)."""
    domains = domains or {DOMAIN}
    return [
        entry
        for entry in call(f"{base}/api/config/config_entries/entry", token=token)
        if entry["domain"] in domains
    ]


def remove_entry(base: str, token: str, entry_id: str) -> None:
    """Delete a config entry."""
    call(f"{base}/api/config/config_entries/entry/{entry_id}", "DELETE", None, token)


def remove_internet_only_entries(base: str, token: str, seconds: float = 10) -> None:
    """Remove what onboarding adds in the background that would only reach for internet."""
    left = set(INTERNET_ONLY)
    deadline = time.monotonic() + seconds
    while left and time.monotonic() < deadline:
        for entry in entries(base, token, left):
            remove_entry(base, token, entry["entry_id"])
            left.discard(entry["domain"])
        if left:
            time.sleep(0.2)


def settled_entry(base: str, token: str, seconds: float = 60) -> dict[str, Any] | None:
    """This integration's first entry once set up (or failed to); None if there is none."""
    deadline = time.monotonic() + seconds
    while True:
        found = entries(base, token)
        if not found:
            return None
        if found[0]["state"] not in SETTLING_STATES or time.monotonic() > deadline:
            return found[0]
        time.sleep(0.5)


def add_device(base: str, token: str, host: str, port: int) -> str:
    """Add the device at ``host``:``port`` through the config flow; the new entry's title.

    The flow starts with a menu (discovery or manual); manual asks for host and port.
    """
    flows = f"{base}/api/config/config_entries/flow"
    flow = call(flows, "POST", {"handler": DOMAIN}, token)
    if flow.get("type") != "menu":
        raise RuntimeError(f"expected the config flow's menu, got {flow}")
    flow = call(f"{flows}/{flow['flow_id']}", "POST", {"next_step_id": "manual"}, token)
    result = call(f"{flows}/{flow['flow_id']}", "POST", {"host": host, "port": port}, token)
    if result.get("type") != "create_entry":
        raise RuntimeError(f"adding the device failed: {result}")
    return str(result["title"])


def ensure_device(base: str, token: str, host: str, port: int) -> str:
    """Add the device unless an entry works already; the entry's title.

    An entry that fails because another model answers now (``scripts/develop --profile``
    changed since the last run) is removed and the device added again.
    """
    entry = settled_entry(base, token)
    if entry is not None:
        if entry.get("error_reason_translation_key") != "different_device":
            return str(entry["title"])
        print(f"Replacing {entry['title']}: another model answers at {host}:{port} now.")
        remove_entry(base, token, entry["entry_id"])
    return add_device(base, token, host, port)


def main(argv: list[str] | None = None) -> int:
    """Wait for Home Assistant, onboard it if needed, and add the device if needed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--url", default="http://127.0.0.1:8123", help="Home Assistant's URL")
    parser.add_argument("--host", default="127.0.0.1", help="the receiver's address")
    parser.add_argument("--port", type=int, default=60128, help="the receiver's eISCP port")
    parser.add_argument("--hass-pid", type=int, help="give up as soon as this process ends")
    parser.add_argument("--timeout", type=float, default=180, help="seconds to wait for HA")
    parser.add_argument(
        "--http-settings",
        metavar="CONFIG_DIR",
        type=Path,
        help="only write HA's HTTP settings for --url into CONFIG_DIR (before HA starts)",
    )
    args = parser.parse_args(argv)
    base = args.url.rstrip("/")
    if args.http_settings is not None:
        address = urlsplit(base)
        if not base.startswith(LOOPBACK_URL) or address.port is None:
            parser.error(f"--url must be {LOOPBACK_URL}PORT, not {base}")
        write_http_settings(args.http_settings, "127.0.0.1", address.port)
        return 0
    alive = pid_alive(args.hass_pid) if args.hass_pid else None
    try:
        wait_until_up(base, args.timeout, alive)
        if not onboarding_done(base):
            token = onboard(base)
            print(f"Onboarded Home Assistant: created the user {USER['username']}.")
        else:
            token = login(base)
            ensure_country(base, token)  # a config/ onboarded before the country was set
        title = ensure_device(base, token, args.host, args.port)
    except PermissionError as err:
        print(f"warning: {err}; not checking the device's config entry.", file=sys.stderr)
        return 0
    except (StartupError, HTTPError, URLError, RuntimeError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    print(f"{title} is set up.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
