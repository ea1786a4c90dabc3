"""The error that stops a harvest run cleanly (what was stored so far stays stored)."""


class HarvestError(RuntimeError):
    pass
