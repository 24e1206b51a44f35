"""``xxgk eval DIR``: extraction scored against hand-checked ``*.expected.json`` gold files."""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from xxgk.extract_commands import extract_path
from xxgk.parsing.labels import kpi_dictionary
from xxgk.parsing.summary import METADATA_FIELDS


@dataclass
class FieldScore:
    """The tally of one field over the gold files: correct, wrong, missed (gold only), extra (predicted only)."""

    correct: int = 0
    wrong: int = 0
    missed: int = 0
    extra: int = 0
    details: list[dict] = field(default_factory=list)

    @property
    def precision(self) -> float:
        """Correct among everything predicted, extras included; 1.0 when nothing was predicted."""
        predicted = self.correct + self.wrong + self.extra
        return self.correct / predicted if predicted else 1.0

    @property
    def precision_on_gold(self) -> float:
        """Correct among the predictions for keys the gold has (extras not counted against it)."""
        predicted = self.correct + self.wrong
        return self.correct / predicted if predicted else 1.0

    @property
    def recall(self) -> float:
        """Correct among everything the gold has; 1.0 when it has nothing."""
        expected = self.correct + self.wrong + self.missed
        return self.correct / expected if expected else 1.0

    def as_dict(self) -> dict:
        """The counts and the three rates (rounded to 4 places), for the JSON report."""
        return {"correct": self.correct, "wrong": self.wrong, "missed": self.missed, "extra": self.extra,
                "precision": round(self.precision, 4), "precision_on_gold_keys": round(self.precision_on_gold, 4),
                "recall": round(self.recall, 4)}


@dataclass
class EvalResult:
    """Every field's score over a folder of gold files; ``provisional`` holds gold approximate values of KPIs
    the dictionary does not have yet."""

    files: int = 0
    fields: dict[str, FieldScore] = field(default_factory=dict)
    provisional: list[dict] = field(default_factory=list)

    def score(self, name: str) -> FieldScore:
        """The score of field ``name``, started at zero on first use."""
        return self.fields.setdefault(name, FieldScore())

    def problems(self) -> list[dict]:
        """Every wrong or missed value, with its file and field (extras are not problems)."""
        return [d for s in self.fields.values() for d in s.details if d["kind"] in ("wrong", "missed")]

    def as_dict(self) -> dict:
        """The whole evaluation as JSON-ready data."""
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
    """Add one document's metadata, KPIs, approximate KPIs and table cells, against its gold, to ``result``."""
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
    """(document, gold file) for each ``*.expected.json`` with a .txt/.html/.htm/.pdf/.docx of the same stem."""
    pairs = []
    for expected in sorted(directory.rglob("*.expected.json")):
        stem = expected.name[: -len(".expected.json")]
        for suffix in (".txt", ".html", ".htm", ".pdf", ".docx"):
            candidate = expected.with_name(stem + suffix)
            if candidate.is_file():
                pairs.append((candidate, expected))
                break
    return pairs


def evaluate(directory: str | Path, *, text_only: bool = False) -> EvalResult:
    """Score extraction against every ``*.expected.json`` beside a .txt/.html/.pdf/.docx under ``directory``;
    ``text_only`` reads each document without the URL it came from (its `# source:` line)."""
    result = EvalResult()
    for document_path, expected_path in gold_pairs(Path(directory)):
        gold = json.loads(expected_path.read_text(encoding="utf-8"))
        score_file(result, document_path, gold, extract_path(document_path, text_only=text_only))
    return result


def eval_main(directory: str, *, text_only: bool = False) -> int:
    """`xxgk eval DIR`; the exit code of the evaluation (0 also when stdout's reader hung up)."""
    try:
        return _eval_main(directory, text_only)
    except BrokenPipeError:
        # `xxgk eval DIR | head`: the reader has seen enough; not an error of the evaluation. Point
        # stdout at devnull so the interpreter's final flush does not raise again (Python docs, signal)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _eval_main(directory: str, text_only: bool) -> int:
    path = Path(directory)
    if not path.is_dir():
        print(f"xxgk eval: not a directory: {directory}", file=sys.stderr)
        return 2
    result = evaluate(path, text_only=text_only)
    if not result.files:
        print(f"xxgk eval: no *.expected.json beside a .txt/.html/.pdf/.docx under {directory}", file=sys.stderr)
        return 2
    print(f"{result.files} gold files under {directory}" + (", read from their text alone" if text_only else ""))
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
        print(f"\napprox values under provisional names (not in labels/kpi_dictionary.csv, not scored): "
              f"{len(result.provisional)}")
    return 0
