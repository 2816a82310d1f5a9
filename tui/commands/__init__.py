"""One module per ``capwatch`` subcommand, each exposing ``run(args) -> int``."""
