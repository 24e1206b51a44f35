"""The nightly flow: thin Prefect wrappers over xxgk.pipeline's plain functions.

One task per portal crawl (run concurrently; a failing portal never fails the others), then
parse, dbt build through prefect-dbt's runner (each model and test becomes a visible task),
publish, and a run summary stored as an artifact and printed. The flow ends Failed when any
portal is unhealthy or nothing landed, after publishing what did land, so the on-call person
is told and the warehouse still gets every good report.
"""

from __future__ import annotations

import os
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from scrapers.portals import REGISTRY_CSV, load_registry
from xxgk import pipeline
from xxgk.parse_stage import parse_landed
from xxgk.publish import publish
from xxgk.rawstore import RawStore


class NightlyRunFailed(RuntimeError):
    pass


@task(retries=1, retry_delay_seconds=30, cache_policy=NO_CACHE, task_run_name="crawl-{portal.id}")
def crawl_portal_task(portal, client, store, run_id: str) -> dict:
    return pipeline.crawl_one(portal, client, store, run_id)


@task(cache_policy=NO_CACHE)
def parse_task(data_dir: Path):
    return parse_landed(data_dir)


@task(cache_policy=NO_CACHE)
def dbt_build_task(data_dir: Path) -> bool:
    from prefect_dbt import PrefectDbtRunner, PrefectDbtSettings

    os.environ.update(pipeline.dbt_env(data_dir))
    settings = PrefectDbtSettings(
        project_dir=pipeline.DBT_PROJECT_DIR,
        profiles_dir=pipeline.DBT_PROJECT_DIR,
        target_path=Path(data_dir) / "dbt" / "target",
    )
    result = PrefectDbtRunner(settings=settings, raise_on_failure=False).invoke(["build"])
    return bool(result.success)


@task(cache_policy=NO_CACHE)
def publish_task(data_dir: Path) -> dict:
    return publish(data_dir)


@flow(name="xxgk-nightly", log_prints=True)
def nightly(
    portals: list[str] | None = None,
    registry: str | None = None,
    data_dir: str | None = None,
    per_host_delay: float = 1.0,
    allowed_networks: list[str] | None = None,
) -> dict:
    """Crawl the given portals (ids from the registry; all when empty) and rebuild the warehouse."""
    logger = get_run_logger()
    data = Path(data_dir).resolve() if data_dir else pipeline.default_data_dir()
    registry_portals = load_registry(Path(registry) if registry else REGISTRY_CSV)
    selected = [p for p in registry_portals if not portals or p.id in portals]
    unknown = set(portals or []) - {p.id for p in registry_portals}
    if unknown:
        raise ValueError(f"unknown portal ids: {sorted(unknown)}")
    if not selected:
        raise ValueError("no portals to crawl")

    settings = pipeline.CrawlSettings(per_host_delay=per_host_delay, allowed_networks=allowed_networks or [])
    run_id = pipeline.new_run_id()
    client = settings.client()
    with RawStore(data) as store:
        pipeline.start_run(store, run_id, selected)
        futures = [crawl_portal_task.submit(p, client, store, run_id) for p in selected]
        results = []
        for portal, future in zip(selected, futures):
            future.wait()
            if future.state.is_completed():
                results.append(future.result())
            else:
                logger.error("crawl of %s crashed: %s", portal.id, future.state.message)
                results.append({
                    "portal_id": portal.id, "health": "crashed", "health_reason": str(future.state.message)[:300],
                    "pages_fetched": 0, "reports_found": 0, "reports_landed": 0, "attachments_landed": 0,
                    "failures": 0, "failure_list": [],
                })
        pipeline.finish_run(store, run_id, {"portals": [r["portal_id"] for r in results]})
    client.close()

    parse_summary = parse_task(data)
    dbt_ok = dbt_build_task(data)
    if dbt_ok:
        publish_task(data)
    else:
        logger.error("dbt build failed: the published warehouse was left as it was")
    summary = pipeline.summarise(run_id, data, results, parse_summary, dbt_ok)
    markdown = pipeline.format_summary(summary)
    create_markdown_artifact(markdown, key="nightly-summary", description="xxgk nightly run summary")
    print(markdown)
    problems = []
    if summary["reports_landed"] == 0:
        problems.append("no report landed from any portal (an empty crawl is a failure)")
    if summary["portals_failed"]:
        problems.append(f"{summary['portals_failed']} portal(s) unhealthy")
    if not dbt_ok:
        problems.append("dbt build failed")
    if problems:
        raise NightlyRunFailed("; ".join(problems))
    return summary
