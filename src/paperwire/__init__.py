"""Paperwire: find the research papers worth reading today, and deliver them."""

__version__ = "0.1.0"
