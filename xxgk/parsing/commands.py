"""``xxgk extract`` and ``xxgk eval``: one JSON line per file, and scores against gold files."""

from __future__ import annotations

import json
import logging
import os
import sys
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from xxgk.parsing.extract import Extraction, extract_document
from xxgk.parsing.labels import kpi_dictionary
from xxgk.parsing.numbers import as_number

METADATA_FIELDS = ("doc_type", "issuer", "place", "province", "level", "admin_tier", "scope", "report_year", "era")
APPROX_QUALIFIERS = ("more_than", "nearly", "rounded_wan")  # 约 (about) has no documented qualifier in the gold
_SOURCE_RANK = {"table2": 0, "table3": 0, "table4": 0, "annex_2008": 1, "narrative": 2}
log = logging.getLogger(__name__)
_T4_OUTPUT_GROUP = {"admin_reconsideration": "admin_reconsideration", "admin_litigation_direct": "litigation_direct",
                    "admin_litigation_after_reconsideration": "litigation_after_reconsideration"}


def extraction_summary(extraction: Extraction, path: str) -> dict:
    document = extraction.document
    out = {"path": path, "status": document["status"]}
    if document.get("status_reason"):
        out["status_reason"] = document["status_reason"]
    for name in METADATA_FIELDS:
        out[name] = document.get(name)
    out["title"] = document.get("title")
    out["publication_date"] = document["publication_date"].isoformat() if document.get("publication_date") else None
    kpis: dict[str, tuple[int, float]] = {}
    approx: dict[str, dict] = {}
    table3: dict[str, dict] = {}
    table4: dict[str, dict] = {}
    for fact in extraction.facts:
        kpi, value, source = fact["kpi"], fact["value"], fact["source"]
        if source == "table3":
            table3.setdefault(fact["row_key"], {})[fact["col_key"]] = None if value is None else as_number(value)
            if fact["col_key"] != "total":
                continue
        if source == "table4" and fact["row_key"] in _T4_OUTPUT_GROUP:
            group = _T4_OUTPUT_GROUP[fact["row_key"]]
            table4.setdefault(group, {})[fact["col_key"]] = None if value is None else as_number(value)
        if value is None:
            continue
        if fact["qualifier"] is None:
            rank = _SOURCE_RANK.get(source, 3)
            if kpi not in kpis or rank < kpis[kpi][0]:
                kpis[kpi] = (rank, value)
        elif fact["qualifier"] in APPROX_QUALIFIERS and kpi not in approx:
            approx[kpi] = {"value": as_number(value), "raw": fact["raw_text"], "qualifier": fact["qualifier"]}
    out["kpis"] = {kpi: as_number(value) for kpi, (_rank, value) in kpis.items()}
    out["approx"] = {kpi: entry for kpi, entry in approx.items() if kpi not in out["kpis"]}
    if table3:
        out["table3"] = table3
    if table4:
        out["table4"] = table4
    return out


def _content_type(path: Path) -> str | None:
    suffix = path.suffix.lower()
    return "text/html" if suffix in (".html", ".htm") else "text/plain" if suffix == ".txt" else None


def extract_file(path: Path, *, url: str | None = None, link_text: str | None = None) -> Extraction:
    """One file through the parse stage's own entry point, with what the crawl would have known
    about it (the URL it came from, the anchor text that linked to it)."""
    hints = {"link_text": link_text} if link_text else {}
    return extract_document(path.read_bytes(), content_type=_content_type(path), url=url or None, hints=hints)


def extract_path(path: Path, *, url: str | None = None, link_text: str | None = None) -> dict:
    return extraction_summary(extract_file(path, url=url, link_text=link_text), str(path))


SOURCES_HEADER = ("path", "url", "link_text")


def read_sources(csv_path: Path) -> dict[str, dict]:
    """``path,url,link_text`` rows keyed by the resolved path; a bad header is an error, not a guess."""
    import csv

    with open(csv_path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) [:3] != SOURCES_HEADER:
            raise ValueError(f"{csv_path}: header must start with {','.join(SOURCES_HEADER)}, "
                             f"got {','.join(reader.fieldnames or ())}")
        rows = {}
        for row in reader:
            if not row.get("path"):
                raise ValueError(f"{csv_path}: line {reader.line_num} has no path")
            rows[str((csv_path.parent / row["path"]).resolve())] = row
            rows.setdefault(str(Path(row["path"]).resolve()), row)
    return rows


def extract_main(paths: list[str], sources_csv: str | None = None) -> int:
    if not paths:
        print("usage: xxgk extract [--sources SOURCES.csv] FILE...", file=sys.stderr)
        return 2
    sources: dict[str, dict] = {}
    if sources_csv:
        try:
            sources = read_sources(Path(sources_csv))
        except (OSError, ValueError) as error:
            print(f"xxgk extract: {error}", file=sys.stderr)
            return 2
    status = 0
    for name in paths:
        path = Path(name)
        if not path.is_file():
            print(f"xxgk extract: no such file: {name}", file=sys.stderr)
            status = 2
            continue
        row = sources.get(str(path.resolve()), {})
        try:
            summary = extract_path(path, url=row.get("url"), link_text=row.get("link_text"))
        except Exception as exc:  # noqa: BLE001 - as the parse stage does: the file is failed, the run goes on
            log.error("extracting %s failed:\n%s", name, traceback.format_exc())
            summary = {"path": str(path), "status": "failed", "status_reason": f"{type(exc).__name__}: {exc}"[:1000]}
            status = status or 1
        print(json.dumps(summary, ensure_ascii=False, default=str), flush=True)
    return status


# ------------------------------------------------------------------------------------------ scoring

@dataclass
class FieldScore:
    correct: int = 0
    wrong: int = 0
    missed: int = 0
    extra: int = 0
    details: list[dict] = field(default_factory=list)

    @property
    def precision(self) -> float:
        predicted = self.correct + self.wrong + self.extra
        return self.correct / predicted if predicted else 1.0

    @property
    def precision_on_gold(self) -> float:
        predicted = self.correct + self.wrong
        return self.correct / predicted if predicted else 1.0

    @property
    def recall(self) -> float:
        expected = self.correct + self.wrong + self.missed
        return self.correct / expected if expected else 1.0

    def as_dict(self) -> dict:
        return {"correct": self.correct, "wrong": self.wrong, "missed": self.missed, "extra": self.extra,
                "precision": round(self.precision, 4), "precision_on_gold_keys": round(self.precision_on_gold, 4),
                "recall": round(self.recall, 4)}


@dataclass
class EvalResult:
    files: int = 0
    fields: dict[str, FieldScore] = field(default_factory=dict)
    provisional: list[dict] = field(default_factory=list)

    def score(self, name: str) -> FieldScore:
        return self.fields.setdefault(name, FieldScore())

    def problems(self) -> list[dict]:
        return [d for s in self.fields.values() for d in s.details if d["kind"] in ("wrong", "missed")]

    def as_dict(self) -> dict:
        return {"files": self.files, "fields": {k: v.as_dict() for k, v in sorted(self.fields.items())},
                "problems": self.problems(), "provisional": self.provisional}


def _same(a, b) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return abs(float(a) - float(b)) < 1e-6
    return a == b


def _score_mapping(score: FieldScore, path: str, what: str, expected: dict, predicted: dict) -> None:
    for key, value in expected.items():
        if key not in predicted:
            score.missed += 1
            score.details.append({"kind": "missed", "file": path, "field": what, "key": key, "expected": value})
        elif _same(predicted[key], value):
            score.correct += 1
        else:
            score.wrong += 1
            score.details.append({"kind": "wrong", "file": path, "field": what, "key": key, "expected": value,
                                  "got": predicted[key]})
    for key, value in predicted.items():
        if key not in expected:
            score.extra += 1
            score.details.append({"kind": "extra", "file": path, "field": what, "key": key, "got": value})


def score_file(result: EvalResult, path: Path, gold: dict, predicted: dict) -> None:
    result.files += 1
    for name in METADATA_FIELDS:
        expected, got = gold.get(name), predicted.get(name)
        score = result.score(f"meta.{name}")
        if _same(expected, got):
            score.correct += 1
        elif expected is None:
            score.extra += 1
            score.details.append({"kind": "extra", "file": str(path), "field": name, "got": got})
        elif got is None:
            score.missed += 1
            score.details.append({"kind": "missed", "file": str(path), "field": name, "expected": expected})
        else:
            score.wrong += 1
            score.details.append({"kind": "wrong", "file": str(path), "field": name, "expected": expected, "got": got})
    dictionary = kpi_dictionary()
    _score_mapping(result.score("kpis"), str(path), "kpis", gold.get("kpis") or {}, predicted.get("kpis") or {})
    gold_approx = {}
    for kpi, entry in (gold.get("approx") or {}).items():
        if kpi in dictionary:
            gold_approx[kpi] = (entry["value"], entry["qualifier"])
        else:
            result.provisional.append({"file": str(path), "kpi": kpi, **entry})
    got_approx = {k: (v["value"], v["qualifier"]) for k, v in (predicted.get("approx") or {}).items()}
    _score_mapping(result.score("approx"), str(path), "approx", gold_approx, got_approx)
    for table in ("table3", "table4"):
        if table not in gold:
            continue
        expected = {f"{row}.{col}": v for row, cols in gold[table].items() for col, v in cols.items()}
        got = {f"{row}.{col}": v for row, cols in (predicted.get(table) or {}).items() for col, v in cols.items()}
        _score_mapping(result.score(table), str(path), table, expected, got)


def gold_pairs(directory: Path) -> list[tuple[Path, Path]]:
    pairs = []
    for expected in sorted(directory.rglob("*.expected.json")):
        stem = expected.name[: -len(".expected.json")]
        for suffix in (".txt", ".html", ".htm", ".pdf", ".docx"):
            candidate = expected.with_name(stem + suffix)
            if candidate.is_file():
                pairs.append((candidate, expected))
                break
    return pairs


def evaluate(directory: str | Path) -> EvalResult:
    """Score extraction against every ``*.expected.json`` beside a .txt/.html/.pdf/.docx under ``directory``."""
    result = EvalResult()
    for document_path, expected_path in gold_pairs(Path(directory)):
        gold = json.loads(expected_path.read_text(encoding="utf-8"))
        score_file(result, document_path, gold, extract_path(document_path))
    return result


def eval_main(directory: str) -> int:
    try:
        return _eval_main(directory)
    except BrokenPipeError:
        # `xxgk eval DIR | head`: the reader has seen enough; not an error of the evaluation. Point
        # stdout at devnull so the interpreter's final flush does not raise again (Python docs, signal)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _eval_main(directory: str) -> int:
    path = Path(directory)
    if not path.is_dir():
        print(f"xxgk eval: not a directory: {directory}", file=sys.stderr)
        return 2
    result = evaluate(path)
    if not result.files:
        print(f"xxgk eval: no *.expected.json beside a .txt/.html/.pdf/.docx under {directory}", file=sys.stderr)
        return 2
    print(f"{result.files} gold files under {directory}")
    print(f"{'field':<22}{'correct':>8}{'wrong':>7}{'missed':>8}{'extra':>7}{'precision':>11}{'recall':>8}")
    for name, score in sorted(result.fields.items()):
        print(f"{name:<22}{score.correct:>8}{score.wrong:>7}{score.missed:>8}{score.extra:>7}"
              f"{score.precision:>11.3f}{score.recall:>8.3f}")
    problems = result.problems()
    if problems:
        print("\nwrong and missed:")
        for problem in problems:
            print("  " + json.dumps(problem, ensure_ascii=False, default=str))
    extras = [d for s in result.fields.values() for d in s.details if d["kind"] == "extra"]
    if extras:
        print(f"\nextra values not in the gold files ({len(extras)}; the gold lists only some values):")
        for extra in extras[:50]:
            print("  " + json.dumps(extra, ensure_ascii=False, default=str))
    if result.provisional:
        print(f"\napprox values under provisional names (not in kpis.csv, not scored): {len(result.provisional)}")
    return 0
