"""Across a story: claims, their sources, relays, predictions, stance and the story build."""
