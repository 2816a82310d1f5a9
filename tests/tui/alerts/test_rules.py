"""``[[alerts]]`` in the config: good rules are read; every mistake is the config's usual
one message with file, key and line (exit 2 from ``capwatch alerts --check``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from providers.contract import Segment
from tui.alerts import Kind, Rule
from tui.alerts.terminal import Delivery, Desktop
from tui.cli import main
from tui.settings.config import ConfigError, parse_config

EXAMPLES = """\
[notifications]
bell = false
desktop = "osc777"

[[alerts]]
id = "small-breadth"
kind = "breadth"
segment = "small"
above = 2.5

[[alerts]]
id = "hold-to-buy"
kind = "rating"
upgrades_only = true

[[alerts]]
id = "my-circuits"
kind = "band"
side = "upper"

[[alerts]]
id = "reliance-3000"
kind = "price"
symbol = "reliance"
above = 3000

[[alerts]]
id = "large-down"
kind = "segment"
segment = "large"
below = -1.5

[[alerts]]
id = "movers"
kind = "move"
symbols = ["TCS", "INFY"]
pct = 4
direction = "down"

[[alerts]]
id = "results"
kind = "results"
"""


def test_the_readme_examples_are_read_into_rules() -> None:
    config = parse_config(EXAMPLES, "alerts.toml")
    assert config.notifications == Delivery(bell=False, desktop=Desktop.OSC777)
    assert config.alerts == (
        Rule("small-breadth", Kind.BREADTH, segment=Segment.SMALL, above=2.5),
        Rule("hold-to-buy", Kind.RATING, upgrades_only=True),
        Rule("my-circuits", Kind.BAND, side="upper"),
        Rule("reliance-3000", Kind.PRICE, symbols=("RELIANCE",), above=3000.0),
        Rule("large-down", Kind.SEGMENT, segment=Segment.LARGE, below=-1.5),
        Rule("movers", Kind.MOVE, symbols=("TCS", "INFY"), pct=4.0, direction="down"),
        Rule("results", Kind.RESULTS),
    )
    assert [rule.describe() for rule in config.alerts[:3]] == [
        "small A/D ratio at or above 2.5x",
        "analyst upgrades on watchlist",
        "watchlist at the upper price band",
    ]


def test_no_rules_and_default_delivery_without_the_sections() -> None:
    config = parse_config("", "empty.toml")
    assert config.alerts == () and config.notifications == Delivery(True, Desktop.OFF)


ERRORS = [
    pytest.param('[[alerts]]\nkind = "breadth"\n', "line 1: alerts[0].id: missing", id="no-id"),
    pytest.param(
        '[[alerts]]\nid = "x"\nkind = "breath"\n',
        "line 3: alerts[0].kind: expected one of price, move, band, breadth, segment, rating, "
        "results, got 'breath'",
        id="kind",
    ),
    pytest.param(
        '[[alerts]]\nid = "x"\nkind = "breadth"\nabove = 2\nsegmnt = "small"\n',
        "line 5: alerts[0].segmnt: unknown key (did you mean 'segment'?)",
        id="typo",
    ),
    pytest.param(
        '[[alerts]]\nid = "x"\nkind = "breadth"\nsegment = "tiny"\nabove = 2\n',
        "line 4: alerts[0].segment: expected all, large, mid, small, micro or watch, got 'tiny'",
        id="segment",
    ),
    pytest.param(
        '[[alerts]]\nid = "x"\nkind = "breadth"\nabove = 2\nbelow = 1\n',
        "line 4: alerts[0].above: give exactly one of above or below",
        id="both",
    ),
    pytest.param(
        '[[alerts]]\nid = "x"\nkind = "breadth"\nabove = "2.5"\n',
        "line 4: alerts[0].above: expected a number, got '2.5'",
        id="type",
    ),
    pytest.param(
        '[[alerts]]\nid = "x"\nkind = "price"\nabove = 10\n',
        "line 1: alerts[0].symbol: a price rule needs symbol or symbols",
        id="price-symbol",
    ),
    pytest.param(
        '[[alerts]]\nid = "x"\nkind = "move"\n',
        "line 1: alerts[0].pct: missing: the move in percent, e.g. pct = 5",
        id="move-pct",
    ),
    pytest.param(
        '[[alerts]]\nid = "x"\nkind = "results"\n[[alerts]]\nid = "x"\nkind = "rating"\n',
        "line 5: alerts[1].id: 'x' is used by another alert; ids must differ",
        id="duplicate",
    ),
    pytest.param(
        '[[alerts]]\nid = "my rule"\nkind = "results"\n',
        "line 2: alerts[0].id: expected a name of letters, digits, '-', '_' or '.', got 'my rule'",
        id="id",
    ),
    pytest.param(
        '[notifications]\ndesktop = "growl"\n',
        'line 2: notifications.desktop: expected one of "off", "osc9", "osc777", got \'growl\'',
        id="desktop",
    ),
]


@pytest.mark.parametrize(("text", "expected"), ERRORS)
def test_each_rule_mistake_names_file_key_and_line(text: str, expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, "alerts.toml")
    assert str(caught.value).startswith(f"config error in alerts.toml, {expected}")


def test_alerts_check_lists_the_rules(tmp_path: Path, capsys) -> None:
    path = tmp_path / "config.toml"
    path.write_text(EXAMPLES, encoding="utf-8")
    assert main(["alerts", "--check", "--config", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"{path}: 7 alert rules OK" in out
    assert "small-breadth  breadth  small A/D ratio at or above 2.5x" in out


def test_alerts_check_exits_2_naming_file_key_and_line(tmp_path: Path, capsys) -> None:
    path = tmp_path / "config.toml"
    text = '[[alerts]]\nid = "a"\nkind = "band"\nside = "top"\n'
    path.write_text(text, encoding="utf-8")
    assert main(["alerts", "--check", "--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"capwatch: config error in {path}, line 4: alerts[0].side: expected one of upper, "
        "lower, either, got 'top'\n"
    )
    assert path.read_text(encoding="utf-8") == text
