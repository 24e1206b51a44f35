"""``xxgk eval --wild`` figures and ``xxgk extract --sources`` on files whose answers are known."""

from __future__ import annotations

import json

from xxgk import synth
from xxgk.cli import main
from xxgk.wild_evaluation import evaluate_wild

NEWS = "本报讯(记者 王明)近日,市政府召开新闻发布会,介绍全市政务公开工作情况。\n"


def _corpus(tmp_path):
    report = synth.make_report(4, era="2021_format")
    (tmp_path / "a.html").write_text(synth.render_html(report), encoding="utf-8")
    text = synth.render_text(report, noise=frozenset({"pipes"}))
    (tmp_path / "b.txt").write_text("# source: http://www.example.gov.cn/b.html\n# title: \n" + text, encoding="utf-8")
    (tmp_path / "c.txt").write_text("# source: http://news.example.com/c.html\n# title: \n" + NEWS, encoding="utf-8")
    return report


def test_wild_figures_count_reports_tables_and_urls(tmp_path):
    _corpus(tmp_path)
    figures = evaluate_wild(tmp_path)
    assert figures.files == 3 and figures.with_url == 2
    assert figures.reports == 2 and figures.not_reports["news"] == 1
    assert figures.table3_printed == 2 and figures.table3_found == 2
    assert figures.table3_checked == 2 and figures.table3_balanced == 2
    assert figures.share("report_year") == 1.0 and figures.share("report_year", with_url=False) == 1.0


def test_each_document_is_read_with_its_url_and_from_its_text_alone(tmp_path):
    # the text names 苏州市 in passing; the host is 常州's: with the URL 常州市统计局, alone 苏州市统计局
    (tmp_path / "e.txt").write_text(
        "# source: http://www.changzhou.gov.cn/ns_news/1.html\n统计局2023年政府信息公开工作年度报告\n"
        "一、总体情况\n2023年,我局认真贯彻落实《条例》,主动公开信息120条,学习苏州市统计工作经验。\n", encoding="utf-8")
    (tmp_path / "f.txt").write_text("# source: http://www.changzhou.gov.cn/ns_news/2.html\n统计局2023年政府信息公开"
                                    "工作年度报告\n一、总体情况\n2023年,我局认真贯彻落实《条例》。\n", encoding="utf-8")
    figures = evaluate_wild(tmp_path)
    assert figures.reports == 2
    assert figures.share("place") == 1.0 and figures.share("place", with_url=False) == 0.5
    assert ("e.txt", "place", "常州市", "苏州市") in figures.disagreements
    assert all(name == "e.txt" for name, *_ in figures.disagreements)


def test_unbalanced_table_is_listed(tmp_path):
    report = synth.make_report(5, era="2021_format")
    text = synth.render_text(report, noise=frozenset({"pipes"}))
    received = list(report.table3["applications_received"].values())
    row = " | ".join(str(v) for v in received)
    broken = " | ".join(str(v) for v in [received[0] + 3, *received[1:]])
    assert row in text
    (tmp_path / "d.txt").write_text(text.replace(row, broken, 1), encoding="utf-8")
    figures = evaluate_wild(tmp_path)
    assert figures.table3_unbalanced == ["d.txt"] and figures.table3_balanced == 0


def test_eval_wild_prints_json(tmp_path, capsys):
    _corpus(tmp_path)
    assert main(["eval", "--wild", "--json", str(tmp_path)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["files"] == 3 and out["table3"]["found_share"] == 1.0


def test_sources_csv_gives_url_and_link_text(tmp_path, capsys):
    texts = {"r.txt": "一、总体情况\n2023年,区统计局认真贯彻落实《中华人民共和国政府信息公开条例》。\n",
             "s.txt": "一、总体情况\n2023年,区统计局在宝鸡市统计局指导下认真贯彻落实《条例》。\n"}
    rows = ["path,url,link_text"]
    for name, body in texts.items():
        (tmp_path / name).write_text(body, encoding="utf-8")
        rows.append(f"{name},http://www.weibin.gov.cn/a.html,区统计局2023年政府信息公开工作年度报告")
    (tmp_path / "sources.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert main(["extract", "--sources", str(tmp_path / "sources.csv"), str(tmp_path / "r.txt"),
                 str(tmp_path / "s.txt")]) == 0
    alone, with_city = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert alone["title"] == "区统计局2023年政府信息公开工作年度报告" and alone["report_year"] == 2023
    # weibin.gov.cn spells 渭滨区 (宝鸡) and 卫滨区 (新乡): alone, the host decides nothing
    assert alone["issuer"] == "区统计局" and alone["place"] is None and alone["province"] is None
    # with 宝鸡市 in the text the two witnesses agree on one division
    assert with_city["issuer"] == "渭滨区统计局" and with_city["place"] == "宝鸡市渭滨区"
    assert with_city["province"] == "陕西省" and with_city["admin_tier"] == "county"


def test_ambiguous_site_is_a_quality_issue():
    from xxgk.parsing.extract import extract_document

    ex = extract_document("2023年,区统计局认真贯彻落实《条例》。".encode(), content_type="text/plain",
                          url="http://www.weibin.gov.cn/a.html",
                          hints={"link_text": "区统计局2023年政府信息公开工作年度报告"})
    issue = next(i for i in ex.issues if i["check_id"] == "place-ambiguous")
    assert sorted(c.split(" (")[0] for c in issue["detail"]["candidates"]) == ["河南省新乡市卫滨区", "陕西省宝鸡市渭滨区"]
    assert ex.document["field_sources"]["issuer"] == "link_text"


def test_sources_csv_with_a_wrong_header_is_an_error(tmp_path, capsys):
    (tmp_path / "r.txt").write_text("x", encoding="utf-8")
    (tmp_path / "s.csv").write_text("file,address\nr.txt,http://a\n", encoding="utf-8")
    assert main(["extract", "--sources", str(tmp_path / "s.csv"), str(tmp_path / "r.txt")]) == 2
    assert "header must start with path,url,link_text" in capsys.readouterr().err
