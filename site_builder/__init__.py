"""site-builder: a static site generator for a curated, French-first news archive."""

__version__ = "0.1.0"
