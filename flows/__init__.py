"""Prefect flows over xxgk.pipeline: the nightly run and its crawl subflow (retries, concurrency, schedules)."""
