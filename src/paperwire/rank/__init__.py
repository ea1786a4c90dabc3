"""Ranking: which papers come first (trending now; recommendations later)."""
