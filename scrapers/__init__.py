"""The crawl stage: the portal registry, a polite HTTP client, link discovery and the per-portal crawl.

Lands bodies and manifest shards as files (xxgk.rawstore); nothing here opens DuckDB."""
