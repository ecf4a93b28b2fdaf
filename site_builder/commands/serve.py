"""`site-builder serve`: a live preview with drafts on 127.0.0.1 that rebuilds on every save."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path

PREVIEW_FOLDER = "preview"


def register(commands) -> None:
    serve = commands.add_parser(
        "serve",
        help="preview the site with drafts on 127.0.0.1, rebuilt and reloaded on every save",
        description="Builds with drafts into the build cache (ROOT/.cache/preview, never "
        "output/), serves it on 127.0.0.1 and reloads open pages after each burst of saves. "
        "Content errors show in the browser while the last good pages stay served.",
    )
    serve.add_argument("--root", default=".", help="site root (holds site.yaml and content/)")
    serve.add_argument(
        "--port", type=port_number, default=8000, help="port (default 8000; 0: any free)"
    )
    serve.add_argument(
        "--host", default="127.0.0.1", metavar="ADDR",
        help="address to listen on (default 127.0.0.1, this machine only); 0.0.0.0 or this "
        "machine's network address lets a phone on the same network look at the preview",
    )  # fmt: skip
    serve.add_argument("--open", action="store_true", help="open the site in a web browser")
    serve.add_argument(
        "--poll", action="store_true",
        help="poll for changes instead of OS notifications (network drives, some containers)",
    )  # fmt: skip
    serve.set_defaults(func=run)


def port_number(text: str) -> int:
    """A TCP port for argparse: 0 (any free port) to 65535."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(
            f"{port} is not a port number: use 1 to 65535 (0: any free port)"
        )
    return port


def run(args: argparse.Namespace) -> int:
    from site_builder.cli_output import refuse_site_root
    from site_builder.config import SiteConfig, load_config
    from site_builder.preview.server import (
        PreviewBuild,
        PreviewServer,
        port_in_use,
        prepare_pages_folder,
    )
    from site_builder.preview.watcher import WATCHED, SourceWatcher
    from site_builder.problems import ContentErrors

    root = Path(args.root)
    if refuse_site_root(root):
        return 2
    try:
        cache_dir = load_config(root).cache_dir
    except ContentErrors:
        cache_dir = SiteConfig().cache_dir  # the preview shows the problem once it runs
    pages = root / cache_dir / PREVIEW_FOLDER
    prepare_pages_folder(pages)

    build = PreviewBuild(root, pages, base_url="http://127.0.0.1/")
    host = args.host
    try:
        server = PreviewServer(args.port, build, host)
    except OSError as exc:
        if port_in_use(exc):
            print(f"error: port {args.port} on {host} is already in use: stop the other "
                  "server or pick another port with --port N (--port 0 takes any free one)",
                  file=sys.stderr)  # fmt: skip
        else:
            why = exc.strerror or str(exc)
            print(f"error: cannot listen on {host} port {args.port}: {why}", file=sys.stderr)
        return 2
    except (OverflowError, ValueError) as exc:  # what the socket library says of odd hosts
        print(f"error: cannot listen on {host} port {args.port}: {exc}", file=sys.stderr)
        return 2
    build.base_url = server.url
    if server.public:
        print(f"warning: --host {host}: other machines on the network can reach this preview, "
              "drafts included; the pages' links stay relative, so open "
              f"http://<this machine's address>:{server.port}/ from the other device",
              file=sys.stderr, flush=True)  # fmt: skip

    stop = threading.Event()
    watcher = SourceWatcher(root, lambda _paths: build.rebuild(), poll=args.poll)
    serving = threading.Thread(target=server.serve_forever, name="site-builder-serve", daemon=True)
    previous_term = signal.signal(signal.SIGTERM, lambda *_: stop.set())
    # Ctrl-C stops the preview even when it was started with Ctrl-C ignored, as a shell
    # script's background job is (Python then leaves SIGINT ignored).
    previous_int = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        kind = watcher.start()
        build.rebuild()
        serving.start()
        print(f"Serving {server.url} (drafts included) from {pages}", flush=True)
        print(f"Watching {', '.join(WATCHED)} ({kind} observer); Ctrl-C to stop", flush=True)
        if args.open:
            import webbrowser

            threading.Thread(target=webbrowser.open, args=(server.url,), daemon=True).start()
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous_term)
        signal.signal(signal.SIGINT, previous_int)
        build.close()
        watcher.stop()
        if serving.is_alive():
            server.shutdown()
        server.server_close()
    print("stopped", flush=True)
    return 0
