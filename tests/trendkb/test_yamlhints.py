"""YAML syntax errors explained (trendkb/yamlhints.py), through the strict reader that raises them."""

from __future__ import annotations

import pytest

from trendkb.yamlio import YamlProblem, parse_yaml


def problem_of(text: str) -> str:
    with pytest.raises(YamlProblem) as caught:
        parse_yaml(text, "f.yaml")
    return str(caught.value.problem)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "id: x\ntitle: Jamba: A Hybrid Transformer-Mamba\n",
            "f.yaml:2: (yaml): YAML syntax error at column 13: mapping values are not allowed in this context; "
            "the value of 'title' contains ': '; quote the whole value: title: 'Jamba: A Hybrid Transformer-Mamba'",
            id="colon in a value"),
        pytest.param(
            "use_cases:\n- title: It's: here\n",
            "f.yaml:2: (yaml): YAML syntax error at column 14: mapping values are not allowed in this context; "
            "the value of 'title' contains ': '; quote the whole value: - title: 'It''s: here'",
            id="colon in a list item, with a quote to double"),
        pytest.param(
            "id: x\ntitle: y\n  summary: z\n",
            "f.yaml:3: (yaml): YAML syntax error at column 10: mapping values are not allowed in this context; "
            "this line is indented more than 'title' on line 2, which already has a value",
            id="key indented too far"),
        pytest.param(
            "evidence:\n  arxiv_query: q\n news_keywords:\n  - a\n",
            "f.yaml:3: (yaml): YAML syntax error at column 2: did not find expected key; this line is indented "
            "1 space(s), which lines up with no key above it (they start at 0 or 2 spaces)",
            id="key indented between two levels"),
        pytest.param(
            "id: x\n\ttitle: y\n",
            "f.yaml:2: (yaml): YAML syntax error at column 1: a tab character; indent YAML with spaces, never tabs",
            id="tab"),
        pytest.param(
            "id: x\ntitle: 'abc\nsummary: y\n",
            "f.yaml:2: (yaml): YAML syntax error at column 8: this quote is never closed",
            id="quote left open: the line where it opens"),
        pytest.param(
            "summary: 'a' b\n",
            "f.yaml:1: (yaml): YAML syntax error at column 14: did not find expected key; a value that starts "
            "with a quote must end with it",
            id="text after a closing quote"),
        pytest.param(
            "id:x\ntitle: y\n",
            "f.yaml:2: (yaml): YAML syntax error at column 6: mapping values are not allowed in this context; "
            "line 1 has a colon without a space after it",
            id="no space after a colon"),
        pytest.param(
            "tags:\n-a\n-b\nid: x\n",
            "f.yaml:2: (yaml): YAML syntax error at column 1: could not find expected ':'; this line is not "
            "'key: value': a list item needs '- ' with a space",
            id="list item without a space"),
        pytest.param(
            "description: |\n  line one\nline two\nid: x\n",
            "f.yaml:3: (yaml): YAML syntax error at column 1: could not find expected ':'",
            id="text block line not indented"),
        pytest.param(
            "tags: [a, b\nsummary: y\n",
            "f.yaml:2: (yaml): YAML syntax error at column 8: did not find expected ',' or ']'; the bracket "
            "opened on line 1, column 7 is not closed",
            id="bracket left open"),
    ],
)
def test_syntax_error_names_line_column_and_likely_cause(text, expected):
    assert problem_of(text).startswith(expected)


def test_a_value_with_a_colon_followed_by_a_space_in_quotes_is_fine():
    assert parse_yaml("title: 'Jamba: A Hybrid'\nnote: a:b\n", "f.yaml").data == {
        "title": "Jamba: A Hybrid", "note": "a:b"}
