"""The package version, at the bottom of the house so that any stage may name it."""

__version__ = "0.1.0"
