"""The application: CLI, config, store, analytics, market clock and the Textual app.

This package's ``__init__`` must not import textual, so headless commands
(``capwatch snapshot``, ``config``, ``doctor``) start fast.
"""
