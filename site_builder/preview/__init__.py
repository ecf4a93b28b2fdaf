"""`site-builder serve`: the server on loopback, its builds in a process of their own, the
watcher of the site's sources, and the live-reload client."""
