"""Fixtures shared by every test directory.

``nse_server``: a fake www.nseindia.com on 127.0.0.1 (see tests/fakes/nse_server.py).
"""

from fakes.nse_server import nse_server

__all__ = ["nse_server"]
