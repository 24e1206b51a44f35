"""The nightly flow: thin Prefect wrappers over xxgk.pipeline's plain functions.

``crawl`` (a subflow) hands ``pipeline.crawl_portals``, which composes the crawl, its task's
submit: one task per portal, chained with ``wait_for`` to the crawls on the same hosts so a host
never sees two of our crawls at once, while different hosts run in parallel; a failed crawl
never stops the next one (``allow_failure``). The flow holds retries and the task runner only. Its task runner is the
default thread pool, or a Dask cluster (``XXGK_DASK_ADDRESS`` / ``xxgk run --dask``): crawl tasks
take only picklable arguments and write only files (blobs, manifest shards, WARC), so they can
run on any worker that shares the data folder.

``nightly`` then parses, builds the marts with dbt (failing models and tests logged by name),
publishes, writes the downloads, the dbt docs and the dashboard from the published file, and
stores the run summary as an artifact. It ends Failed when a portal is unhealthy, nothing landed
or an output was not built, after publishing what did land, so the on-call person is told and the
warehouse still gets every good report.
"""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from prefect import allow_failure, flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from scrapers.crawl import CrawlLimits
from scrapers.portals import REGISTRY_CSV, Portal, load_registry
from xxgk import pipeline
from xxgk.publish import publish


class NightlyRunFailed(RuntimeError):
    """The run finished (and published what landed) but something needs a person; carries the summary."""

    def __init__(self, message: str, summary: dict):
        super().__init__(message)
        self.summary = summary


class ExplainedFailureFilter(logging.Filter):
    """Prefect logs the traceback of every exception a flow ends with. For a run that ends failed
    on purpose (NightlyRunFailed) or on a machine failure (a locked warehouse, a full disk), the
    one-line message says it all: the traceback would only bury it at 3 am."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Drop the traceback of an explained failure; every record is still logged."""
        error = record.exc_info[1] if record.exc_info else None
        if error is not None and (isinstance(error, NightlyRunFailed) or pipeline.machine_failure(error)):
            record.exc_info, record.exc_text = None, None
        return True


def quiet_explained_failures() -> None:
    """Put the filter on every handler of Prefect's loggers (they are set up when prefect is imported)."""
    names = ["", "prefect", *(n for n in logging.Logger.manager.loggerDict if n.startswith("prefect"))]
    for name in names:
        for handler in logging.getLogger(name).handlers:
            if not any(isinstance(f, ExplainedFailureFilter) for f in handler.filters):
                handler.addFilter(ExplainedFailureFilter())


@task(retries=1, retry_delay_seconds=30, cache_policy=NO_CACHE)
def crawl_portal_task(portal: Portal, settings: pipeline.CrawlSettings, data_dir: Path, run_id: str,
                      known: dict, trusted_hosts: list[str]) -> dict:
    """One portal's crawl (pipeline.crawl_one); a retry resumes from what the first try landed."""
    return pipeline.crawl_one(portal, settings, data_dir, run_id, known, trusted_hosts)


@task(cache_policy=NO_CACHE)
def parse_task(data_dir: Path):
    """Parse every landed document not parsed yet (xxgk.parse_stage)."""
    # imported here so a crawl worker never loads the parser (OpenCC dictionaries, pdfplumber)
    from xxgk.parse_stage import parse_landed

    return parse_landed(data_dir)


@task(cache_policy=NO_CACHE)
def dbt_build_task(data_dir: Path) -> bool:
    """``dbt build`` (incremental where it can be); False when a model or test failed."""
    # dbt's own runner, not prefect-dbt's PrefectDbtRunner: with the latter the process ended with
    # ~40 nanobind "leaked instance" lines about DuckDB's types (even without its per-node tasks),
    # which read as a crash at 3 am; failing nodes are logged by name instead (pipeline.dbt_build_plain)
    return pipeline.dbt_build(data_dir, quiet=True)


@task(cache_policy=NO_CACHE)
def publish_task(data_dir: Path) -> dict:
    """Copy the marts into the published file DIR/xxgk.duckdb, swapped in whole."""
    return publish(data_dir)


@task(cache_policy=NO_CACHE)
def export_task(data_dir: Path) -> dict:
    """The downloads (Parquet, CSV, datapackage.json); returns file name → rows."""
    from xxgk.export import export_marts

    return export_marts(data_dir).files


@task(cache_policy=NO_CACHE)
def docs_task(data_dir: Path) -> str:
    """The dbt docs site in DIR/docs; returns its path."""
    return str(pipeline.build_docs(data_dir))


@task(cache_policy=NO_CACHE)
def site_task(data_dir: Path) -> str:
    """The dashboard site from the published file; returns its path."""
    from xxgk.site import build_site

    return str(build_site(data_dir).path)


def build_outputs(data_dir: Path) -> dict[str, str | None]:
    """Downloads, the data dictionary and the dashboard, each from what publish wrote; one failing
    does not stop the others, and each failure is kept with its reason for the summary."""
    outputs = {}
    for name, step in (("export", export_task), ("docs", docs_task), ("site", site_task)):
        state = step(data_dir, return_state=True)
        outputs[name] = None if state.is_completed() else (state.message or "failed")
    return outputs


def submit_crawl_task(portal: Portal, args: tuple, after: list) -> object:
    """pipeline.crawl_portals' ``submit``: one task per portal, started once the crawls on its hosts
    before it have ended, whatever their outcome (a failed crawl never stops the next one)."""
    return crawl_portal_task.with_options(task_run_name=f"crawl-{portal.id}").submit(
        *args, wait_for=[allow_failure(handle) for handle in after])


@flow(name="xxgk-crawl", log_prints=True)
def crawl(portals: list[Portal], data_dir: str, settings: pipeline.CrawlSettings | None = None,
          trusted_hosts: list[str] | None = None) -> tuple[str, list[dict]]:
    """Crawl ``portals`` into DIR/raw and raw.*; returns (run id, one summary per portal)."""
    return pipeline.crawl_portals(portals, Path(data_dir), settings or pipeline.CrawlSettings(), trusted_hosts,
                                  submit=submit_crawl_task)


@flow(name="xxgk-nightly", log_prints=True)
def nightly(
    portals: list[str] | None = None,
    registry: str | None = None,
    data_dir: str | None = None,
    per_host_delay: float = 1.0,
    allowed_networks: list[str] | None = None,
    max_reports: int = CrawlLimits.max_reports,
    portal_hours: float = CrawlLimits.portal_seconds / 3600,
    crawl_hours: float = 6.0,
) -> dict:
    """Crawl the given portals (ids from the registry; all when empty) and rebuild the warehouse.
    Each portal's crawl follows at most ``max_reports`` report links for at most ``portal_hours``,
    and the crawl of all portals stops ``crawl_hours`` after it began (what landed is kept; the
    portal's health reason says ``truncated: …``)."""
    quiet_explained_failures()
    logger = get_run_logger()
    data = Path(data_dir).resolve() if data_dir else pipeline.default_data_dir()
    selected = pipeline.select_portals(load_registry(Path(registry) if registry else REGISTRY_CSV), portals)

    settings = pipeline.CrawlSettings(per_host_delay=per_host_delay, allowed_networks=allowed_networks or [],
                                      max_reports=max_reports, portal_seconds=portal_hours * 3600,
                                      stop_at=datetime.now(UTC) + timedelta(hours=crawl_hours))
    crawl_flow = _crawl_flow()
    stage, run_id, results, parse_summary, dbt_ok, outputs = "crawl", None, [], None, None, {}
    try:
        pipeline.check_free_space(data, stage)
        run_id, results = crawl_flow(selected, str(data), settings)
        stage = "parse"
        pipeline.check_free_space(data, stage)
        parse_summary = parse_task(data)
        stage = "dbt build"
        pipeline.check_free_space(data, stage)
        dbt_ok = dbt_build_task(data)
        if dbt_ok:
            stage = "publish"
            pipeline.check_free_space(data, stage)
            publish_task(data)
            outputs = build_outputs(data)
        else:
            logger.error("dbt build failed: the published warehouse was left as it was")
    except Exception as exc:
        # a locked warehouse or a full disk: one line that says what to do, and the summary of
        # what the run did reach; anything else is a bug and keeps its traceback
        reason = pipeline.explain_failure(exc, data)
        if reason is None:
            raise
        summary = pipeline.summarise(run_id, data, results, parse_summary, dbt_ok, outputs, stopped=(stage, reason))
        raise NightlyRunFailed(f"{stage} stopped: {reason}", summary) from None
    summary = pipeline.summarise(run_id, data, results, parse_summary, dbt_ok, outputs)
    markdown = pipeline.format_summary(summary)
    create_markdown_artifact(markdown, key="nightly-summary", description="xxgk nightly run summary")
    logger.info("run %s: %d of %d portals ok, %d reports landed, %d documents parsed (artifact nightly-summary)",
                run_id, summary["portals_ok"], summary["portals"], summary["reports_landed"],
                summary["parse"]["parsed"])
    problems = _problems(summary, dbt_ok, outputs)
    if problems:
        raise NightlyRunFailed("; ".join(problems), summary)
    return summary


def _crawl_flow():
    """The crawl subflow, on the Dask cluster at XXGK_DASK_ADDRESS when one is named."""
    if not os.environ.get("XXGK_DASK_ADDRESS"):
        return crawl
    from prefect_dask import DaskTaskRunner

    return crawl.with_options(task_runner=DaskTaskRunner(address=os.environ["XXGK_DASK_ADDRESS"]))


def _problems(summary: dict, dbt_ok: bool | None, outputs: dict[str, str | None]) -> list[str]:
    """What makes a finished run end Failed, for the on-call person; none for a good night."""
    problems = []
    if summary["reports_landed"] == 0:
        problems.append("no report landed from any portal (an empty crawl is a failure)")
    if summary["portals_failed"]:
        problems.append(f"{summary['portals_failed']} portal(s) unhealthy")
    if not dbt_ok:
        problems.append("dbt build failed")
    problems += [f"{name} not built ({error})" for name, error in outputs.items() if error is not None]
    return problems
