"""Personal recommendations: a per-reader model over paper embeddings, interests in plain
words, follows, explanations, and the map of recent papers."""
