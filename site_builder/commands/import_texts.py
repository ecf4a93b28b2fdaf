"""`site-builder import` (not built yet)."""


def register(commands) -> None:
    """Adds nothing until the command exists."""
