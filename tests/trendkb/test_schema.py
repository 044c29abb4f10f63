"""trends/schema.json (trendkb/schema.py) as editors and check-jsonschema use it.

It must accept every bundled record, and reject every mistake of the broken-record
corpus that one file shows, except the few JSON Schema cannot express (listed, with why).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import DATA, REPO
from tests.trendkb.test_bad_input import BROKEN, EXPECTED
from trendkb.schema import schema_text

# Corpus cases the schema cannot catch, and why; `trendkb validate` catches them all.
BEYOND_THE_SCHEMA = {
    "alpha/area-mismatch.yaml": "the folder the file is in",
    "alpha/id-mismatch.yaml": "the file name",
    "alpha/dangling-related.yaml": "the other trend files",
    "alpha/related-typo.yaml": "the other trend files",
    "alpha/missing-notebook.yaml": "the files in content/examples/",
    "beta/first-trend.yaml": "the other trend files",
    "gamma/stray.yaml": "the folder the file is in",
    "alpha/future-date.yaml": "today's date",
    "alpha/history-order.yaml": "comparing two values of the file",
    "alpha/history-ring-mismatch.yaml": "comparing two values of the file",
    "alpha/updated-before-created.yaml": "comparing two values of the file",
    "alpha/arxiv-id-mismatch.yaml": "comparing two values of the file",
    "alpha/anchor-alias.yaml": "how the YAML is written, not what it holds",
    "alpha/not-canonical.yaml": "how the YAML is written, not what it holds",
    "alpha/alias-bomb.yaml": "how the YAML is written (and a reader that expands it runs out of memory)",
    "alpha/package-twice.yaml": "one package written two ways (PyPI reads names without case, and - _ . alike)",
    "top-level.yaml": "where the file is",
    "alpha/nested/in-a-sub-folder.yaml": "where the file is",
}


def check(schema: Path, files: list[Path]) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "-o", "json", "--schemafile", str(schema), *map(str, files)],
        capture_output=True, text=True, check=False,
    )
    return json.loads(result.stdout)


def test_the_committed_schema_accepts_every_bundled_record():
    records = sorted((REPO / "trends").glob("*/*.yaml"))
    records = [path for path in records if path.parent.name != "signals"]
    assert len(records) >= 18
    report = check(REPO / "trends" / "schema.json", records)
    assert report["status"] == "ok", report


def test_the_schema_rejects_every_single_file_mistake_it_can_express(tmp_path):
    schema = tmp_path / "schema.json"
    schema.write_text(schema_text(["alpha", "beta"]))
    assert check(schema, sorted((DATA / "kb" / "trends").glob("*/*.yaml")))["status"] == "ok"

    cases = [case for case in EXPECTED if case.endswith(".yaml") and case not in BEYOND_THE_SCHEMA]
    report = check(schema, [BROKEN / case for case in cases])
    rejected = {Path(error["filename"]).relative_to(BROKEN).as_posix()
                for error in report["errors"] + report["parse_errors"]}
    assert rejected == set(cases)
    assert len(cases) >= 25


def test_the_exceptions_name_real_corpus_cases():
    assert set(BEYOND_THE_SCHEMA) <= set(EXPECTED)
