"""Presentation only: one module per pane. Widgets take view data (``widgets.views``) and never
call a provider, the store or pandas."""
