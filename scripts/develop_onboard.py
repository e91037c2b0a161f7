"""Onboard a fresh Home Assistant and add a device through the integration's config flow.

Uses Home Assistant's own HTTP APIs (the ones its onboarding screens and "Add
integration" dialog use), so nothing is clicked by hand. Standard library only; used by
scripts/develop and by the end-to-end test.

    python scripts/develop_onboard.py URL DEVICE_HOST DEVICE_PORT
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

USER = {"name": "Demo", "username": "demo", "password": "demo-onkyo"}


def call(
    url: str, method: str = "GET", body: Any = None, token: str | None = None, form: bool = False
) -> Any:
    """One JSON (or form) request; the decoded JSON reply."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    data = None
    if body is not None:
        if form:
            data = urlencode(body).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        else:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
    if not url.startswith("http://127.0.0.1:"):
        raise ValueError(f"only Home Assistant on loopback is spoken to, not {url}")
    request = Request(url, data=data, headers=headers, method=method)  # noqa: S310 - checked above
    with urlopen(request, timeout=120) as reply:  # noqa: S310 - checked above
        text = reply.read().decode()
    return json.loads(text) if text else None


def wait_until_up(base: str, seconds: float = 180) -> None:
    """Wait until Home Assistant's HTTP server answers."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            call(f"{base}/api/onboarding")
        except URLError, HTTPError, ConnectionError, TimeoutError, OSError:
            time.sleep(1)
        else:
            return
    raise SystemExit(f"Home Assistant did not answer at {base} within {seconds:.0f} s")


def token_for(base: str, auth_code: str) -> str:
    """Exchange an authorization code for an access token."""
    reply = call(
        f"{base}/auth/token",
        "POST",
        {"grant_type": "authorization_code", "code": auth_code, "client_id": f"{base}/"},
        form=True,
    )
    return str(reply["access_token"])


def login(base: str) -> str:
    """Log in as the demo user with the login flow; an access token."""
    client_id = f"{base}/"
    flow = call(
        f"{base}/auth/login_flow",
        "POST",
        {"client_id": client_id, "handler": ["homeassistant", None], "redirect_uri": client_id},
    )
    result = call(
        f"{base}/auth/login_flow/{flow['flow_id']}",
        "POST",
        {"client_id": client_id, "username": USER["username"], "password": USER["password"]},
    )
    return token_for(base, result["result"])


def onboard(base: str) -> str:
    """Complete onboarding if needed; an access token for the demo user."""
    steps = {step["step"]: step["done"] for step in call(f"{base}/api/onboarding")}
    if steps.get("user"):
        return login(base)
    created = call(
        f"{base}/api/onboarding/users",
        "POST",
        {**USER, "client_id": f"{base}/", "language": "en"},
    )
    token = token_for(base, created["auth_code"])
    call(f"{base}/api/onboarding/core_config", "POST", {}, token)
    call(f"{base}/api/onboarding/analytics", "POST", {}, token)
    call(
        f"{base}/api/onboarding/integration",
        "POST",
        {"client_id": f"{base}/", "redirect_uri": f"{base}/?auth_callback=1"},
        token,
    )
    return token


def add_device(base: str, token: str, host: str, port: int) -> str:
    """Add the device through the config flow unless an entry exists; the entry's title."""
    for entry in call(f"{base}/api/config/config_entries/entry", token=token):
        if entry["domain"] == "onkyo_eiscp":
            return str(entry["title"])
    flow = call(f"{base}/api/config/config_entries/flow", "POST", {"handler": "onkyo_eiscp"}, token)
    flow = call(
        f"{base}/api/config/config_entries/flow/{flow['flow_id']}",
        "POST",
        {"next_step_id": "manual"},
        token,
    )
    result = call(
        f"{base}/api/config/config_entries/flow/{flow['flow_id']}",
        "POST",
        {"host": host, "port": port},
        token,
    )
    if result.get("type") != "create_entry":
        raise SystemExit(f"Adding the device failed: {result}")
    return str(result["title"])


def main(argv: list[str]) -> int:
    """Onboard, add the device, say so."""
    base, host, port = argv[0].rstrip("/"), argv[1], int(argv[2])
    wait_until_up(base)
    token = onboard(base)
    title = add_device(base, token, host, port)
    print(f"{title} is set up.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
