"""Stage 3, pages: the plan of the site. Every page's address (`urls`), the values its
template shows (`plan`: views and contexts) and its cache key, side by side; the feeds to
write; chart geometry."""
