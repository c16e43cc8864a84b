"""Hotline: complaint-hotline ticketing and escalation; `create_app` builds the web app."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, request
from flask.typing import ResponseReturnValue
from sqlalchemy.orm import configure_mappers
from werkzeug.middleware.proxy_fix import ProxyFix

import config as config_module
from hotline.core import extensions as ext
from hotline.core import queue, uow
from hotline.core.errors import HotlineError, handle_domain_error, handle_http_error
from hotline.core.i18n import LOCALES
from hotline.core.web.session_cookie import SessionCookie


class Hotline(Flask):
    """The Flask app, whose every request is one unit of work."""

    def dispatch_request(self) -> ResponseReturnValue:
        """Run the view, then commit once or roll back (`uow.run_request`)."""
        return uow.run_request(super().dispatch_request)


def create_app(config: config_module.Config | dict[str, Any] | None = None) -> Flask:
    """Build the app from `config` (default: the environment); connects to nothing yet."""
    app = Hotline(__name__, template_folder="../templates", static_folder="static")
    cfg = config_module.load() if config is None else config
    if not isinstance(cfg, config_module.Config):  # a mapping overrides the declared defaults
        app.config.update(config_module.Config().as_dict())
    app.config.update(cfg.as_dict() if isinstance(cfg, config_module.Config) else cfg)
    app.config.setdefault("API_TITLE", "Hotline API")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("OPENAPI_URL_PREFIX", "/api/v1")
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault("OPENAPI_SWAGGER_UI_PATH", "docs")
    app.config.setdefault("OPENAPI_SWAGGER_UI_URL", "/static/vendor/swagger-ui/")
    app.config.setdefault("OPENAPI_SWAGGER_UI_CONFIG", {"persistAuthorization": True})
    app.config.setdefault(
        "BABEL_TRANSLATION_DIRECTORIES", str(config_module.BASE_DIR / "translations")
    )
    # UTF-8 JSON, not \uXXXX escapes: Chinese text is most of what the API carries (half the
    # bytes, and readable in logs and curl).
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.session_interface = SessionCookie()
    hops = int(app.config["TRUSTED_PROXIES"])
    if hops:  # only then are X-Forwarded-* a proxy's word rather than the client's
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops
        )

    register_extensions(app)
    register_blueprints(app)
    register_errors(app)
    register_cli(app)
    register_security_headers(app)
    # Configure the ORM mappers now, not on each worker's first query (about a second of CPU
    # that otherwise lands on whichever request comes first).
    configure_mappers()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    if app.config["LOG_FORMAT"] == "json":
        from hotline.core.logs import configure_json_logging, tag_requests

        configure_json_logging()
        tag_requests(app)
    return app


def register_extensions(app: Flask) -> None:
    import hotline.escalations.undelivered  # subscribes to escalation SMS not delivered
    import hotline.models
    import hotline.tickets.watch  # noqa: F401 - subscribes the deadline recompute to rule changes

    ext.db.init_app(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        from hotline.core.db_pool import ping_idle_connections

        with app.app_context():
            ping_idle_connections(ext.db.engine, float(app.config["DB_IDLE_PING_SECONDS"]))
    elif app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        from hotline.core.sqlite import tune

        with app.app_context():
            tune(ext.db.engine)  # WAL and a busy timeout (the embedded default)
    ext.migrate.init_app(app, ext.db, directory=str(config_module.BASE_DIR / "migrations"))
    ext.login_manager.init_app(app)
    ext.csrf.init_app(app)
    ext.babel.init_app(app, locale_selector=select_locale)
    ext.limiter.init_app(app)
    queue.init_app(app)
    ext.api.init_app(app)


def select_locale() -> str:
    """?lang= wins, then the session's choice, then the browser; zh_CN by default."""
    from flask import session

    lang = request.args.get("lang")
    if lang in ("en", "zh_CN", "zh"):
        session["lang"] = "zh_CN" if lang == "zh" else lang
        return session["lang"]
    if session.get("lang") in LOCALES:
        return session["lang"]
    return "zh_CN"


def register_blueprints(app: Flask) -> None:
    from hotline.routes import register_blueprints as register_all

    register_all(app)


def register_errors(app: Flask) -> None:
    from werkzeug.exceptions import HTTPException

    app.register_error_handler(HotlineError, handle_domain_error)
    app.register_error_handler(HTTPException, handle_http_error)
    from sqlalchemy import exc as sa_exc

    from hotline.core.web.outage import handle_database_error

    app.register_error_handler(sa_exc.DBAPIError, handle_database_error)  # 503 when the DB is gone
    app.register_error_handler(sa_exc.TimeoutError, handle_database_error)


def register_cli(app: Flask) -> None:
    from hotline.cli import register_commands

    register_commands(app)


SECURITY_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
)


def register_security_headers(app: Flask) -> None:
    @app.after_request
    def _headers(response):
        # One pass over the response's headers: werkzeug's setdefault scans them all for each
        # name, on every response.
        present = {key.lower() for key, _ in response.headers}
        for key, value in SECURITY_HEADERS:
            if key.lower() not in present:
                response.headers.add(key, value)
        # Pages, API answers and tokens carry personal data or credentials: no cache (a shared
        # proxy, the browser's back button on a shared PC) may keep them. Static files may.
        if "cache-control" not in present and not request.path.startswith("/static/"):
            response.headers.add("Cache-Control", "no-store")
        return response

    from hotline.core.web import body_limit, csp, input_guard

    csp.init_app(app)  # Content-Security-Policy: only 'self' (inline scripts need the nonce)
    body_limit.init_app(app)  # 413 before a body is parsed (before the NUL guard reads it)
    input_guard.init_app(app)  # NUL characters answer 4xx naming the field, never a 500
