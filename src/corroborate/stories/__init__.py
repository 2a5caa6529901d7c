"""Copies and wire reprints, the streaming story index, and story text."""
