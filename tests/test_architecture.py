"""The map stays true: docs/architecture.md names every Python module, and the crawl side
never depends on DuckDB (landing writes files; xxgk/manifest.py loads them)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARCHITECTURE = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")


def _modules(*folders: str) -> list[Path]:
    return sorted(p for folder in folders for p in (ROOT / folder).rglob("*.py") if p.name != "__init__.py")


def test_the_architecture_page_names_every_module():
    missing = [str(p.relative_to(ROOT)) for p in _modules("xxgk", "scrapers", "flows") if p.name not in ARCHITECTURE]
    assert not missing, f"docs/architecture.md does not mention {missing}"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_the_crawl_side_never_imports_duckdb():
    # scrapers/ and the landing modules it uses run on crawl workers that never open the warehouse
    crawl_side = [*_modules("scrapers"), ROOT / "xxgk" / "rawstore.py", ROOT / "xxgk" / "warc.py",
                  ROOT / "xxgk" / "encoding.py"]
    offenders = {}
    for path in crawl_side:
        bad = {name for name in _imports(path)
               if name == "duckdb" or name.startswith("duckdb.")
               or name in ("xxgk.manifest", "xxgk.warehouse", "xxgk.pipeline")}
        if bad:
            offenders[str(path.relative_to(ROOT))] = bad
    assert not offenders, offenders


def test_loading_the_crawl_side_does_not_load_duckdb_or_the_parser():
    import subprocess
    import sys

    code = ("import sys, importlib, pkgutil, scrapers, scrapers.families\n"
            "for m in pkgutil.walk_packages(scrapers.__path__, 'scrapers.'): importlib.import_module(m.name)\n"
            "import xxgk.rawstore\n"
            "print(sorted(n for n in sys.modules if n == 'duckdb' or n.startswith('xxgk.parsing')))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]", out


def test_the_architecture_page_names_every_dbt_model():
    models = sorted(p.stem for p in (ROOT / "dbt_project" / "models").rglob("*.sql"))
    missing = [m for m in models if m not in ARCHITECTURE]
    assert not missing, f"docs/architecture.md does not mention {missing}"
