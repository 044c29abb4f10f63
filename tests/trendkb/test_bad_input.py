"""The broken-record corpus under tests/data/broken/: every file fails with a located message.

Each case is copied into a fresh copy of the fixture knowledge base at the same
folder it has in the corpus, then `trendkb validate` runs on the whole tree.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import DATA, TODAY, snapshot
from trendkb.cli import main

BROKEN = DATA / "broken"

# corpus file -> (line, field, start of the message)
EXPECTED = {
    "alpha/syntax-error.yaml": (6, "(yaml)", "YAML syntax error at column 8: did not find expected ',' or ']'; "
                                             "the bracket opened on line 5, column 7 is not closed"),
    "alpha/tab-indent.yaml": (15, "(yaml)", "YAML syntax error at column 1: a tab character; indent YAML with spaces"),
    "alpha/unquoted-colon.yaml": (3, "(yaml)", "YAML syntax error at column 13: mapping values are not allowed in this "
                                               "context; the value of 'title' contains ': '; quote the whole value: "
                                               "title: 'Jamba: A Hybrid Transformer-Mamba Language Model'"),
    "alpha/bad-indentation.yaml": (7, "(yaml)", "YAML syntax error at column 10: mapping values are not allowed in "
                                                "this context; this line is indented 2 space(s), which lines up with "
                                                "no key above it"),
    "alpha/duplicate-key.yaml": (12, "summary", "duplicate key 'summary' (first at line 7)"),
    "alpha/anchor-alias.yaml": (17, "ring", "anchors and aliases"),
    "alpha/alias-bomb.yaml": (3, "a", "anchors and aliases"),
    "alpha/python-tag.yaml": (7, "summary", "YAML tags like 'tag:yaml.org,2002:python/object/apply:os.system'"),
    "alpha/tags-not-list.yaml": (5, "tags", "should be a list"),
    "alpha/evidence-not-mapping.yaml": (25, "evidence", "should be a mapping of fields"),
    "alpha/unknown-field.yaml": (12, "why_it_matter", "unknown field 'why_it_matter'; did you mean 'why_it_matters'?"),
    "alpha/missing-field.yaml": (2, "why_it_matters", "required field is missing"),
    "alpha/bad-ring.yaml": (17, "ring", "'adopted' is not one of adopt, trial, assess, hold; did you mean 'adopt'?"),
    "alpha/bad-date.yaml": (45, "created", "'2024-13-45' is not a date; write it as YYYY-MM-DD"),
    "alpha/future-date.yaml": (46, "updated", "2999-01-01 is in the future"),
    "alpha/history-order.yaml": (22, "ring_history[1].date", "2023-03-01 is not after 2024-01-10"),
    "alpha/history-ring-mismatch.yaml": (17, "ring", "'adopt' differs from the last ring_history entry ('trial')"),
    "alpha/ftp-url.yaml": (31, "evidence.references[0].url", "'ftp://arxiv.org/abs/1706.03762' is not an http(s) URL"),
    "alpha/javascript-url.yaml": (40, "examples[1].url", "'javascript:alert(document.cookie)' is not an http(s) URL"),
    "alpha/data-url.yaml": (40, "examples[1].url", "'data:text/html,<script>alert(1)</script>' is not an http(s)"),
    "alpha/area-mismatch.yaml": (4, "area", "'beta' does not match the folder 'alpha'"),
    "alpha/id-mismatch.yaml": (2, "id", "'some-other-id' does not match the file name"),
    "alpha/dangling-related.yaml": (42, "related[0]", "no trend has the id 'no-such-trend'"),
    "alpha/related-typo.yaml": (42, "related[0]", "no trend has the id 'second-trnd'; did you mean 'second-trend'?"),
    "alpha/unknown-area.yaml": (4, "area", "'alpah' is not an area in trends/areas.yaml; did you mean 'alpha', "
                                           "the folder the file is in?"),
    "alpha/missing-notebook.yaml": (37, "examples[0].notebook", "content/examples/missing.ipynb does not exist"),
    "alpha/tag-not-slug.yaml": (6, "tags[0]", "'Not A Slug' is not a slug"),
    "alpha/example-both-targets.yaml": (35, "examples[0]", "give exactly one of 'notebook' or 'url'"),
    "alpha/top-level-list.yaml": (2, "(top level)", "expected a mapping of Trend fields, found a list"),
    "alpha/empty-summary.yaml": (7, "summary", "is empty"),
    "alpha/null-value.yaml": (12, "why_it_matters", "has no value"),
    "alpha/two-documents.yaml": (47, "(file)", "only one YAML document per file"),
    "alpha/updated-before-created.yaml": (46, "updated", "2023-03-01 is before created (2024-01-10)"),
    "alpha/bad-arxiv-id.yaml": (33, "evidence.references[0].arxiv_id", "'1706.376' is not an arXiv id"),
    "alpha/empty.yaml": (1, "(file)", "the file is empty"),
    "alpha/non-utf8.yaml": (9, "(file)", "byte 0xe9 is not UTF-8"),
    "beta/first-trend.yaml": (2, "id", "'first-trend' is already used by trends/alpha/first-trend.yaml"),
    "gamma/stray.yaml": (4, "area", "the folder 'gamma' is not an area in trends/areas.yaml"),
    # Nothing under trends/ is skipped: a record that is not read as one is named.
    "alpha/wrong-extension.yml": (1, "(file)", "not read as a trend: rename it to trends/alpha/wrong-extension.yaml"),
    "alpha/nested/in-a-sub-folder.yaml": (1, "(file)", "not read as a trend: trends are not read from sub-folders; "
                                                       "move it to trends/alpha/in-a-sub-folder.yaml"),
    "alpha/notes.txt": (1, "(file)", "not a trend record: each trend is one trends/<area>/<id>.yaml file"),
    "top-level.yaml": (1, "(file)", "trends/ holds only areas.yaml, feeds.yaml, schema.json, signals/ and one "
                                    "folder per area"),
    # Rules that once lived only in tests/test_content.py.
    "alpha/placeholder-left.yaml": (12, "why_it_matters", "still holds the scaffold's placeholder 'TODO: why a "
                                                          "business should care, in plain words.'"),
    "alpha/arxiv-link-without-id.yaml": (30, "evidence.references[0].arxiv_id", "is missing: the url links arXiv "
                                                                                "paper 1706.03762; add arxiv_id"),
    "alpha/arxiv-version-suffix.yaml": (31, "evidence.references[0].url", "links version v7 of the paper; link "
                                                                          "https://arxiv.org/abs/1706.03762"),
    "alpha/arxiv-id-mismatch.yaml": (33, "evidence.references[0].arxiv_id", "'1810.04805' differs from the paper "
                                                                            "the url links (1706.03762)"),
    "alpha/arxiv-id-elsewhere.yaml": (33, "evidence.references[0].arxiv_id", "is set but the url does not link "
                                                                             "arXiv"),
    "alpha/no-paper.yaml": (29, "evidence.references", "cite at least one paper (kind: paper)"),
    "alpha/not-canonical.yaml": (1, "(layout)", "not in the canonical layout (field order, quoting, line breaks, "
                                                "schema line); run 'trendkb fmt trends/alpha/not-canonical.yaml'"),
    "alpha/bad-owner.yaml": (44, "owners[0]", "'trendkb maintainers' is not a GitHub user or team, like '@octocat'"),
    # Adoption evidence: names are checked before any collector could send them anywhere.
    "alpha/bad-package.yaml": (36, "evidence.packages[1]", "'opacus; rm -rf /' is not a PyPI project name"),
    "alpha/bad-repo.yaml": (35, "evidence.repos[0]", "'https://github.com/optuna/optuna' is not a GitHub repository "
                                                     "written owner/name, like 'optuna/optuna'"),
    "alpha/package-twice.yaml": (34, "evidence.packages", "'open-clip-torch' names the same package as "
                                                          "'Open_Clip_Torch'; list each package once"),
}


def test_every_corpus_file_has_an_expectation():
    on_disk = {p.relative_to(BROKEN).as_posix() for p in BROKEN.rglob("*") if p.is_file()}
    assert on_disk == set(EXPECTED)
    assert len(on_disk) >= 25


def run_validate(root: Path, capsys) -> tuple[int, list[str], str]:
    code = main(["--root", str(root), "validate"], today=lambda: TODAY)
    out, err = capsys.readouterr()
    return code, out.splitlines(), err


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_broken_record_is_reported_at_its_line_and_field(case, kb_root, capsys):
    target = kb_root / "trends" / case
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(BROKEN / case, target)
    before = snapshot(kb_root)

    code, lines, err = run_validate(kb_root, capsys)

    line, field, message = EXPECTED[case]
    assert code == 1
    assert f"trends/{case}:{line}: {field}: {message}" in "\n".join(lines)
    assert all(entry.startswith(f"trends/{case}:") for entry in lines), lines
    assert "Traceback" not in err
    assert snapshot(kb_root) == before


def test_five_megabyte_file_is_refused(kb_root, capsys):
    (kb_root / "trends" / "alpha" / "huge.yaml").write_text("summary: " + "x" * 5_000_000 + "\n")
    code, lines, _ = run_validate(kb_root, capsys)
    assert code == 1
    assert lines == ["trends/alpha/huge.yaml:1: (file): the file is 5.0 MB; files here are limited to 1.0 MB"]


def test_all_problems_of_all_files_come_in_one_sorted_run(kb_root, capsys):
    for case in ("alpha/bad-ring.yaml", "alpha/dangling-related.yaml", "alpha/empty.yaml"):
        shutil.copy(BROKEN / case, kb_root / "trends" / case)
    code, lines, err = run_validate(kb_root, capsys)
    assert code == 1
    assert [line.split(":")[0] for line in lines] == [
        "trends/alpha/bad-ring.yaml", "trends/alpha/dangling-related.yaml", "trends/alpha/empty.yaml",
    ]
    assert "3 problems in 3 files" in err
