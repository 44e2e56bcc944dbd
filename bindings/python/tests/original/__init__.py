"""The original module's privacy suite, kept as an acceptance test (see test_privacy.py)."""
