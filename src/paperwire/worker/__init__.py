"""Background work for a cluster: procrastinate (a PostgreSQL-backed task queue) runs the
harvests and maintenance on any number of `paperwire worker` processes. Periodic tasks are
deferred once per scheduled time across the cluster (procrastinate records each periodic
defer in the database), and per-source locks keep two runs of one source apart."""

from .queue import WorkerError, make_queue

__all__ = ["WorkerError", "make_queue"]
