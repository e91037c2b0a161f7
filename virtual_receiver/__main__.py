"""Run a virtual receiver: ``python -m virtual_receiver --profile TX-NR686 --port 60128``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal

from .receiver import VirtualReceiver, available_profiles


def arguments(argv: list[str] | None) -> argparse.Namespace:
    """The command line's options."""
    parser = argparse.ArgumentParser(
        prog="python -m virtual_receiver", description="Serve a virtual eISCP device."
    )
    parser.add_argument("--profile", default="TX-NR686", help="NRI profile (see --list-profiles)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (loopback)")
    parser.add_argument("--port", type=int, default=60128, help="TCP and UDP port")
    parser.add_argument("--play", action="store_true", help="power on and play a demo playlist")
    parser.add_argument("--tick", type=float, default=1.0, help="seconds per played second")
    parser.add_argument("--art-port", type=int, default=None, help="serve album art on this port")
    parser.add_argument(
        "--art-stream",
        action="store_true",
        help="send album art as hex BMP packets over eISCP (older devices) instead of a link",
    )
    parser.add_argument(
        "--lines-only",
        action="store_true",
        help="serve lists only as 10-line NLS pages (NLA answers N/A), like older firmware",
    )
    parser.add_argument(
        "--log-commands", action="store_true", help="print every message clients send"
    )
    parser.add_argument(
        "--upnp", action="store_true", help="add a UPnP MediaRenderer (plays URLs on the device)"
    )
    parser.add_argument("--upnp-port", type=int, default=8888, help="the renderer's HTTP port")
    parser.add_argument(
        "--ssdp-port", type=int, default=1900, help="UDP port answering unicast M-SEARCH"
    )
    parser.add_argument("--list-profiles", action="store_true", help="list profiles and exit")
    return parser.parse_args(argv)


async def serve(args: argparse.Namespace, stop: asyncio.Event | None = None) -> None:
    """Serve until ``stop`` is set (by default: until SIGINT or SIGTERM)."""
    receiver = VirtualReceiver(
        args.profile,
        host=args.host,
        port=args.port,
        tick=args.tick,
        art_port=args.art_port,
        art_stream=args.art_stream,
        log_commands=args.log_commands,
        upnp=args.upnp,
        upnp_port=args.upnp_port,
        ssdp_port=args.ssdp_port,
        lines_only=args.lines_only,
    )
    if stop is None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
    async with receiver:
        if args.play:
            receiver.play_playlist()
        zones = ", ".join(z.zone.value for z in receiver.info.enabled_zones)
        renderer = ""
        if receiver.upnp is not None:
            renderer = (
                f"  media renderer: {receiver.upnp.location}"
                f" (unicast M-SEARCH on udp port {receiver.upnp.ssdp_port})\n"
            )
        print(
            f"Virtual {receiver.info.brand} {receiver.model} (identifier {receiver.identifier})\n"
            f"  eISCP on tcp://{args.host}:{receiver.port}, discovery on udp port {receiver.port}\n"
            f"  zones: {zones}; inputs: {len(receiver.info.selectors)}\n"
            f"  album art: {receiver.art_url}\n"
            f"{renderer}"
            "Press Ctrl-C to stop.",
            flush=True,
        )
        await stop.wait()
    print("Stopped.", flush=True)


def main(argv: list[str] | None = None) -> int:
    """The command line."""
    args = arguments(argv)
    if args.list_profiles:
        print("\n".join(available_profiles()))
        return 0
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
