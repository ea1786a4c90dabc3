"""Logging: readable lines by default, one JSON object per line when `log_format = json`
(for log shippers). The same configuration is handed to uvicorn so its lines match."""

from __future__ import annotations

import logging
import logging.config
from datetime import datetime, timezone
from typing import Any

import orjson

# Attributes every LogRecord has; anything else was passed with `extra=` and is kept.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime",
                                                                          "color_message"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, timezone.utc)
            .isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(entry, default=str).decode()


def logging_config(log_format: str, level: str = "INFO") -> dict[str, Any]:
    formatter = ({"()": JsonFormatter} if log_format == "json" else
                 {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"})
    handler = {"class": "logging.StreamHandler", "formatter": "main",
               "stream": "ext://sys.stderr"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"main": formatter},
        "handlers": {"main": handler},
        "root": {"handlers": ["main"], "level": level},
        "loggers": {
            **{name: {"handlers": ["main"], "level": level, "propagate": False}
               for name in ("uvicorn", "uvicorn.error", "uvicorn.access")},
            # Migrations announce their dialect on every start; only problems matter here.
            "alembic": {"level": "WARNING"},
        },
    }


def configure_logging(log_format: str, level: str = "INFO") -> dict[str, Any]:
    config = logging_config(log_format, level)
    logging.config.dictConfig(config)
    return config
