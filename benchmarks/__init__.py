"""Benchmarks behind `make bench` (benchmarks.run): extraction throughput, crawl efficiency against
simulated portals, and the national pipeline."""
