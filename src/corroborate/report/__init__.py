"""Reports: Markdown, JSON, HTML and CSV renderings, and the story brief."""
