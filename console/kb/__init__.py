"""Knowledge base: articles, announcements, Chinese search in SQLite FTS5."""
