"""Attributions: source, cue and content spans, source kinds, certainty; rules and learned taggers."""
