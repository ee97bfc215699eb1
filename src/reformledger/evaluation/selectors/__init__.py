"""Scoped reads of the evaluation, one module per noun."""
