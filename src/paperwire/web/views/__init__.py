"""One module per kind of page; each has a `router` that app.py includes."""
