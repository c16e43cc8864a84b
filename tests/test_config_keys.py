"""Every setting the code reads is declared in config.Config, so the environment can set it."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest

import config

ROOT = Path(__file__).resolve().parent.parent
# Read by Flask or an extension from the app config, set by tests or by Flask itself.
NOT_OURS = {"SECRET_KEY_FALLBACKS"}


def _is_config(node: ast.expr) -> bool:
    """`current_app.config`, `app.config`, `cfg` (a local alias of one of them)."""
    if isinstance(node, ast.Attribute):
        return node.attr == "config"
    return isinstance(node, ast.Name) and node.id == "cfg"


def keys_read() -> dict[str, str]:
    """{KEY: where} for every config["KEY"] and config.get("KEY", …) under hotline/ and workers/."""
    found: dict[str, str] = {}
    for package in ("hotline", "workers"):
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                key = None
                if isinstance(node, ast.Subscript) and _is_config(node.value):
                    key = node.slice
                elif (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "get"
                    and _is_config(node.func.value)
                    and node.args
                ):
                    key = node.args[0]
                if isinstance(key, ast.Constant) and isinstance(key.value, str):
                    found.setdefault(key.value, f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_the_walker_sees_the_settings_we_know_are_read() -> None:
    read = keys_read()
    assert {"SECRET_KEY", "HOTLINE_TIMEZONE", "FIGURES_SATISFIED_MIN"} <= set(read)


def test_every_key_the_code_reads_is_declared_in_config() -> None:
    declared = {f.name for f in dataclasses.fields(config.Config)}
    missing = {k: where for k, where in keys_read().items() if k not in declared | NOT_OURS}
    assert missing == {}, f"declare these in config.Config: {missing}"


def test_code_reads_declared_keys_without_a_scattered_default() -> None:
    """config.get("KEY", default) would hide the declared default: read config["KEY"]."""
    offenders = []
    for package in ("hotline", "workers"):
        for path in sorted((ROOT / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "get"
                    and _is_config(node.func.value)
                    and len(node.args) > 1
                ):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def test_ladder_figures_and_interview_settings_come_from_the_environment(monkeypatch) -> None:
    env = {
        "SLA_WARNING_FRACTION": "0.75",
        "SLA_SUPERVISION_WD": "3",
        "SLA_INTERVIEW_WD": "7",
        "RATING_WINDOW_WD": "4",
        "FIGURES_SATISFIED_MIN": "4",
        "FIGURES_UNRATED_AS_SATISFIED": "yes",
        "FIGURES_WEIGHTS": "response=20, resolution=40,satisfaction=40",
        "INTERVIEW_ON_TIME_RATE_MIN": "0.9",
        "EXPORT_INLINE_MAX_ROWS": "100",
        "RANKING_MIN_TICKETS": "20",
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    cfg = config.load()
    assert (cfg.SLA_WARNING_FRACTION, cfg.SLA_SUPERVISION_WD, cfg.SLA_INTERVIEW_WD) == (0.75, 3, 7)
    assert (cfg.RATING_WINDOW_WD, cfg.FIGURES_SATISFIED_MIN) == (4, 4)
    assert cfg.FIGURES_UNRATED_AS_SATISFIED is True
    assert cfg.FIGURES_WEIGHTS == {"response": 20.0, "resolution": 40.0, "satisfaction": 40.0}
    assert (cfg.INTERVIEW_ON_TIME_RATE_MIN, cfg.EXPORT_INLINE_MAX_ROWS) == (0.9, 100)
    assert cfg.RANKING_MIN_TICKETS == 20


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("SLA_SUPERVISION_WD", "two"),
        ("FIGURES_SATISFIED_MIN", "6"),
        ("SLA_WARNING_FRACTION", "1.5"),
        ("FIGURES_WEIGHTS", "response:30"),
        ("FIGURES_WEIGHTS", "response=-1"),
        ("FIGURES_UNRATED_AS_SATISFIED", "maybe"),
        ("RANKING_MIN_TICKETS", "-1"),
    ],
)
def test_a_malformed_setting_fails_fast(monkeypatch, key, value) -> None:
    monkeypatch.setenv(key, value)
    with pytest.raises(config.ConfigError, match=key):
        config.load()


def test_the_defaults_are_the_design_defaults() -> None:
    cfg = config.Config()
    assert (cfg.SLA_WARNING_FRACTION, cfg.SLA_SUPERVISION_WD, cfg.SLA_INTERVIEW_WD) == (0.8, 2, 5)
    assert cfg.FIGURES_SATISFIED_MIN == 3
    assert cfg.FIGURES_WEIGHTS == {"response": 30, "resolution": 35, "satisfaction": 35}
    assert cfg.RANKING_MIN_TICKETS == 10  # DESIGN §11
    assert cfg.CLOCK is None
