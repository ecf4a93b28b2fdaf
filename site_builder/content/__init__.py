"""Stage 1, content: the only reader of a site's `content/`. Markdown files with YAML front
matter and the company registry become `Article` values or located problems."""
