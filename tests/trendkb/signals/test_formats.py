"""The signal file formats (trendkb/signals/formats.py): one stable text per set of records, strict reading."""

from __future__ import annotations

import datetime as dt

import pytest

from trendkb import models
from trendkb.signals import COUNTS, NEWS, PAPERS, STATUS
from trendkb.signals.formats import decode, encode

WHEN = dt.datetime(2026, 11, 25, 6, tzinfo=dt.UTC)


def paper(arxiv_id: str = "2611.01230", **changes) -> models.Paper:
    fields = dict(arxiv_id=arxiv_id, version=1, title="A paper", authors=["A. Author"], author_count=1,
                  published=dt.date(2026, 11, 2), updated=dt.date(2026, 11, 2), primary_category="cs.LG",
                  abstract="Short.", url=f"https://arxiv.org/abs/{arxiv_id}", trends=["first-trend"])
    return models.Paper(**{**fields, **changes})


AWKWARD = [
    paper("2611.00001", title='Quotes "inside", a comma, and é ü 漢字', abstract="Two\nlines\tand a tab"),
    paper("2611.00002", abstract="A line separator \u2028 and a paragraph separator \u2029 stay inside the line"),
    paper("2611.00003", title="Trailing backslash \\", authors=["O'Brien, J.", "Ünal"]),
]


@pytest.mark.parametrize("kind, records", [
    (PAPERS, AWKWARD),
    (NEWS, [models.NewsItem(key="guid-1", feed="lab", title="News, with a comma", url="https://example.org/1",
                            published=WHEN, summary="", trends=["first-trend"])]),
    (COUNTS, [models.MonthlyCount(subject='odd, "subject"', month="2026-10", count=41, fetched=WHEN),
              models.MonthlyCount(subject="first-trend", month="2026-11", count=0, fetched=WHEN)]),
    (STATUS, [models.SourceStatus(source="news:lab", kind="news", last_attempt=WHEN, last_error="HTTP 503\nagain")]),
], ids=["papers", "news", "counts", "status"])
def test_what_is_written_reads_back_equal_and_writes_again_identically(kind, records):
    text = encode(kind, records)
    read, problems = decode(kind, text.encode("utf-8"), "f")
    assert problems == []
    assert [record for _, record in read] == records
    assert encode(kind, [record for _, record in read]) == text


def test_json_lines_hold_one_record_a_line_with_keys_in_model_order():
    text = encode(PAPERS, AWKWARD)
    lines = text.splitlines()  # which also breaks at U+2028 and U+2029: they are written escaped
    assert text.endswith("\n") and len(lines) == len(AWKWARD)
    assert lines[0].startswith('{"arxiv_id":"2611.00001","version":1,"title":"Quotes \\"inside\\", a comma, and é')
    assert '"abstract":"Two\\nlines\\tand a tab"' in lines[0]  # escaped: text is never wrapped over lines


def test_counts_are_csv_rows_under_a_header_of_the_model_fields():
    text = encode(COUNTS, [models.MonthlyCount(subject="first-trend", month="2026-10", count=41, fetched=WHEN)])
    assert text == "subject,month,count,fetched\nfirst-trend,2026-10,41,2026-11-25T06:00:00Z\n"


GOOD = encode(PAPERS, [paper()]).strip()


@pytest.mark.parametrize("line, field, message", [
    (GOOD[:-20], "(line)", "not valid JSON at column"),
    (GOOD.replace('"version":1', '"version":1,"version":2'), "version", "duplicate key 'version' (column"),
    ('["a", "list"]', "(line)", "expected a JSON object with the fields of Paper"),
    (GOOD.replace('"version":1,', ""), "version", "required field is missing"),
    (GOOD.replace('"2611.01230"', '"2611.123"', 1), "arxiv_id", "'2611.123' is not an arXiv id"),
    (GOOD.replace('"version":1', '"versoin":1'), "versoin", "unknown field 'versoin'; did you mean 'version'?"),
    (GOOD.replace('"authors":["A. Author"]', '"authors":"A. Author"'), "authors", "should be a list"),
    (GOOD.replace('"url":"https://arxiv.org/abs/2611.01230"', '"url":"javascript:alert(1)"'), "url",
     "is not an http(s) URL"),
], ids=["cut-off", "duplicate-key", "not-an-object", "missing", "bad-id", "typo", "wrong-type", "script-url"])
def test_a_bad_json_line_is_located_and_the_good_ones_still_load(line, field, message):
    data = f"{GOOD}\n{line}\n{GOOD.replace('2611.01230', '2611.04567')}\n".encode()
    records, problems = decode(PAPERS, data, "trends/signals/arxiv/2026-11.jsonl")
    assert [number for number, _ in records] == [1, 3]
    assert {(p.path, p.line) for p in problems} == {("trends/signals/arxiv/2026-11.jsonl", 2)}
    assert any(p.field == field and message in p.message for p in problems), problems


@pytest.mark.parametrize("text, line, field, message", [
    ("subject,month,count\nx,2026-10,1\n", 1, "(header)", "must name the columns subject,month,count,fetched"),
    ("subject,month,count,fetched\nx,2026-10,1\n", 2, "(row)", "has 3 cells; expected 4"),
    ("subject,month,count,fetched\nx,2026-10,-1,2026-11-25T06:00:00Z\n", 2, "count", "-1 is less than the minimum, 0"),
    ("subject,month,count,fetched\nx,2026-10,1,\n", 2, "fetched", "has no value; fill it in"),
    ('subject,month,count,fetched\n"x,2026-10,1,2026-11-25T06:00:00Z\n', 2, "(row)", "not valid CSV"),
], ids=["header", "short-row", "negative", "empty-cell", "open-quote"])
def test_a_bad_csv_row_is_located(text, line, field, message):
    _, problems = decode(COUNTS, text.encode(), "counts.csv")
    assert [(p.line, p.field) for p in problems] == [(line, field)]
    assert message in problems[0].message


def test_bytes_that_are_not_utf8_are_a_problem_not_a_crash():
    _, problems = decode(COUNTS, b"subject,month,count,fetched\n\xe9,2026-10,1,2026-11-25T06:00:00Z\n", "c.csv")
    assert [(p.line, p.message) for p in problems] == [(2, "byte 0xe9 is not UTF-8")]
    _, problems = decode(PAPERS, GOOD.encode().replace(b"A paper", b"A \xe9 paper") + b"\n", "p.jsonl")
    assert [(p.line, p.field) for p in problems] == [(1, "(line)")]
