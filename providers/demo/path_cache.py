"""The demo market's path, kept between runs in the user cache directory.

The path is generated from the demo's epoch, so a start in late 2026 first generates almost
three years of closes: ~0.15 s of a 2,400-stock demo's start-up, before its first screen. It
depends only on the seed, the number of stocks, the code that draws it and numpy's
generators, so it is saved once (``capwatch`` and ``capwatch snapshot`` alike) under a name
that carries all of those: new code or a new numpy makes a new file, never a stale market.
The companies' names and symbols, a function of the same things, are kept with it.
A missing, unreadable or foreign file is ignored (the path is generated as before), and a
file that cannot be written costs nothing but the saving.

The file is an ordinary ``.npz``, written whole and renamed into place. Its closes and idle
flags (~16 MB, a year's more every year) are mapped rather than read: a start reads only the
pages of its history's rows and makes no CRC pass over the whole (``create`` with the file
cached: ~12 -> ~6 ms). A cut file fails on its zip directory or its size, a foreign one on its
layout, and the small members (names, days, generator state) keep the zip's CRC check; bytes
changed inside the mapped members, the layout intact, would go unnoticed.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import math
import os
import struct
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import BinaryIO

import numpy as np
from msgspec import Struct

from providers import contract, holidays
from providers.demo import days, earnings, market, names, universe

log = logging.getLogger(__name__)

#: The modules whose code decides the path (its calendar, universe, results and draws) and
#: the companies' names.
_SHAPERS = (market, universe, names, earnings, days, holidays, contract)
#: The members mapped rather than read (``MarketPath.saved`` names them).
_MAPPED = ("closes", "idle")
#: A zip member's local header: signature, then fixed fields up to the name and extra lengths.
_LOCAL_HEADER = struct.Struct("<4s22xHH")


class Saved(Struct, frozen=True):
    """What a cache file holds: the companies' labels and ``MarketPath.saved``'s arrays."""

    file: Path
    labels: universe.Labels
    path: Mapping[str, np.ndarray]


def _code_digest() -> str:
    digest = hashlib.sha256(np.__version__.encode())
    for module in _SHAPERS:
        digest.update(Path(str(module.__file__)).read_bytes())
    return digest.hexdigest()[:16]


#: Read once, on import: the digest of the code this process runs. A start builds the demo in
#: a thread, where each file read can wait for the busy main thread (1-4 ms of its build).
_CODE_DIGEST = _code_digest()


def cache_file(folder: Path, seed: int, stocks: int) -> Path:
    return folder / f"path-{seed}-{stocks}-{_CODE_DIGEST}.npz"


def load(file: Path, stocks: int) -> Saved | None:
    """What ``file`` holds for a universe of ``stocks``, or None if there is none usable."""
    try:
        # One open file for all: a run saving a longer path meanwhile replaces the name, not
        # what this one reads.
        with file.open("rb") as raw, np.load(raw, allow_pickle=False) as saved:
            arrays = {
                key: _mapped(raw, saved.zip.getinfo(f"{key}.npy")) if key in _MAPPED else saved[key]
                for key in saved.files
            }
        columns = arrays.pop("names"), arrays.pop("symbols")
        labels = (tuple(columns[0].tolist()), tuple(columns[1].tolist()))
        if not all(
            column.dtype.kind == "U" and len(set(listed)) == len(listed) == stocks
            for column, listed in zip(columns, labels, strict=True)
        ):
            raise ValueError("saved names do not fit")
    except FileNotFoundError:
        return None
    except Exception as exc:  # any damage (a cut file, another program's): generate instead
        log.info("demo path cache %s not used: %r", file, exc)
        return None
    return Saved(file, labels, arrays)


def _mapped(raw: BinaryIO, member: zipfile.ZipInfo) -> np.ndarray:
    """The array of the ``.npy`` ``member``, mapped from the file ``raw`` where ``np.savez``
    stored it (uncompressed, after its local header): read-only, its pages read when used."""
    if member.compress_type != zipfile.ZIP_STORED:
        raise ValueError(f"{member.filename} is compressed")
    raw.seek(member.header_offset)
    signature, name_size, extra_size = _LOCAL_HEADER.unpack(raw.read(_LOCAL_HEADER.size))
    if signature != b"PK\x03\x04":
        raise ValueError(f"{member.filename}: no zip header")
    start = member.header_offset + _LOCAL_HEADER.size + name_size + extra_size
    raw.seek(start)
    version = np.lib.format.read_magic(raw)
    if version == (1, 0):
        shape, fortran, dtype = np.lib.format.read_array_header_1_0(raw)
    elif version == (2, 0):
        shape, fortran, dtype = np.lib.format.read_array_header_2_0(raw)
    else:
        raise ValueError(f"{member.filename}: .npy version {version}")
    offset = raw.tell()
    if offset - start + dtype.itemsize * math.prod(shape) != member.file_size:
        raise ValueError(f"{member.filename} does not fit its zip entry")
    return np.memmap(raw, dtype, "r", offset, shape, "F" if fortran else "C")


def resume(path: market.MarketPath, saved: Saved) -> None:
    """Resume ``path`` from ``saved``; if it does not fit, ``path`` stays as it was."""
    try:
        path.resume(saved.path)
    except Exception as exc:  # a foreign file's arrays: generate instead
        log.info("demo path cache %s not used: %r", saved.file, exc)


def save(path: market.MarketPath, labels: universe.Labels, file: Path) -> None:
    """Write the whole of ``path`` and the ``labels`` to ``file`` (atomically: a reader
    never sees half), and remove what other code left for the same market."""
    partial = file.with_name(f"{file.name}.{os.getpid()}.part")
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        with partial.open("wb") as out:
            np.savez(out, **path.saved(), names=np.array(labels[0]), symbols=np.array(labels[1]))
        os.replace(partial, file)
    except OSError as exc:
        log.info("demo path cache %s not written: %s", file, exc)
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
        return
    _remove_older_versions(file)


def _remove_older_versions(file: Path) -> None:
    """Delete the files of the same seed and size made by other code (an upgrade's leftovers:
    ~16 MB each, never read again by this code). Another version still in use on the machine
    just writes its own again."""
    seed_and_size = file.name.rsplit("-", 1)[0]
    for other in file.parent.glob(f"{seed_and_size}-*.npz"):
        if other != file:
            with contextlib.suppress(OSError):
                other.unlink()
