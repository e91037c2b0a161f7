"""Onboard a fresh Home Assistant and add a receiver through the integration's config flow.

Uses Home Assistant's own HTTP APIs (the ones its onboarding screens and "Add integration"
dialog use), so nothing has to be clicked by hand. Standard library only. Used by
scripts/develop and, imported by path, by the end-to-end test in tests/e2e.

    python scripts/develop_onboard.py --url http://127.0.0.1:8123 --host 127.0.0.1 --port 60128
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from http import HTTPStatus
import json
import sys
import time
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

DOMAIN = "onkyo_eiscp"
USER = {"name": "Demo", "username": "demo", "password": "demo-onkyo"}
# Config entry states that change by themselves once Home Assistant gets to the entry.
SETTLING_STATES = {"not_loaded", "setup_in_progress"}
# What the core_config onboarding step adds in the background that only works with
# internet access: Radio Browser looks its servers up in DNS, and retries forever.
INTERNET_ONLY = {"radio_browser"}


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
    if not url.startswith("http://127.0.0.1:"):
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
    args = parser.parse_args(argv)
    base = args.url.rstrip("/")
    alive = pid_alive(args.hass_pid) if args.hass_pid else None
    try:
        wait_until_up(base, args.timeout, alive)
        if not onboarding_done(base):
            token = onboard(base)
            print(f"Onboarded Home Assistant: created the user {USER['username']}.")
        else:
            token = login(base)
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
