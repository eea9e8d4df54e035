"""`dealdocs serve`: the deal desk in the browser."""

from __future__ import annotations

import secrets
import sys
import threading
import webbrowser
from pathlib import Path
from typing import Annotated

import typer

from .app import LogOption, OutOption, app, out_folder


@app.command(short_help="Open the deal desk in the browser.",
             help="Open the deal desk in the browser: the term sheets of FOLDER with their "
             "state, a form for each that checks every change as you type and saves the YAML "
             "with its comments and layout kept, document previews, builds, downloads and "
             "conversions. Listens on 127.0.0.1 only, unless --host is given; then every "
             "visitor needs the token printed at start. Stop it with Ctrl-C.")
def serve(
    folder: Annotated[Path, typer.Argument(help="The folder of term sheets.", exists=True,
                                           file_okay=False)] = Path("term_sheets"),
    port: Annotated[int, typer.Option("--port", min=0, max=65535,
                                      help="Port to listen on (0: any free one).")] = 8000,
    host: Annotated[str, typer.Option(
        "--host", help="Address to listen on. Anything but 127.0.0.1 lets other machines in, "
        "so a token is then required.")] = "127.0.0.1",
    out: OutOption = "output",
    log: LogOption = None,
    browser: Annotated[bool, typer.Option("--browser/--no-browser",
                                          help="Open the desk in the browser.")] = True,
) -> None:
    import uvicorn

    from ..web.app import LOCAL_HOSTS, create_app
    from .shared import line
    token = None if host in LOCAL_HOSTS else secrets.token_urlsafe(24)
    application = create_app(folder, out_folder(out), token=token, log=log)
    config = uvicorn.Config(application, host=host, port=port, log_level="warning")
    server = uvicorn.Server(config)

    def announce() -> None:
        while not server.started:
            threading.Event().wait(0.05)
        bound = server.servers[0].sockets[0].getsockname()[1]
        address = f"http://{'127.0.0.1' if host in LOCAL_HOSTS else host}:{bound}/"
        if token:
            address += f"?token={token}"
        line(f"Deal desk at {address} (Ctrl-C stops it)")
        sys.stdout.flush()  # at once, also when the output goes to a pipe or a log
        if browser:
            webbrowser.open(address)

    threading.Thread(target=announce, daemon=True).start()
    server.run()
