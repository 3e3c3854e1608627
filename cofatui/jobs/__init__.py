"""Background work: the job queue, the worker that runs it, the scheduled runs and the
e-mail outbox. Runs in ``cofatui serve`` and in the TUI on the embedded database."""
