"""Reading input: files, JSON/JSONL records, HTML, fetched URLs (SSRF-guarded), WARC."""
