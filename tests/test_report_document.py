"""The printed report on the sample, on both stores: the PDF is A4 with every font embedded,
pdftoppm turns it into pages that carry the charts, pdftotext finds the Chinese and the
figures counted here from the roster files; the HTML carries its own font, loads nothing
from elsewhere and names no member; a machine without a Chinese font gets a clear error."""

from __future__ import annotations

import base64
import io
import re
import subprocess

import pytest
from fontTools.ttLib import TTFont
from PIL import Image
from typer.testing import CliRunner

from api.access import Role
from api.cli import app as cli
from graph.settings import Settings
from ingest.pipeline import ingest
from queries import report_document
from queries.cjk_font import report_font
from queries.report import report
from queries.report_charts import BAR
from queries.report_document import CHARTS, REPORT_FORMATS
from tests.conftest import PROJECT_DIR, SAMPLE_DIR, write_csv
from tests.test_report import AS_OF, YEAR, active, report_api, rows

# a letter the embedded font lacks would print as an empty box: matplotlib's warning fails the test
pytestmark = pytest.mark.filterwarnings("error:Glyph .* missing from font")
FONT = Settings().report_font
README_PICTURE = PROJECT_DIR / "docs" / "screenshots" / "report-page.png"  # the README shows it


@pytest.fixture
def sample(store):
    assert ingest(store, [SAMPLE_DIR]).ok
    return store


def poppler(*args) -> str:
    return subprocess.run([str(a) for a in args], check=True, capture_output=True, text=True).stdout


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def expected_lines() -> list[str]:
    """The report's opening figures, counted from the roster files."""
    bases, people = rows("基地"), rows("人员")
    towns = {t["名称"] for t in rows("镇街") if t["上级"]}
    reps = {p["编号"] for p in people if p["代表人士"] == "是"}
    covered = {r["终点"] for r in rows("关系") if r["关系"] == "列名联系" and r["终点"] in reps and active(r)}
    this_year = [a for a in rows("活动") if a["日期"].replace("/", "-").startswith(str(YEAR))]
    return [
        f"建成同心荟{len(bases)}个",
        f"{len({b['所属镇街'] for b in bases} & towns)}个镇街建有同心荟，共{len(towns)}个镇街",
        f"新的社会阶层人士{sum('新阶层人士' in p['人员类别'] for p in people)}人，其中代表人士{len(reps)}人",
        f"{YEAR}年举办活动{len(this_year)}场",
        f"列名联系覆盖率{len(covered) / len(reps):.1%}（{len(covered)}/{len(reps)}）",
    ]


def test_the_pdf_prints_on_a4_with_its_fonts_charts_and_chinese_text(sample, tmp_path):
    answer = report(sample, as_of=AS_OF, year=YEAR)
    printed = tmp_path / "report.pdf"
    printed.write_bytes(REPORT_FORMATS["pdf"].write(sample, answer, FONT))
    info = dict(line.split(":", 1) for line in poppler("pdfinfo", printed).splitlines() if ":" in line)
    assert "(A4)" in info["Page size"]
    fonts = poppler("pdffonts", printed).splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts  # the "emb" column

    text = flat(poppler("pdftotext", printed, "-"))
    area = next(t["名称"] for t in rows("镇街") if not t["上级"])
    assert f"{area}同心荟工作年度报表（{YEAR}年）" in text
    for table in answer["tables"]:
        assert flat(table["title"]) in text and flat(table["basis"])[:20] in text, table["title"]
    for line in expected_lines():
        assert flat(line) in text, line
    assert all(b["名称"] in text for b in rows("基地"))

    poppler("pdftoppm", "-r", 40, "-png", printed, tmp_path / "page")
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == int(info["Pages"]) >= 5
    bar = tuple(int(BAR[i : i + 2], 16) for i in (1, 3, 5))
    charted = 0
    for page in pages:
        image = Image.open(page).convert("RGB")
        assert abs(image.height / image.width - 297 / 210) < 0.01
        colors = image.getcolors(image.width * image.height)
        assert len(colors) > 1  # not blank
        charted += sum(n for n, c in colors if max(abs(a - b) for a, b in zip(c, bar)) < 12) > 200
    assert charted >= 3  # the bar charts are drawn, not only their tables

    poppler("pdftoppm", "-r", 80, "-png", "-f", 1, "-singlefile", printed, README_PICTURE.with_suffix(""))


def test_the_html_carries_its_font_and_pictures_and_names_no_member(sample):
    page = REPORT_FORMATS["html"].write(sample, report(sample, as_of=AS_OF, year=YEAR), FONT).decode()
    assert not re.search(r"(src|href)\s*=\s*[\"']?(https?:)?//", page) and "<script" not in page
    assert page.count('src="data:image/svg+xml;base64,') == len(CHARTS) + len(rows("基地"))
    pictures = [base64.b64decode(b).decode() for b in re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', page)]
    labels = {label.strip() for svg in pictures for label in re.findall(r"<!--(.*?)-->", svg)}  # text drawn
    cells = {cell.strip() for cell in re.findall(r">([^<>]+)<", page)}  # cells, captions, sentences
    font = TTFont(io.BytesIO(base64.b64decode(re.search(r"data:font/otf;base64,([A-Za-z0-9+/=]+)", page).group(1))))
    cmap = font.getBestCmap()
    assert [c for c in set(page + "".join(labels)) if ord(c) > 0x2E80 and ord(c) not in cmap] == []

    people = rows("人员")
    leaders = {p["姓名"] for p in people if "联系领导" in p["人员类别"]}
    members = {p["姓名"] for p in people if "联系领导" not in p["人员类别"]} - leaders
    assert leaders & cells and leaders & labels  # leaders are named in tables and pictures…
    assert members & (cells | labels) == set()  # …members nowhere
    assert [s for p in people for s in (p["手机"], p["身份证号"]) if s and s in page] == []


def test_a_browser_draws_every_picture_in_the_embedded_font(sample, browser, tmp_path):
    opened = tmp_path / "report.html"
    opened.write_bytes(REPORT_FORMATS["html"].write(sample, report(sample, as_of=AS_OF, year=YEAR), FONT))
    page = browser.new_page()
    page.route(
        "**/*",
        lambda route: route.abort() if not route.request.url.startswith(("file:", "data:")) else route.continue_(),
    )  # nothing may come from elsewhere
    page.goto(opened.as_uri())
    page.evaluate("document.fonts.ready")  # the embedded font is fetched only when text uses it
    pictures = page.eval_on_selector_all("img", "all => all.map(i => i.complete && i.naturalWidth > 0)")
    assert len(pictures) == len(CHARTS) + len(rows("基地")) and all(pictures)
    assert page.evaluate("[...document.fonts].filter(f => f.family.includes('ReportCJK')).map(f => f.status)") == [
        "loaded"
    ]
    assert "ReportCJK" in page.evaluate("getComputedStyle(document.body).fontFamily").split(",")[0]
    page.close()


def test_long_tables_print_their_first_rows_and_send_the_rest_to_the_ledger(sample, monkeypatch):
    monkeypatch.setattr(report_document, "PRINTED_ROWS", 5)
    answer = report(sample, as_of=AS_OF, year=YEAR)
    page = REPORT_FORMATS["html"].write(sample, answer, FONT).decode()
    bodies = re.findall(r"<tbody>(.*?)</tbody>", page, re.S)
    assert [body.count("<tr>") for body in bodies] == [min(len(t["rows"]), 5) for t in answer["tables"]]
    long = [t for t in answer["tables"] if len(t["rows"]) > 5]
    assert long and page.count("行见台账（xlsx）") == len(long)
    assert f"其余 {len(long[0]['rows']) - 5} 行见台账" in page


def test_a_name_cannot_break_out_of_the_report(store, tmp_path):
    folder = tmp_path / "rosters"
    write_csv(folder, "镇街.csv", "编号,名称,上级\nR00,鹿城区,\nR01,五马街道,鹿城区\n")
    write_csv(
        folder,
        "基地.csv",
        '编号,名称,类别,级别,所属镇街\nB01,"</svg><script>alert(1)</script>--><b>同心荟",孵化型,区级,五马街道\n',
    )
    assert ingest(store, [folder]).ok
    page = REPORT_FORMATS["html"].write(store, report(store, as_of=AS_OF), FONT).decode()
    assert "<script" not in page and "&lt;script&gt;" in page


def test_every_role_gets_the_same_printed_report_from_the_api(sample, store_spec, tmp_path):
    with report_api(store_spec, tmp_path) as ask:
        pages = [ask(role, as_of=AS_OF, format="html") for role in (Role.viewer, Role.admin)]
        printed = ask(Role.viewer, as_of=AS_OF, format="pdf")
    assert all(p.status_code == 200 for p in pages) and pages[0].content == pages[1].content
    assert pages[0].headers["content-type"].startswith("text/html")
    assert printed.status_code == 200 and printed.content.startswith(b"%PDF-")
    assert printed.headers["content-type"] == "application/pdf"
    assert ".pdf" in printed.headers["content-disposition"]


def test_without_a_chinese_font_the_report_says_what_to_install(store, store_spec, tmp_path):
    latin = tmp_path / "latin.otf"
    latin.write_bytes(report_font("", FONT))  # a real font file holding no Chinese
    runner = CliRunner()
    for font, reason in ((tmp_path / "none.ttc", "找不到中文字体文件"), (latin, "缺少")):
        target = tmp_path / "report.pdf"
        result = runner.invoke(
            cli,
            ["--store", store_spec, "report", "--format", "pdf", "--out", str(target)],
            env={"TONGXIN_REPORT_FONT": str(font)},
        )
        assert result.exit_code == 1 and reason in result.output and "fonts-noto-cjk" in result.output
        assert not target.exists()
    with report_api(store_spec, tmp_path, report_font=tmp_path / "none.ttc") as ask:
        refused = ask(Role.viewer, format="pdf")
    assert refused.status_code == 501 and "fonts-noto-cjk" in refused.json()["detail"]


def test_an_unknown_format_is_refused_with_the_formats_there_are(store, store_spec, tmp_path):
    result = CliRunner().invoke(
        cli, ["--store", store_spec, "report", "--format", "docx", "--out", str(tmp_path / "x")]
    )
    assert result.exit_code == 2 and "未知格式「docx」" in result.output and "xlsx、pdf、html、json" in result.output
    assert not (tmp_path / "x").exists()
    with report_api(store_spec, tmp_path) as ask:
        refused = ask(Role.viewer, format="docx")
    assert refused.status_code == 422 and "未知格式「docx」" in refused.json()["detail"]
    assert refused.headers["content-type"].startswith("application/problem+json")
