"""The demo's path kept between runs (issue 13: ~0.15 s of a 2,400-stock start-up), with its
companies' names: a market from the cache is the market generated afresh, and a bad cache
file is never trusted."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pytest

from providers.demo import names, path_cache
from providers.demo.market import MarketPath
from providers.demo.provider import DemoProvider, _parse_start
from tui.output.export import stocks_csv, to_json

LATE, EARLY = "2026-11-20T11:30", "2026-02-11T11:30"
#: The module's fixtures generate the path once: its tests run on one worker.
pytestmark = pytest.mark.xdist_group("demo path cache")


def _market(start: str, folder: Path | None) -> str:
    """What a user sees of the demo started at ``start``: three snapshots and the closes."""
    provider = DemoProvider(seed=5, start=_parse_start(start), cache_folder=folder)

    async def watch() -> str:
        shown = [await provider.fetch() for _ in range(3)]
        table = await provider.closes_table()
        return "".join(to_json(s) + stocks_csv(s) for s in shown) + table.values.tobytes().hex()

    return asyncio.run(watch())


@pytest.fixture(scope="module")
def afresh() -> dict[str, str]:
    return {start: _market(start, None) for start in (LATE, EARLY)}


@pytest.fixture(scope="module")
def saved_late(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The cache file a run started at ``LATE`` leaves (generated once for the module)."""
    folder = tmp_path_factory.mktemp("demo-cache")
    _market(LATE, folder)
    (saved,) = folder.glob("*.npz")
    return saved


def _saved_in(folder: Path, saved: Path) -> Path:
    """A copy of ``saved`` in ``folder``, as a previous run would have left it there."""
    return Path(shutil.copy(saved, folder / saved.name))


def _no_generating(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: object) -> None:
        raise AssertionError("generated what the cache holds")

    monkeypatch.setattr(MarketPath, "_block", refuse)
    monkeypatch.setattr(names, "generate", refuse)


def _rewrite(saved: Path, **changes: np.ndarray | None) -> None:
    """Rewrite ``saved`` with some arrays changed (None: left out)."""
    with np.load(saved) as whole:
        arrays = {**dict(whole), **changes}
    with saved.open("wb") as out:
        np.savez(out, **{key: value for key, value in arrays.items() if value is not None})


def test_a_cached_path_gives_the_market_generated_afresh(
    tmp_path: Path, afresh: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _market(LATE, tmp_path) == afresh[LATE]  # generates, then saves
    (saved,) = tmp_path.glob("path-5-2400-*.npz")
    _no_generating(monkeypatch)
    assert _market(LATE, tmp_path) == afresh[LATE]
    assert _market(EARLY, tmp_path) == afresh[EARLY]  # an earlier start: part of the same path
    assert list(tmp_path.glob("*.npz")) == [saved]


def test_a_later_start_extends_the_cached_path(tmp_path: Path, afresh: dict[str, str]) -> None:
    assert _market(EARLY, tmp_path) == afresh[EARLY]
    (saved,) = tmp_path.glob("*.npz")
    size = saved.stat().st_size
    assert _market(LATE, tmp_path) == afresh[LATE]
    assert saved.stat().st_size > size


@pytest.mark.parametrize("content", [b"", b"not a numpy file", b"PK\x03\x04 half a zip"])
def test_a_broken_cache_file_is_ignored_and_replaced(
    tmp_path: Path, afresh: dict[str, str], saved_late: Path, content: bytes
) -> None:
    saved = _saved_in(tmp_path, saved_late)
    saved.write_bytes(content)
    assert _market(LATE, tmp_path) == afresh[LATE]
    assert saved.stat().st_size > 1_000_000  # written again, whole


def test_saving_removes_the_files_older_code_left_for_the_same_market(
    tmp_path: Path, saved_late: Path
) -> None:
    """Each code or numpy change names a new file (~16 MB): the old ones would pile up."""
    stale = _saved_in(tmp_path, saved_late).rename(tmp_path / "path-5-2400-0123456789abcdef.npz")
    other_seed = tmp_path / "path-6-2400-0123456789abcdef.npz"
    other_seed.write_bytes(b"another market")
    _market(LATE, tmp_path)
    assert not stale.exists() and other_seed.exists()
    assert (tmp_path / saved_late.name).exists()


def test_an_unwritable_cache_folder_costs_only_the_saving(
    tmp_path: Path, afresh: dict[str, str]
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    assert _market(LATE, blocker / "demo") == afresh[LATE]


def test_a_saved_state_that_fails_half_way_leaves_the_path_untouched(
    tmp_path: Path, afresh: dict[str, str], saved_late: Path
) -> None:
    """A file with good arrays but a damaged generator state must not leave a half-resumed
    path behind (a different market from the same seed)."""
    saved = _saved_in(tmp_path, saved_late)
    with np.load(saved) as whole:
        state = json.loads(str(whole["state"]))
    del state["variance"]  # read after the generator's state
    _rewrite(saved, state=np.array(json.dumps(state)))
    assert _market(LATE, tmp_path) == afresh[LATE]


def _without_names(_: Path) -> dict[str, np.ndarray | None]:
    return {"names": None, "symbols": None}  # as a file from before names were kept


def _one_name_short(saved: Path) -> dict[str, np.ndarray | None]:
    with np.load(saved) as whole:
        return {"names": whole["names"][:-1]}


def _a_symbol_twice(saved: Path) -> dict[str, np.ndarray | None]:
    with np.load(saved) as whole:
        symbols = whole["symbols"].copy()
    symbols[1] = symbols[0]
    return {"symbols": symbols}


def _numbers_for_names(saved: Path) -> dict[str, np.ndarray | None]:
    with np.load(saved) as whole:
        return {"names": np.arange(len(whole["names"]))}


@pytest.mark.parametrize(
    "damage",
    [_without_names, _one_name_short, _a_symbol_twice, _numbers_for_names],
    ids=["without names", "a name short", "a symbol twice", "numbers"],
)
def test_saved_names_that_do_not_fit_are_drawn_again(
    tmp_path: Path,
    afresh: dict[str, str],
    saved_late: Path,
    damage: Callable[[Path], dict[str, np.ndarray | None]],
) -> None:
    saved = _saved_in(tmp_path, saved_late)
    _rewrite(saved, **damage(saved))
    assert _market(LATE, tmp_path) == afresh[LATE]
    with np.load(saved) as whole:  # and the file is whole again
        assert len(set(whole["names"].tolist())) == len(set(whole["symbols"].tolist())) == 2400


def test_the_closes_are_mapped_from_the_file_not_read_whole(saved_late: Path) -> None:
    """A start reads the pages of its history's rows only (the path since the epoch is
    ~16 MB, more every year): the closes and idle flags come mapped, read-only."""
    loaded = path_cache.load(saved_late, 2400)
    assert loaded is not None
    with np.load(saved_late) as whole:
        for key, array in loaded.path.items():
            assert np.array_equal(array, whole[key])
            assert isinstance(array, np.memmap) == (key in ("closes", "idle"))
    assert not loaded.path["closes"].flags.writeable


def _cut_in_the_closes(saved: Path) -> None:
    with saved.open("r+b") as out:
        out.truncate(saved.stat().st_size // 2)


def _compressed(saved: Path) -> None:
    with np.load(saved) as whole:
        arrays = dict(whole)
    with saved.open("wb") as out:
        np.savez_compressed(out, **arrays)


def _closes_as_float32(saved: Path) -> None:
    with np.load(saved) as whole:
        closes = whole["closes"].astype(np.float32)
    _rewrite(saved, closes=closes)


def _closes_entry_too_short(saved: Path) -> None:
    """A zip entry holding less than the array its header promises (the rest would be read
    from the next entry)."""
    with np.load(saved) as whole:
        arrays = dict(whole)
    with zipfile.ZipFile(saved, "w") as archive:
        for key, array in arrays.items():
            with archive.open(f"{key}.npy", "w", force_zip64=True) as member:
                if key == "closes":
                    header = np.lib.format.header_data_from_array_1_0(array)
                    np.lib.format.write_array_header_1_0(member, header)
                    member.write(array[:-1].tobytes())
                else:
                    np.lib.format.write_array(member, array)


_UNMAPPABLE = [_cut_in_the_closes, _compressed, _closes_as_float32, _closes_entry_too_short]


@pytest.mark.parametrize("damage", _UNMAPPABLE)
def test_a_file_whose_closes_cannot_be_mapped_as_saved_is_ignored_and_replaced(
    tmp_path: Path, afresh: dict[str, str], saved_late: Path, damage: Callable[[Path], None]
) -> None:
    saved = _saved_in(tmp_path, saved_late)
    damage(saved)
    assert _market(LATE, tmp_path) == afresh[LATE]
    assert _arrays(saved) == _arrays(saved_late)  # written again, whole


def _arrays(saved: Path) -> dict[str, bytes]:
    loaded = path_cache.load(saved, 2400)
    assert loaded is not None
    return _contents(loaded)


def _contents(loaded: path_cache.Saved) -> dict[str, bytes]:
    return {key: array.dtype.str.encode() + array.tobytes() for key, array in loaded.path.items()}


def test_the_file_is_named_for_the_code_that_runs_not_the_files_on_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Read on import: an upgrade under a running demo must not have it save the path its
    old code draws under the new code's name (nor read the sources on every start)."""
    before = path_cache.cache_file(tmp_path, 5, 2400)

    def upgraded(_: Path) -> bytes:
        return b"other code"

    monkeypatch.setattr(Path, "read_bytes", upgraded)
    assert path_cache.cache_file(tmp_path, 5, 2400) == before


def test_a_file_replaced_while_it_is_read_is_read_as_it_was(
    tmp_path: Path, saved_late: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another run saving a longer path renames its file over this one's mid-read: every
    array still comes from the file as opened (a mix would misplace the idle flags)."""
    _market(EARLY, tmp_path)
    (saved,) = tmp_path.glob("*.npz")
    shorter = _arrays(saved)
    other = tmp_path / "other"
    other.mkdir()
    longer = _saved_in(other, saved_late)
    original = path_cache._mapped

    def replaced_meanwhile(raw: BinaryIO, member: zipfile.ZipInfo) -> np.ndarray:
        if longer.exists():
            os.replace(longer, saved)
        return original(raw, member)

    monkeypatch.setattr(path_cache, "_mapped", replaced_meanwhile)
    loaded = path_cache.load(saved, 2400)
    monkeypatch.undo()
    assert loaded is not None
    assert not longer.exists()  # the name now holds the longer path
    assert _contents(loaded) == shorter
