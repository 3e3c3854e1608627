"""Tools (SPEC §3.10): the hub, background jobs and import results."""
