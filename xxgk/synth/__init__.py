"""Synthetic standard-format reports with known values: for the sample portal, tests, `xxgk eval`
and benchmarks.

A report is generated from a seed with consistent numbers (every 勾稽 identity of the data
dictionary, section 7, holds) and rendered the ways real reports arrive: an HTML page with the
official rowspan/colspan tables, flattened text with realistic noise, or a DOCX attachment.
``expected_json`` gives the answer in the schema of ../shared/gold/*.expected.json. Blank cells
render empty and are null (never 0) in the answer.

Three parts: ``report`` (the layouts as data, the generator, the answer), ``render`` (HTML,
text, DOCX, PDF) and ``corpus`` (a folder of reports with answers). Callers use the package.
"""

from xxgk.synth.corpus import CORPUS_VARIANTS, write_corpus
from xxgk.synth.render import (
    NOISE_OPTIONS,
    format_cell,
    render_body_html,
    render_docx,
    render_html,
    render_pdf,
    render_text,
    table2_html,
    table3_html,
    table3_layout_html,
    table4_html,
)
from xxgk.synth.report import (
    COLUMN_LABELS,
    COLUMNS,
    GENERATOR,
    ISSUERS,
    NAMED_ONLY_ISSUERS,
    SIGNED,
    T2_2019,
    T2_2021,
    T3_HEADER_NOTE,
    T3_ROWS_2019,
    T3_ROWS_2021,
    T4_GROUPS,
    T4_PART_LABELS,
    T4_PARTS,
    SynthReport,
    expected_json,
    litigation_total,
    make_report,
)

__all__ = [
    "COLUMNS", "COLUMN_LABELS", "CORPUS_VARIANTS", "GENERATOR", "ISSUERS", "NAMED_ONLY_ISSUERS", "NOISE_OPTIONS",
    "SIGNED", "T2_2019", "T2_2021", "T3_HEADER_NOTE", "T3_ROWS_2019", "T3_ROWS_2021", "T4_GROUPS",
    "T4_PARTS", "T4_PART_LABELS", "SynthReport", "expected_json", "format_cell", "litigation_total",
    "make_report", "render_body_html", "render_docx", "render_html", "render_pdf", "render_text", "table2_html",
    "table3_html", "table3_layout_html", "table4_html", "write_corpus",
]
