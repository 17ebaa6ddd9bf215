"""/docs: Swagger UI from the copy vendored in ``web/static/vendor/swagger-ui``, so the API docs
work offline and fetch nothing from outside this server (FastAPI's default loads it from a CDN).

The page keeps the site's Content Security Policy: the one inline script that starts
Swagger UI is allowed by its hash, nothing else inline is. ReDoc is not served: it
would need a second vendored bundle and its web fonts, for the same content.
"""

from __future__ import annotations

import base64
import hashlib
import re

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse

from storyweave.serving.security import CSP

router = APIRouter(include_in_schema=False)

SWAGGER = "/static/vendor/swagger-ui"
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)


@router.get("/docs", name="api_docs")
def api_docs(request: Request) -> HTMLResponse:
    """Swagger UI over ``/openapi.json``, every asset from this server."""
    root = request.scope.get("root_path", "")
    page = get_swagger_ui_html(
        openapi_url=root + request.app.openapi_url, title=f"{request.app.title} API",
        swagger_js_url=f"{root}{SWAGGER}/swagger-ui-bundle.js", swagger_css_url=f"{root}{SWAGGER}/swagger-ui.css",
        swagger_favicon_url=f"{root}{SWAGGER}/favicon-32x32.png",
        # no badge from validator.swagger.io: the spec is not sent anywhere to be checked
        swagger_ui_parameters={"validatorUrl": None},
    )
    hashes = " ".join(f"'sha256-{_sha256(s)}'" for s in _INLINE_SCRIPT.findall(page.body.decode("utf-8")))
    page.headers["Content-Security-Policy"] = CSP.replace("script-src 'self'", f"script-src 'self' {hashes}")
    return page


def _sha256(script: str) -> str:
    return base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
