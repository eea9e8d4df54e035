"""Who may use the desk, and from where: an access token when it listens beyond this
machine, and a check on every form against requests made by other sites (CSRF)."""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import urlsplit

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

CSRF_COOKIE = "dealdocs_csrf"
CSRF_FIELD = "csrf"
ACCESS_COOKIE = "dealdocs_access"


class Guard(BaseHTTPMiddleware):
    """Every request: the access token if one is required; a CSRF token for the page's
    forms (a cookie the forms repeat, which another site can neither read nor set)."""

    def __init__(self, app, token: str | None):
        super().__init__(app)
        self.token = token

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        if self.token is not None:
            given = request.query_params.get("token")
            if given is not None and hmac.compare_digest(given, self.token):
                # Taken out of the address, so that it is not left in the history or logs.
                response = RedirectResponse(request.url.remove_query_params("token"), 303)
                response.set_cookie(ACCESS_COOKIE, self.token, httponly=True, samesite="strict")
                return response
            if not hmac.compare_digest(request.cookies.get(ACCESS_COOKIE, ""), self.token):
                return PlainTextResponse("open the address with the token that `dealdocs "
                                         "serve` printed at start", 403)
        token = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(32)
        request.state.csrf = token
        response = await call_next(request)
        if CSRF_COOKIE not in request.cookies:
            response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict")
        return response


async def checked_form(request: Request) -> FormData:
    """The posted form, if it comes from a page of this desk: the same origin, and the
    CSRF token of the browser's cookie. 403 otherwise."""
    origin = request.headers.get("origin")
    if origin is not None and urlsplit(origin).netloc != request.headers.get("host"):
        raise HTTPException(403, f"a form from {origin} was refused: only this desk's pages "
                            "may send forms to it")
    form = await request.form()
    cookie = request.cookies.get(CSRF_COOKIE, "")
    given = form.get(CSRF_FIELD)
    if not cookie or not isinstance(given, str) or not hmac.compare_digest(given, cookie):
        await form.close()  # an uploaded file's spooled copy goes now, not when collected
        raise HTTPException(403, "the form's security token is missing or out of date; "
                            "reload the page and send it again")
    return form
