"""Stage 2, archive: the pure model of the whole archive built from the articles: time order,
companies, sources, tags, years and months, related articles, slugs."""
