"""Deluge built-in functions, one module per Deluge type they act on.

Importing this package registers every built-in in ``runtime.registry``.
"""
