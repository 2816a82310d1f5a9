"""Where the screens' data comes from: a local refresher or a shared feed (see ``frame``)."""
