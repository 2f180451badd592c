#!/usr/bin/env python3
"""Writes the test workbooks of tests/data/workbooks/ and the example award's workbook
fixtures/ineli-balkans-2016-xlsx/award.xlsx with LibreOffice.

Each workbook is first written here as a flat OpenDocument spreadsheet (.fods, plain XML with
every cell's type given), then converted by LibreOffice (`soffice --headless --convert-to`),
which recalculates every formula on load (a profile set so) and saves its value with it. One
file, nocache.xlsx, is then edited with zipfile: its formula's saved value removed, as some
tools that write .xlsx leave it. Run from the repository root:

    apt-get install -y libreoffice-calc   # once
    python3 tests/data/workbooks/make.py

Only the standard library and soffice are needed. The outputs are committed: the tests need
neither Python nor LibreOffice.
"""

import csv
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from xml.sax.saxutils import escape

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0"
 xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2"
 office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.spreadsheet">
<office:automatic-styles>
 <number:date-style style:name="N1"><number:year number:style="long"/><number:text>-</number:text><number:month number:style="long"/><number:text>-</number:text><number:day number:style="long"/></number:date-style>
 <style:style style:name="date" style:family="table-cell" style:parent-style-name="Default" style:data-style-name="N1"/>
 <number:boolean-style style:name="N2"><number:boolean/></number:boolean-style>
 <style:style style:name="bool" style:family="table-cell" style:parent-style-name="Default" style:data-style-name="N2"/>
</office:automatic-styles>
<office:body><office:spreadsheet>
"""
TAIL = "</office:spreadsheet></office:body></office:document>\n"


def cell(value):
    """A cell: None is empty; a float or int a number; ("text", s) text even if it looks like
    a number; ("date", iso); ("bool", b); ("formula", f) recalculated on load; a str is text,
    or a number when it reads as one and `numbers` is on (see `row`)."""
    if value is None or value == "":
        return "<table:table-cell/>"
    if isinstance(value, bool):
        value = ("bool", value)
    if isinstance(value, (int, float)):
        return f'<table:table-cell office:value-type="float" office:value="{value}"><text:p>{value}</text:p></table:table-cell>'
    if isinstance(value, tuple):
        kind, v = value
        if kind == "text":
            return f'<table:table-cell office:value-type="string"><text:p>{escape(v)}</text:p></table:table-cell>'
        if kind == "date":
            return f'<table:table-cell table:style-name="date" office:value-type="date" office:date-value="{v}"><text:p>{v}</text:p></table:table-cell>'
        if kind == "bool":
            b = "true" if v else "false"
            return f'<table:table-cell table:style-name="bool" office:value-type="boolean" office:boolean-value="{b}"><text:p>{b.upper()}</text:p></table:table-cell>'
        if kind == "formula":
            return f'<table:table-cell table:formula="of:{escape(v)}" office:value-type="float" office:value="0"><text:p>0</text:p></table:table-cell>'
    return f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p></table:table-cell>'


def table(name, rows):
    out = [f'<table:table table:name="{escape(name)}">']
    for r in rows:
        out.append("<table:table-row>" + "".join(cell(v) for v in r) + "</table:table-row>")
    out.append("</table:table>")
    return "\n".join(out)


def fods(path, sheets):
    with open(path, "w", encoding="utf-8") as f:
        f.write(HEAD + "\n".join(table(n, rows) for n, rows in sheets) + TAIL)


def profile():
    """A LibreOffice profile that recalculates every formula when a file is loaded."""
    d = tempfile.mkdtemp(prefix="lo-jury-")
    user = os.path.join(d, "user")
    os.makedirs(user)
    items = "".join(
        f'<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="{k}" oor:op="fuse"><value>0</value></prop></item>'
        for k in ("OOXMLRecalcMode", "ODFRecalcMode")
    )
    with open(os.path.join(user, "registrymodifications.xcu"), "w") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?><oor:items xmlns:oor="http://openoffice.org/2001/registry" '
                'xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
                + items + "</oor:items>")
    return d


PROFILE = profile()


def convert(src, fmt, outdir, name):
    """Converts `src` to `fmt` (xlsx, xls, ods) as `outdir/name`."""
    tmp = tempfile.mkdtemp()
    subprocess.run(["soffice", f"-env:UserInstallation=file://{PROFILE}", "--headless",
                    "--convert-to", fmt, "--outdir", tmp, src], check=True,
                   stdout=subprocess.DEVNULL)
    produced = os.path.join(tmp, os.path.splitext(os.path.basename(src))[0] + "." + fmt)
    shutil.move(produced, os.path.join(outdir, name))
    shutil.rmtree(tmp)


def numbers(row):
    """CSV cells as typed numbers where they read as one."""
    out = []
    for v in row:
        try:
            out.append(float(v) if "." in v else int(v))
        except ValueError:
            out.append(v)
    return out


# The scores of tests/input.rs (PLAIN), with the header at B2 (an empty row and column before
# it), J1's 4.5 on P1 typed as text, and J2's 4 on P1 the saved value of the formula =2*2.
PLAIN = [
    ["juror", "proposal", "innovation", "impact"],
    ["J1", "P1", ("text", "4.5"), 3],
    ["J1", "P2", 2, 3],
    ["J2", "P1", 4, ("formula", "=2*2")],
    ["J2", "P2", 3, 2.5],
    ["J3", "P1", 5, 4],
    ["J3", "P2", 2.5, 2],
]


def main():
    work = tempfile.mkdtemp()
    shifted = [[]] + [[None] + r for r in PLAIN]
    fods(os.path.join(work, "scores.fods"), [("Scores", shifted)])
    for fmt in ("xlsx", "xls", "ods"):
        convert(os.path.join(work, "scores.fods"), fmt, HERE, f"scores.{fmt}")
    # Cells that are no score: a date, a true/false, a formula that fails, a word.
    bad = [
        ["juror", "proposal", "innovation", "impact"],
        ["J1", "P1", ("date", "2016-05-01"), 3],
        ["J1", "P2", True, 3],
        ["J2", "P1", ("formula", "=1/0"), 4],
        ["J2", "P2", "four", 2.5],
        ["J3", "P1", 5, 4],
    ]
    fods(os.path.join(work, "bad.fods"), [("Scores", bad)])
    for fmt in ("xlsx", "xls", "ods"):
        convert(os.path.join(work, "bad.fods"), fmt, HERE, f"bad.{fmt}")
    # nocache.xlsx: scores.xlsx with the formula's saved value removed.
    with zipfile.ZipFile(os.path.join(HERE, "scores.xlsx")) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    text = parts[sheet].decode()
    text, n = re.subn(r"(<f[^>]*>[^<]*</f>)<v>[^<]*</v>", r"\1", text)
    assert n == 1, n
    parts[sheet] = text.encode()
    with zipfile.ZipFile(os.path.join(HERE, "nocache.xlsx"), "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    # award.xlsx: every table a sheet, and a sheet of notes that is not read.
    award = [
        ("Scores", [r[:] for r in PLAIN]),
        ("Proposals", [["id", "title"], ["P1", "One"], ["P2", "Two"]]),
        ("Jurors", [["id", "name"], ["J1", "Ana"], ["J2", "Ben"], ["J3", "Cleo"]]),
        ("Notes", [["Collected by the secretariat"]]),
    ]
    fods(os.path.join(work, "award.fods"), award)
    convert(os.path.join(work, "award.fods"), "xlsx", HERE, "award.xlsx")
    # A folder of per-juror sheets, each with its columns in its own order.
    folder = os.path.join(HERE, "folder")
    os.makedirs(folder, exist_ok=True)
    j1 = [["proposal", "juror", "impact", "innovation"], ["P1", "J1", 3, 4.5], ["P2", "J1", 3, 2]]
    fods(os.path.join(work, "J1.fods"), [("Sheet1", j1)])
    convert(os.path.join(work, "J1.fods"), "xlsx", folder, "J1.xlsx")
    j2 = [["juror", "proposal", "innovation", "impact"], ["J2", "P1", 4, 4], ["J2", "P2", 3, 2.5]]
    fods(os.path.join(work, "J2.fods"), [("J2", j2)])
    convert(os.path.join(work, "J2.fods"), "ods", folder, "J2.ods")
    with open(os.path.join(folder, "J3.csv"), "w", newline="") as f:
        f.write("juror;proposal;innovation;impact\r\nJ3;P1;5;4\r\nJ3;P2;2,5;2\r\n")
    # The example award as one workbook: its four tables, scores as numbers, text as text.
    src = os.path.join(ROOT, "fixtures", "ineli-balkans-2016")
    dst = os.path.join(ROOT, "fixtures", "ineli-balkans-2016-xlsx")
    sheets = []
    for name in ("scores", "proposals", "jurors", "conflicts"):
        with open(os.path.join(src, name + ".csv"), newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))
        if name == "scores":
            rows = [rows[0]] + [r[:2] + numbers(r[2:-1]) + [r[-1]] for r in rows[1:]]
        sheets.append((name, rows))
    fods(os.path.join(work, "award.fods"), sheets)
    convert(os.path.join(work, "award.fods"), "xlsx", dst, "award.xlsx")
    shutil.rmtree(work)
    shutil.rmtree(PROFILE)


if __name__ == "__main__":
    main()
