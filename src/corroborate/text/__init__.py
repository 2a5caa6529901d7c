"""Text before analysis: page furniture and extraction damage, and the spaCy pipeline."""
