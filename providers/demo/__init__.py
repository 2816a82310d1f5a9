"""The built-in demo provider: a simulated Indian market that works offline.

``create({"seed": 7, "start": "2026-02-11T11:30"})`` gives a provider whose snapshots are
exactly reproducible; without ``start`` the simulated clock starts now (IST). See
``provider.DEFAULTS`` for every setting and README.md ("Demo market") for the model.
"""

from providers.demo.provider import DEFAULTS, DemoProvider, create

__all__ = ["DEFAULTS", "DemoProvider", "create"]
