"""
A subject access export: everything held about one person, as `person.json` and one readable CSV per
table in a zip, with a README saying what is inside. Cells are guarded against spreadsheet formulas.
"""

import csv
import io
import json
import zipfile
from datetime import date, datetime

from django.template.loader import render_to_string
from django.utils import timezone

from campaign.privacy.registry import COLLECTORS, PERSON_KINDS

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """The value as text, with a leading apostrophe when a spreadsheet would read it as a formula."""
    if isinstance(value, list | dict):
        value = json.dumps(value, ensure_ascii=False)
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def person_collect(match, *, progress=None):
    """{table: [row, ...]} of everything held about `match`: their kind's own rows, then other apps'."""
    steps = [PERSON_KINDS[match.kind].collect, *COLLECTORS]
    tables = {}
    for done, collect in enumerate(steps, start=1):
        for table, rows in collect(match).items():
            if rows:
                tables.setdefault(table, []).extend(rows)
        if progress:
            progress(int(90 * done / len(steps)))
    return tables


def person_export_zip(match, *, progress=None):
    """The zip's bytes for `match`."""
    tables = person_collect(match, progress=progress)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        document = {"person": match.label, "exported_at": timezone.now().isoformat(), "tables": tables}
        archive.writestr("person.json", json.dumps(document, indent=2, ensure_ascii=False, default=_plain))
        for table, rows in tables.items():
            archive.writestr(f"{table}.csv", _csv(rows))
        readme = render_to_string("privacy/export-readme.txt", {"match": match, "tables": tables})
        archive.writestr("README.txt", readme)
    return buffer.getvalue()


def _csv(rows):
    headers = list(dict.fromkeys(key for row in rows for key in row))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    for row in rows:
        writer.writerow(
            [safe_cell(_plain(row[key]) if isinstance(row.get(key), date) else row.get(key)) for key in headers]
        )
    return out.getvalue()
