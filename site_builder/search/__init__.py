"""Search: one analysis feeding the whoosh index (command line) and the static shards (browser)."""
