"""The radar's layout (site_hooks/radar.py), checked on estimated text boxes; the browser tests check the real ones."""

from __future__ import annotations

import random
import re
from itertools import combinations

import pytest

from site_hooks import radar

AREAS = [("gen", "Generative AI"), ("tiny", "TinyML"), ("edge", "Edge computing and federated learning"),
         ("rai", "Responsible AI"), ("auto", "AutoML")]
WORDS = ["model", "federated", "privacy", "quantization", "microcontrollers", "retrieval", "augmented",
         "generation", "auditing", "explainability", "連合学習", "Supercalifragilisticexpialidocious"]


def blips(count: int, seed: int = 0) -> list[radar.Blip]:
    """Synthetic trends with titles of one to seven words, spread unevenly over areas and rings."""
    rng = random.Random(seed)
    return [radar.Blip(" ".join(rng.choices(WORDS, k=rng.randint(1, 7))), f"trends/t{i}/",
                       rng.choice([area for area, _ in AREAS[:3]] * 3 + [area for area, _ in AREAS]),
                       rng.choice(radar.RINGS))
            for i in range(count)]


def more_url(area: str, ring: str) -> str:
    return f"explore/?area={area}&ring={ring}"


@pytest.mark.parametrize("count", [18, 60, 200])
def test_no_two_texts_overlap_and_all_fit_in_every_layout(count):
    for name, drawing in radar.drawings(AREAS, blips(count), more_url).items():
        assert drawing.width == radar.LAYOUTS[name].width
        for box in drawing.boxes:
            assert box.x >= 0 and box.x + box.width <= drawing.width and box.y + box.height <= drawing.height
        overlapping = [(a, b) for a, b in combinations(drawing.boxes, 2) if a.overlaps(b)]
        assert overlapping == [], name


@pytest.mark.parametrize("count", [18, 60, 200])
def test_every_trend_is_shown_or_counted_behind_its_cells_link(count):
    trends = blips(count)
    for layout in radar.LAYOUTS.values():
        cells = radar.cells(AREAS, trends, more_url, layout.cap)
        for (area, ring), cell in cells.items():
            members = [b for b in trends if (b.area, b.ring) == (area, ring)]
            assert cell.shown == members[:layout.cap]  # in the order given: the fastest rising first
            assert cell.more == len(members) - len(cell.shown)
            assert cell.more_url == more_url(area, ring)


def test_the_figure_links_each_shown_trend_and_each_full_cell_and_counts_them_all():
    trends = blips(60)
    figure = radar.radar(AREAS, trends, more_url)
    assert figure.count("<svg ") == len(radar.LAYOUTS)
    wide = re.search(r'<svg [^>]*data-layout="wide".*?</svg>', figure).group(0)
    cells = radar.cells(AREAS, trends, more_url, radar.LAYOUTS["wide"].cap)
    assert wide.count('xlink:href="trends/') == sum(len(cell.shown) for cell in cells.values())
    assert wide.count('xlink:href="explore/') == sum(1 for cell in cells.values() if cell.more)
    counts = [int(n) for n in re.findall(r"<td>(?:<a [^>]*>)?(\d+)", figure.split("<table", 1)[1])]
    assert sum(counts) == len(trends)


def test_titles_are_escaped():
    figure = radar.radar(AREAS, [radar.Blip("<script>alert(1)</script>", "trends/x/", "gen", "adopt")], more_url)
    assert "<script>" not in figure and "&lt;script&gt;alert(1)&lt;/script&gt;" in figure


def test_an_area_with_no_trends_says_so_on_a_phone():
    drawing = radar.drawings(AREAS, [radar.Blip("One", "trends/one/", "gen", "hold")], more_url)["narrow"]
    assert sum("No trends yet" in part for part in drawing.front) == len(AREAS) - 1
