"""Run a virtual legacy Pioneer receiver: ``python -m virtual_receiver.pioneer --port 8102``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys

from .profile import MAIN
from .server import VirtualPioneer


def arguments(argv: list[str] | None) -> argparse.Namespace:
    """The command line's options."""
    parser = argparse.ArgumentParser(
        prog="python -m virtual_receiver.pioneer",
        description="Serve a virtual Pioneer receiver that speaks the pre-2016 line protocol.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (loopback)")
    parser.add_argument("--port", type=int, default=8102, help="control port (8102 or 23)")
    parser.add_argument(
        "--upnp-port", type=int, default=8080, help="port of the UPnP description (HTTP)"
    )
    parser.add_argument("--on", action="store_true", help="start with the main zone on")
    parser.add_argument(
        "--sleep-after",
        type=float,
        default=60.0,
        help="seconds without a command after which the receiver must be woken (0: never)",
    )
    parser.add_argument(
        "--ready-interval",
        type=float,
        default=30.0,
        help="seconds between the R lines the receiver sends as signs of life (0: none)",
    )
    parser.add_argument("--log-commands", action="store_true", help="print every line clients send")
    return parser.parse_args(argv)


async def serve(args: argparse.Namespace, stop: asyncio.Event | None = None) -> None:
    """Serve until ``stop`` is set (by default: until SIGINT or SIGTERM)."""
    receiver = VirtualPioneer(
        host=args.host,
        port=args.port,
        upnp_port=args.upnp_port,
        sleep_after=args.sleep_after or None,
        ready_interval=args.ready_interval or None,
        log_commands=args.log_commands,
    )
    if args.on:
        receiver.device.zones[MAIN].power = True
    if stop is None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
    async with receiver:
        profile = receiver.profile
        sys.stdout.write(
            f"Virtual Pioneer {profile.model} ({profile.udn})\n"
            f"  control on tcp://{args.host}:{receiver.port}\n"
            f"  UPnP description at {receiver.description_url}\n"
            f"  zones: {', '.join(profile.zones)}; inputs: {len(profile.inputs)}\n"
            "Press Ctrl-C to stop.\n"
        )
        sys.stdout.flush()
        await stop.wait()
    sys.stdout.write("Stopped.\n")
    sys.stdout.flush()


def main(argv: list[str] | None = None) -> int:
    """The command line."""
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(arguments(argv)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
