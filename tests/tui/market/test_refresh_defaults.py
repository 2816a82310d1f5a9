"""The refresh defaults live once, in ``Refresh``; the README and the ``config --init`` text
quote them and must not drift."""

from __future__ import annotations

import re
from pathlib import Path

from msgspec.structs import fields

from tui.market.schedule import Refresh
from tui.settings.config import default_config_text, parse_config

README = Path(__file__).resolve().parents[3] / "README.md"


def test_readme_quotes_the_refresh_defaults() -> None:
    text = README.read_text(encoding="utf-8")
    quoted = dict(re.findall(r"^\| `\[refresh\]` \| `(\w+)` \| `([\d.]+)` \|", text, re.M))
    assert {k: float(v) for k, v in quoted.items()} == {
        f.name: getattr(Refresh(), f.name) for f in fields(Refresh)
    }


def test_the_written_config_says_the_defaults() -> None:
    assert parse_config(default_config_text()).refresh == Refresh()
