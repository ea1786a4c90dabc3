"""Email digests: who is due (schedule), what they get (compose, interests), how it looks
(render) and how it is sent exactly once (deliver, run)."""
