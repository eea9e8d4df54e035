"""Signing: the signature pages that come back, matched to what was sent by the identifier
each carries (generator/pageid.py)."""
