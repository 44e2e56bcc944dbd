"""Placeholder."""


def build():
    return []
