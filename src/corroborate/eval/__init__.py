"""Scoring against gold data: attribution spans and stance."""
