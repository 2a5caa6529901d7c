"""Storage (SQLite or PostgreSQL): schema, articles, stories, queries and migrations."""
