"""Stage 4, render: plans to bytes. Jinja2 templates, typography on text and HTML, OpenGraph
and JSON-LD, and the XML outputs (Atom feeds, sitemaps) and host files (`_headers`)."""
