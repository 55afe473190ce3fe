"""Structured logging: one JSON object per line, with the event's fields as keys.

``logging_config(level)`` is the LOGGING setting: the console handler writes JSON lines for the
root logger, ``django.request`` (every 5xx with its traceback, 4xx as warnings),
``django.security`` (bad hosts, CSRF and other suspicious operations) and ``archive.security``
(denied authorizations, records hidden as 404, rate-limit refusals, server errors; written by
``config.middleware.SecurityLogMiddleware`` and ``config.ratelimit``); ``archive.database``
(a database server taken out of rotation or back in it: ``config.routers``) propagates to the
root logger.
"""

import json
import logging
import traceback
from datetime import UTC, datetime

#: Attributes every LogRecord has; anything else on a record came from ``extra=``.
_STANDARD = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__.keys()) | {
    "message",
    "asctime",
    "taskName",
}


class JsonFormatter(logging.Formatter):
    """Format a record as a JSON object: time, level, logger, message, extras, exception."""

    def format(self, record):
        data = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key in _STANDARD or key.startswith("_"):
                continue
            if key == "request":  # django.request passes the request: keep what identifies it
                data["method"] = getattr(value, "method", None)
                data["path"] = getattr(value, "path", None)
                continue
            data[key] = value if isinstance(value, str | int | float | bool | None) else str(value)
        if record.exc_info:
            data["exception"] = "".join(traceback.format_exception(*record.exc_info)).rstrip()
        return json.dumps(data, ensure_ascii=True, default=str)


def logging_config(level="WARNING"):
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "config.logging.JsonFormatter"}},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.request": {"level": "WARNING", "propagate": True},
            "django.security": {"level": "WARNING", "propagate": True},
            "archive.security": {"level": "INFO", "propagate": True},
        },
    }
