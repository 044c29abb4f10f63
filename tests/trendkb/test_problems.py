"""Located problems (trendkb/problems.py): the plain line and the GitHub annotation."""

from __future__ import annotations

from trendkb.problems import Problem, github_annotation


def test_plain_form_is_file_line_field_message():
    assert str(Problem("trends/a/b.yaml", 7, "ring", "'x' is wrong")) == "trends/a/b.yaml:7: ring: 'x' is wrong"


def test_annotation_escapes_what_would_end_its_fields():
    # Workflow commands end a property at ',' or '::' and the message at a line break; '%' starts an escape.
    problem = Problem("trends/a,b:c.yaml", 3, "use_cases[0].title", "50% done,\nthen: more\r")
    assert github_annotation(problem) == ("::error file=trends/a%2Cb%3Ac.yaml,line=3,title=use_cases[0].title"
                                          "::50%25 done,%0Athen: more%0D")
