"""Build-time SVG helpers and the sparkline (site_hooks/svg.py)."""

from __future__ import annotations

import re

import pandas as pd

from site_hooks import svg


def frame(papers: list[int]) -> pd.DataFrame:
    return pd.DataFrame({"month": [f"2026-{m:02d}" for m in range(1, len(papers) + 1)], "papers": papers})


def test_text_width_grows_with_the_text_and_counts_wide_and_bold_glyphs_wider():
    assert svg.text_width("ill", 13) < svg.text_width("mmm", 13)
    assert svg.text_width("Edge AI", 13) < svg.text_width("Edge AI", 13, bold=True)
    assert svg.text_width("連合学習", 13) > svg.text_width("abcd", 13)
    assert svg.text_width("é", 10) == svg.text_width("e\u0301", 10)  # a combining accent takes no room


def test_wrap_keeps_every_word_in_order_and_every_line_within_the_width():
    text = "Federated learning with differential privacy guarantees for hospitals"
    lines = svg.wrap(text, 120, 13)
    assert " ".join(lines) == text
    assert len(lines) > 1 and all(svg.text_width(line, 13) <= 120 for line in lines)


def test_wrap_cuts_a_word_longer_than_the_line():
    lines = svg.wrap("Supercalifragilisticexpialidocious models", 60, 13)
    assert "".join(lines[:-1]) + " " + lines[-1] == "Supercalifragilisticexpialidocious models"
    assert all(svg.text_width(line, 13) <= 60 for line in lines)


def test_sparkline_draws_one_point_per_month_from_bottom_to_top_and_says_so_in_words():
    spark = svg.sparkline(frame([0, 5, 10, 4]), "Edge <AI>", "../trends/edge/#momentum")
    points = [tuple(map(float, pair.split())) for pair in re.search(r' d="M([^"]+)"', spark).group(1).split(" L")]
    assert len(points) == 4
    ys = [y for _, y in points]
    assert ys[0] == svg.SPARK_HEIGHT - svg.SPARK_PAD and ys[2] == svg.SPARK_PAD  # zero at the bottom, peak on top
    assert 'href="../trends/edge/#momentum"' in spark
    assert ('aria-label="Edge &lt;AI&gt;: papers per month, 2026-01 to 2026-04: 0 in the first month, 4 in the '
            'last, highest 10 in 2026-03"') in spark
    assert "<AI>" not in spark


def test_no_papers_no_sparkline():
    assert svg.sparkline(frame([]), "T", "x") is None
    assert svg.sparkline(frame([0, 0, 0]), "T", "x") is None
