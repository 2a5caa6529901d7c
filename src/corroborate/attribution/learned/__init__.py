"""Learned attribution taggers: the CRF and the transformer encoders."""
