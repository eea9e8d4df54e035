"""The desk's web application: its folders, its templates and its routes, put together."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from ..formatting import longdate, money, price, shares
from .desk import Desk
from . import check, checklist, regenerate, signatures
from .documents import FORMAT_NAMES, KIND_HEADINGS
from .interview import plain
from .jobs import STEP_NAMES, Jobs
from .routes import routes
from .security import Guard

HERE = Path(__file__).parent
LOCAL_HOSTS = ["127.0.0.1", "localhost"]


def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(HERE / "templates"), undefined=StrictUndefined,
                      autoescape=select_autoescape(default=True), trim_blocks=True,
                      lstrip_blocks=True)
    env.filters.update(money=money, shares=shares, price=price, longdate=longdate, plain=plain)
    env.globals.update(kind_headings=KIND_HEADINGS, format_names=FORMAT_NAMES,
                       step_names=STEP_NAMES)
    return env


def create_app(folder: Path, out: Path, *, token: str | None = None,
               log: str | None = None) -> Starlette:
    """The desk over the term sheets of `folder`, building into `out`; with `token`, every
    request must carry it (once, in the address; then in a cookie). Without one, the desk
    answers only to requests addressed to this machine by name: a web page whose domain
    is made to point at 127.0.0.1 (DNS rebinding) cannot read it."""
    guards = [Middleware(Guard, token=token)]
    if token is None:
        guards.insert(0, Middleware(TrustedHostMiddleware, allowed_hosts=LOCAL_HOSTS))
    pages = [*routes, *checklist.routes, *signatures.routes, *regenerate.routes, *check.routes]
    app = Starlette(routes=[*pages, Mount("/static", StaticFiles(directory=HERE / "static"),
                                          name="static")],
                    middleware=guards)
    app.state.desk = Desk(folder, out, log)
    app.state.jobs = Jobs()
    app.state.templates = environment()
    return app
