"""``capwatch snapshot`` and ``capwatch providers``: output shapes, determinism, no textual."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import subprocess
import sys
from datetime import date, datetime

import pytest

from providers.demo import create
from tui.cli import main
from tui.output.export import STOCK_COLUMNS, snapshot_to_dict
from tui.settings.wiring import REPRODUCIBLE_START

SNAPSHOT_JSON = ["snapshot", "--demo", "--seed", "7", "--format", "json"]
#: Runs the command in a fresh interpreter and fails if textual got imported on the way.
HEADLESS = (
    "import sys\n"
    "from tui.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "assert 'textual' not in sys.modules, 'snapshot imported textual'\n"
    "sys.exit(code)\n"
)


def run_headless(args: list[str]) -> bytes:
    done = subprocess.run(
        [sys.executable, "-c", HEADLESS, *args], capture_output=True, check=False, timeout=120
    )
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout


#: The tests of ``json_bytes`` share a worker, so its headless run happens once.
ONE_RUN = pytest.mark.xdist_group("cli snapshot json_bytes")


@pytest.fixture(scope="module")
def json_bytes() -> bytes:
    return run_headless(SNAPSHOT_JSON)


def aware(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    assert value.tzinfo is not None, text
    return value


@ONE_RUN
def test_json_is_byte_identical_on_a_second_run_without_textual(json_bytes: bytes) -> None:
    assert run_headless(SNAPSHOT_JSON) == json_bytes


@ONE_RUN
def test_json_shape(json_bytes: bytes) -> None:
    data = json.loads(json_bytes)
    assert data["provider"] == "demo" and data["simulated"] is True
    aware(data["as_of"])
    assert len(data["indices"]) == 8
    for index in data["indices"]:
        assert {"name", "last", "change_pct", "advances", "declines", "unchanged"} <= set(index)
        aware(index["time"])
    stock_keys = {"symbol", "name", "sector", "segment", "last", "prev_close", "change_pct"}
    assert len(data["stocks"]) >= 1500
    assert {s["segment"] for s in data["stocks"]} == {"large", "mid", "small", "micro"}
    for stock in data["stocks"]:
        assert stock_keys | {"volume"} <= set(stock)
        assert isinstance(stock["volume"], int)
    assert data["ratings"] and data["earnings"]
    for rating in data["ratings"]:
        assert {"symbol", "kind", "from", "to", "at", "source"} <= set(rating)
        assert rating["kind"] in ("analyst", "technical")
        aware(rating["at"])
    for event in data["earnings"]:
        assert {"symbol", "name", "date", "status", "purpose"} <= set(event)
        assert event["status"] in ("upcoming", "declared")
        date.fromisoformat(event["date"])


@ONE_RUN
def test_json_index_change_matches_the_weighted_members(json_bytes: bytes) -> None:
    data = json.loads(json_bytes)
    stocks = {s["symbol"]: s for s in data["stocks"]}
    for index in data["indices"]:
        members = [stocks[symbol] for symbol in data["members"][index["name"]]]
        weights = [s["ffmc"] * s["prev_close"] / s["last"] for s in members]
        weighted = sum(w * s["change_pct"] for w, s in zip(weights, members, strict=True))
        # Rounded to 2 decimals in the output, so allow for the rounding.
        assert index["change_pct"] == pytest.approx(weighted / sum(weights), abs=0.02)


def test_start_sets_the_clock(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*SNAPSHOT_JSON, "--start", "2026-03-02T14:00"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["as_of"] == "2026-03-02T14:00:00+05:30"


def test_csv_is_the_stocks_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["snapshot", "--seed", "7", "--format", "csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert tuple(rows[0]) == STOCK_COLUMNS
    assert len(rows) - 1 >= 1500
    assert len({row[0] for row in rows[1:]}) == len(rows) - 1


def test_table_lists_indices_breadth_and_movers(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["snapshot", "--seed", "7", "--format", "table", "--movers", "3"]) == 0
    out = capsys.readouterr().out
    assert "DEMO" in out
    for name in ("NIFTY 50", "SENSEX", "NIFTY MICROCAP 250", "BREADTH", "gainers", "losers"):
        assert name in out
    gainers = next(line for line in out.splitlines() if line.split()[:2] == ["large", "gainers"])
    assert gainers.count("%") == 3


def test_unknown_provider_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["snapshot", "--provider", "nope"]) == 2
    assert "unknown provider 'nope'" in capsys.readouterr().err


@ONE_RUN
def test_extra_keys_are_added_but_never_replace(json_bytes: bytes) -> None:
    snapshot = asyncio.run(create({"seed": 7, "start": REPRODUCIBLE_START}).fetch())
    data = snapshot_to_dict(
        snapshot, extra={"segments": []}, index_extra={"NIFTY 50": {"change_5d_pct": 1.5}}
    )
    assert data["segments"] == []
    assert data["indices"][0]["change_5d_pct"] == 1.5
    assert json.loads(json_bytes)["as_of"] == data["as_of"]
    with pytest.raises(ValueError, match="provider"):
        snapshot_to_dict(snapshot, extra={"provider": "x"})


def test_providers_command_lists_builtins_with_parts(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["providers"]) == 0
    lines = capsys.readouterr().out.splitlines()
    demo = next(line for line in lines if line.startswith("demo"))
    assert "built-in" in demo and "history" in demo and "ratings" in demo
    assert any(line.startswith("nse") for line in lines)


def test_providers_name_prints_the_declared_settings(capsys: pytest.CaptureFixture[str]) -> None:
    from providers import registry

    assert main(["providers", "nse"]) == 0
    out = capsys.readouterr().out
    keys = [line.split()[0] for line in out.splitlines()[3:]]
    assert keys == list(registry.builtin_spec("nse").keys)
    assert "env CAPWATCH_NSE_BASE_URL" in out and "(0 to 10)" in out
    assert main(["providers", "nope"]) == 2
    assert "not a built-in provider" in capsys.readouterr().err


def test_the_readme_small_cap_day_opens_as_the_readme_says() -> None:
    """README "Demo market": seed 8 at 2026-03-18 15:29 is the article's kind of day."""
    data = json.loads(run_headless(["snapshot", "--demo", "--seed", "8", "--start",
                                    "2026-03-18T15:29", "--format", "json"]))  # fmt: skip
    small = next(s for s in data["segments"] if s["id"] == "small")
    assert small["change_pct"] >= 2.0
    assert 2.0 <= small["ad_ratio"] <= 4.0
    assert (small["advances"], small["declines"]) == (908, 321)
    assert small["upper_band"] >= 1
