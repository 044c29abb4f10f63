"""The emerging-topics evaluation: a synthetic arXiv with planted phrases, the real collect and build, the scores.

`Corpus` generates 24 months (by default) of synthetic papers in the areas'
categories, deterministically from a seed, one paper at a time when asked, so
even a full-volume month (25,000 papers) never sits in memory. Every title
starts "Synthetic paper" and every abstract says it is generated; nothing here
is real. Into the papers go, each at its own rate per month:

- EMERGING phrases, absent until the last six months and then rising;
- DECLINING phrases, common at first and fading;
- COVERED phrases, rising like the emerging ones but named by the bundled trends;
- DECOYS a detector must not list: a one-month burst (a conference season), one
  prolific group's single month, and a phrase seen in two papers last month;
- a stable background of common ML phrases, in words from a large synthetic
  vocabulary (Zipf-distributed, like real text).

`serve` answers as arXiv does on 127.0.0.1: the API (`cat:` queries limited
to a submittedDate span, paged by start and max_results, with opensearch
totals) and the daily RSS listing for any '+'-joined categories, with new,
cross-listed and replaced items. `evaluate` copies this repository's knowledge
base, runs the real `trendkb collect listings --backfill-months N` against the
server, builds the site with MkDocs, and scores `api/emerging.json`.
"""

from __future__ import annotations

import calendar
import datetime as dt
import io
import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from email.utils import format_datetime
from http.server import ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote
from xml.sax.saxutils import escape

import numpy as np

from benchmarks.collect import local_server
from collectors.base import Options
from collectors.http import HttpSettings
from collectors.run import Environment, collect
from trendkb import store
from trendkb.emerging import covering_trend, trend_terms
from trendkb.phrases import normal_phrases
from trendkb.signals import LISTING_MONTHS, LISTING_TERMS

REPO = Path(__file__).resolve().parent.parent
# (phrase, its category, peak share of all papers). The spellings vary on purpose (hyphens, plurals, capitals):
# the collector must count each as one phrase.
EMERGING = [("liquid tensor routing", "cs.LG", 0.03), ("sheaf attention", "cs.CL", 0.03),
            ("counterfactual token pruning", "cs.CL", 0.025), ("spiking diffusion prior", "cs.CV", 0.03),
            ("photonic gradient codec", "cs.AR", 0.025)]
DECLINING = [("capsule routing", "cs.CV", 0.03), ("neural architecture grafting", "cs.LG", 0.025),
             ("wavelet scattering prior", "eess.SP", 0.025)]
COVERED = [("retrieval augmented generation", "cs.CL", 0.03), ("edge inference", "cs.DC", 0.03)]
BURST = ("orbital kernel sketch", "cs.LG", 0.04)  # one month only, inside the window
GROUP = ("tessellated reward lens", "cs.LG", 40)  # one group's papers: this many, in one month
SMALL = ("quantum yodel embedding", "cs.LG", 2)  # two papers last month, never before
BACKGROUND = """
neural network; deep learning; language model; large language model; reinforcement learning; graph neural network;
image classification; object detection; semantic segmentation; transfer learning; self supervised learning;
contrastive learning; attention mechanism; transformer architecture; convolutional neural network; generative model;
variational autoencoder; diffusion model; federated learning; differential privacy; adversarial robustness;
domain adaptation; few shot learning; meta learning; knowledge distillation; model compression; quantization;
pruning; neural architecture search; hyperparameter tuning; bayesian optimization; gaussian process; time series;
anomaly detection; recommender system; question answering; machine translation; speech recognition;
sentiment analysis; named entity recognition; text classification; point cloud; depth estimation; pose estimation;
video understanding; visual question answering; image generation; text to image; data augmentation; loss function;
gradient descent; stochastic optimization; convergence analysis; sample complexity; generalization bound;
causal inference; fairness; interpretability; explainability; uncertainty estimation; calibration; active learning;
semi supervised learning; continual learning; catastrophic forgetting; multi agent system; policy gradient;
reward model; human feedback; instruction tuning; prompt engineering; chain of thought; in context learning;
retrieval; embedding space; representation learning; graph representation; node classification; link prediction;
edge device; energy efficiency; inference latency; memory footprint; hardware accelerator; sparse matrix;
signal processing; wireless network; resource allocation; scheduling policy; benchmark dataset; evaluation metric;
medical imaging; autonomous driving; robotic manipulation; protein structure; drug discovery; climate model;
"""
BACKGROUND_PHRASES = [phrase.strip() for phrase in BACKGROUND.replace("\n", " ").split(";") if phrase.strip()]
# Categories of the papers, with how often each is a primary; about a third are also cross-listed.
CATEGORIES = {"cs.LG": 0.34, "cs.CV": 0.2, "cs.CL": 0.14, "cs.AI": 0.08, "cs.CR": 0.05, "cs.DC": 0.04,
              "stat.ML": 0.04, "cs.NI": 0.03, "eess.SP": 0.03, "cs.CY": 0.02, "cs.SD": 0.015, "cs.AR": 0.015}
OUTSIDE = ["physics.med-ph", "q-bio.NC", "math.OC", "econ.EM"]  # cross-lists outside every area
RECENT = 6
VOCABULARY = 30_000
_SYLLABLES = [c + v for c in "bdfgklmnprtvz" for v in "aeiou"]
_FILLERS = ["we", "the", "of", "and", "for", "with", "in", "on", "to", "is", "a", "which", "this", "that", "by"]


def _pseudo_word(n: int) -> str:
    """A pronounceable made-up word, distinct for each n (never ending in 's', so it has no plural form)."""
    parts = []
    n += len(_SYLLABLES)  # at least two syllables
    while n:
        n, digit = divmod(n, len(_SYLLABLES))
        parts.append(_SYLLABLES[digit])
    return "".join(parts)


@dataclass(frozen=True)
class Paper:
    arxiv_id: str
    day: dt.date
    title: str
    abstract: str
    categories: tuple[str, ...]


@dataclass
class Corpus:
    """Synthetic papers for the `months` full months before `now`, `papers` a month, and today's listing."""

    now: dt.datetime
    months: int = 24
    papers: int = 600
    listing: int = 120  # new and cross-listed items in today's listing (it also has a few 'replace' items)
    seed: int = 20261125
    planted: dict[str, tuple[str, list[float]]] = field(init=False)  # phrase -> (category, share per month)

    def __post_init__(self) -> None:
        year, month = self.now.year, self.now.month
        self.month_names = []
        for _ in range(self.months):
            year, month = (year - 1, 12) if month == 1 else (year, month - 1)
            self.month_names.append(f"{year:04d}-{month:02d}")
        self.month_names.reverse()
        self.month_names.append(f"{self.now.year:04d}-{self.now.month:02d}")  # the month in progress: the listing
        n = self.months
        self.planted = {}
        for phrase, category, peak in EMERGING + COVERED:
            self.planted[phrase] = (category, [0.0] * (n - RECENT) + [peak * (k + 1) / RECENT for k in range(RECENT)]
                                    + [peak])
        for phrase, category, peak in DECLINING:
            self.planted[phrase] = (category, [peak if m < n // 2 else peak * 0.5 ** (m - n // 2 + 1)
                                               for m in range(n + 1)])
        phrase, category, peak = BURST
        self.planted[phrase] = (category, [0.005] * (n + 1))
        self.planted[phrase][1][n - 3] = peak
        self.group = (GROUP[0], GROUP[1], n - 2, GROUP[2])
        self.small = (SMALL[0], SMALL[1], n - 1, SMALL[2])
        # Zipf-Mandelbrot: the offset keeps the commonest made-up words near the share real content words have.
        weights = 1 / (np.arange(1, VOCABULARY + 1) + 30) ** 1.1
        self.word_p = weights / weights.sum()
        self.categories = list(CATEGORIES)
        self.category_p = np.array(list(CATEGORIES.values())) / sum(CATEGORIES.values())
        background = 1 / np.arange(1, len(BACKGROUND_PHRASES) + 1) ** 0.6
        self.background_p = 0.25 * background / background.max()

    # ---- papers

    def count(self, month: int) -> int:
        return self.listing if month == self.months else self.papers

    def paper(self, month: int, index: int) -> Paper:
        """Paper `index` of month `month` (0 the oldest; `months` is today's listing); the same every time."""
        rng = np.random.default_rng([self.seed, month, index])
        name = self.month_names[month]
        year, number = int(name[:4]), int(name[5:])
        days = calendar.monthrange(year, number)[1] if month < self.months else self.now.day
        day = dt.date(year, number, 1 + index * days // max(self.count(month), 1))
        primary = self.categories[rng.choice(len(self.categories), p=self.category_p)]
        categories = [primary]
        if rng.random() < 0.33:
            extra = rng.choice([*self.categories, *OUTSIDE])
            if extra != primary:
                categories.append(str(extra))
        pieces = []
        for phrase, (category, shares) in self.planted.items():
            if rng.random() < shares[month]:
                pieces.append(_variant(phrase, rng))
                if category not in categories:
                    categories.append(category)  # a paper on the topic is listed in its category
        for phrase, _, when, how_many in (self.group, self.small):
            if month == when and index < how_many * 6 and index % 6 == 0:  # one group's papers, in any category
                pieces.append(phrase)
        chosen = rng.random(len(BACKGROUND_PHRASES)) < self.background_p
        pieces += [BACKGROUND_PHRASES[i] for i in np.flatnonzero(chosen)]
        words = rng.choice(VOCABULARY, size=int(rng.integers(60, 110)), p=self.word_p)
        text, start = [], 0
        while start < len(words):
            run = int(rng.integers(1, 4))
            text.append(" ".join(_pseudo_word(int(w)) for w in words[start:start + run]))
            start += run
        sentences = [f"{_FILLERS[int(rng.integers(len(_FILLERS)))]} {chunk}" for chunk in text]
        for piece in pieces:
            sentences.insert(int(rng.integers(len(sentences) + 1)), f"the {piece} is")
        abstract = "Generated benchmark text, not a real paper: " + ", ".join(sentences) + "."
        title = f"Synthetic paper {name}-{index}: " + (pieces[0] if pieces else _pseudo_word(int(words[0])))
        return Paper(f"{year % 100:02d}{number:02d}.{index + 1:05d}", day, title, abstract, tuple(categories))

    def span(self, first: dt.date, last: dt.date) -> tuple[int, int, int]:
        """(month, first index, end index) of the papers submitted from `first` to `last` (within one month)."""
        name = f"{first.year:04d}-{first.month:02d}"
        if name not in self.month_names[:-1] or (last.year, last.month) != (first.year, first.month):
            return 0, 0, 0
        month = self.month_names.index(name)
        days = calendar.monthrange(first.year, first.month)[1]
        indices = [i for i in range(self.papers) if first.day <= 1 + i * days // self.papers <= last.day]
        return (month, indices[0], indices[-1] + 1) if indices else (month, 0, 0)

    # ---- what the detector should find

    def expected(self) -> dict[str, list[str]]:
        """The planted phrases in the collector's word forms."""
        def form(phrases):
            return [normal_phrases(phrase)[0] for phrase, *_ in phrases]
        return {"emerging": form(EMERGING), "declining": form(DECLINING), "covered": form(COVERED),
                "decoys": form([BURST, GROUP, SMALL])}


def _variant(phrase: str, rng: np.random.Generator) -> str:
    """The phrase as an author might write it: hyphenated, plural, capitalised, or in British spelling."""
    words = phrase.split()
    roll = rng.random()
    if roll < 0.2 and len(words) > 1:
        words[0] = f"{words[0]}-{words[1]}"
        del words[1]
    elif roll < 0.4:
        words[-1] += "es" if words[-1].endswith(("x", "ch", "sh")) else "s"
    elif roll < 0.5:
        words = [word.title() for word in words]
    return " ".join(words)


# ---------------------------------------------------------------- the server

_ATOM_HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" '
              'xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom">\n'
              "<title>Synthetic arXiv answer</title><id>http://arxiv.org/api/synthetic</id><updated>{now}</updated>\n"
              "<opensearch:totalResults>{total}</opensearch:totalResults>\n"
              "<opensearch:startIndex>{start}</opensearch:startIndex>\n"
              "<opensearch:itemsPerPage>{size}</opensearch:itemsPerPage>\n")
_SPAN = re.compile(r"submittedDate:\[(\d{8})\d{4} TO (\d{8})\d{4}\]")


def api_answer(corpus: Corpus, params: dict[str, str], categories: set[str]) -> tuple[int, bytes]:
    query = params.get("search_query", "")
    asked = set(re.findall(r"cat:(\S+?)(?:\)|\s|$)", query))
    span = _SPAN.search(query)
    if asked != categories or span is None:
        return 400, b"this synthetic arXiv answers the listings' month queries only"
    first, last = (dt.datetime.strptime(value, "%Y%m%d").date() for value in span.groups())
    month, begin, end = corpus.span(first, last)
    start, size = int(params.get("start", "0")), int(params.get("max_results", "10"))
    chosen = range(begin + start, min(end, begin + start + size))
    now = corpus.now.strftime("%Y-%m-%dT%H:%M:%SZ")
    head = _ATOM_HEAD.format(now=now, total=end - begin, start=start, size=len(chosen))
    return 200, (head + "".join(_entry(corpus.paper(month, i)) for i in chosen) + "</feed>\n").encode()


def _entry(paper: Paper) -> str:
    stamp = f"{paper.day}T12:00:00Z"
    categories = "".join(f'<category term="{c}" scheme="http://arxiv.org/schemas/atom"/>' for c in paper.categories)
    return (f"<entry><id>http://arxiv.org/abs/{paper.arxiv_id}v1</id><updated>{stamp}</updated>"
            f"<published>{stamp}</published><title>{escape(paper.title)}</title>"
            f"<summary>{escape(paper.abstract)}</summary><author><name>Synthetic Author</name></author>"
            f'<arxiv:primary_category term="{paper.categories[0]}" scheme="http://arxiv.org/schemas/atom"/>'
            f"{categories}</entry>\n")


def listing_answer(corpus: Corpus, categories: set[str]) -> bytes:
    """Today's listing for these categories: new and cross-listed items, and 'replace' items of older papers."""
    month = corpus.months
    items = []
    for index in range(corpus.listing):
        paper = corpus.paper(month, index)
        if categories & set(paper.categories):
            kind = "new" if paper.categories[0] in categories else "cross"
            items.append(_item(paper, kind))
    for index in range(0, 40, 4):  # older papers with a new version: listed, but not counted again
        paper = corpus.paper(month - 1, index)
        if categories & set(paper.categories):
            items.append(_item(paper, "replace"))
    day = format_datetime(dt.datetime.combine(corpus.now.date(), dt.time(), dt.timezone(dt.timedelta(hours=-5))))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:arxiv="http://arxiv.org/schemas/atom">'
            f"<channel><title>Synthetic listing</title><link>https://example.org/synthetic</link>"
            f"<description>Generated benchmark data</description><pubDate>{day}</pubDate>\n"
            + "".join(items) + "</channel></rss>\n").encode()


def _item(paper: Paper, kind: str) -> str:
    categories = "".join(f"<category>{c}</category>" for c in paper.categories)
    return (f"<item><title>{escape(paper.title)}</title><link>https://arxiv.org/abs/{paper.arxiv_id}</link>"
            f"<description>{escape(f'arXiv:{paper.arxiv_id}v1 Announce Type: {kind} ')}\n"
            f"{escape('Abstract: ' + paper.abstract)}</description>"
            f'<guid isPermaLink="false">oai:arXiv.org:{paper.arxiv_id}v1</guid>{categories}'
            f"<arxiv:announce_type>{kind}</arxiv:announce_type></item>\n")


def serve(corpus: Corpus, categories: set[str]) -> tuple[ThreadingHTTPServer, str]:
    """The synthetic arXiv on an ephemeral port of 127.0.0.1; returns the server and its base URL."""
    def answer(path: str, params: dict[str, str]) -> tuple[int, str, bytes]:
        if path == "/api/query":
            status, body = api_answer(corpus, params, categories)
            return status, "application/atom+xml", body
        if path.startswith("/rss/"):
            return 200, "application/rss+xml", listing_answer(corpus, set(unquote(path[5:]).split("+")))
        return 404, "text/plain", b"not found"

    server = local_server(answer)
    return server, f"http://127.0.0.1:{server.server_port}"


# ---------------------------------------------------------------- the run


def repository_copy(work: Path) -> Path:
    """This repository's knowledge base, pages and MkDocs config in `work` (the checkout is never written)."""
    root = work / "repo"
    shutil.copytree(REPO / "content", root / "content")
    shutil.copytree(REPO / store.TRENDS_DIR, root / store.TRENDS_DIR)
    shutil.rmtree(store.signals_dir(root), ignore_errors=True)
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    (root / "mkdocs.yml").write_text(config.replace("  - site_hooks/hooks.py",
                                                    f"  - {REPO / 'site_hooks' / 'hooks.py'}"), encoding="utf-8")
    return root


def score(topics: list[dict], covered: list[dict], expected: dict[str, list[str]], top: int = 10) -> dict:
    """Precision and recall of the planted emerging phrases among the first `top` topics, and what else came."""
    shown = [topic["term"] for topic in topics[:top]]
    listed = {topic["term"] for topic in topics}
    found = [phrase for phrase in expected["emerging"] if phrase in shown]
    return {
        "top": shown,
        "found": found,
        "recall": len(found) / len(expected["emerging"]),
        "precision": len(found) / len(shown) if shown else 0.0,
        "declining_listed": sorted(listed & set(expected["declining"])),
        "decoys_listed": sorted(listed & set(expected["decoys"])),
        "covered_listed_unmarked": sorted(listed & set(expected["covered"])),
        "covered_marked": sorted({c["term"] for c in covered} & set(expected["covered"])),
    }


def evaluate(work: Path, corpus: Corpus, env: Environment | None = None, http: HttpSettings | None = None,
             page_size: int = 2000) -> dict:
    """Collect the corpus through the real collector, build the site, and score the Emerging export."""
    root = repository_copy(work)
    kb = store.load(root)
    for phrase, *_ in COVERED:
        if covering_trend(normal_phrases(phrase)[0], {t.id: trend_terms(t) for t in kb.trends}) is None:
            raise RuntimeError(f"no bundled trend covers the planted phrase {phrase!r}; choose another")
    categories = {c for area in kb.areas for c in area.arxiv_categories}
    server, base = serve(corpus, categories)
    env = env or Environment(out=io.StringIO(), err=io.StringIO(), tty=False, now=lambda: corpus.now)
    options = Options(backfill_months=corpus.months, arxiv_url=f"{base}/api/query", listing_url=f"{base}/rss/",
                      listing_page_size=page_size,
                      http=http or HttpSettings(min_interval=0.0, backoff=0.1, tries=2, max_bytes=80_000_000))
    try:
        started = time.perf_counter()
        outcome = collect(root, "listings", options, env)
        collect_s = time.perf_counter() - started
    finally:
        server.shutdown()
        server.server_close()
    if outcome.exit_code != 0:
        raise RuntimeError("collect listings failed: " + "; ".join(row.error or "" for row in outcome.rows))
    signals = store.load(root).signals
    folder = store.signals_dir(root)
    months = [m for m in signals.records(LISTING_MONTHS) if m.source == "api"]
    # Whole months only: the month in progress holds a day's listing.
    read = {m.month for m in months}
    month_bytes = [(folder / name).stat().st_size for name in signals.files(LISTING_TERMS)
                   if any(month in name for month in read)]
    site = work / "site"
    started = time.perf_counter()
    build = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(root / "mkdocs.yml"),
                            "-d", str(site)], cwd=root, capture_output=True, text=True, check=False,
                           env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    build_s = time.perf_counter() - started
    if build.returncode != 0:
        raise RuntimeError(f"mkdocs build failed: {build.stderr[-2000:]}")
    export = json.loads((site / "api" / "emerging.json").read_text(encoding="utf-8"))
    return {
        "root": str(root), "site": str(site), "requests": len(outcome.requests),
        "papers_per_month": corpus.papers, "months": corpus.months,
        "collect_s": round(collect_s, 2), "build_s": round(build_s, 2),
        "bytes_per_month": round(sum(month_bytes) / max(len(month_bytes), 1)),
        "bytes_per_month_max": max(month_bytes, default=0),
        "phrases_stored": signals.count(LISTING_TERMS),
        "two_years_mb": round(sum(month_bytes) / max(len(month_bytes), 1) * 24 / 1e6, 2),
        "area_papers_per_month": round(sum(m.papers for m in months) / max(len(months), 1)),
        **score(export["topics"], export.get("covered", []), corpus.expected()),
    }


def now_utc() -> dt.datetime:
    """Today at noon, UTC: the listing is today's, and the site build sees the same month."""
    today = dt.datetime.now(dt.UTC).date()
    return dt.datetime.combine(today, dt.time(12), dt.UTC)


def bench(work: Path, tiny: bool = False) -> dict:
    """`make bench`'s figures: the evaluation at a larger size, and one month at arXiv's volume for the bytes."""
    months, papers, real = (14, 150, 1_000) if tiny else (24, 5_000, 25_000)
    run = evaluate(work / "listings", Corpus(now_utc(), months=months, papers=papers))
    full = evaluate(work / "listings-full", Corpus(now_utc(), months=1, papers=real))
    keep = ("months", "papers_per_month", "collect_s", "build_s", "bytes_per_month", "phrases_stored", "recall",
            "precision", "found", "declining_listed", "decoys_listed")
    return {**{key: run[key] for key in keep}, "collect_s_per_month": round(run["collect_s"] / months, 2),
            "full_volume": {"papers_per_month": real, "bytes_per_month": full["bytes_per_month"],
                            "collect_s": full["collect_s"], "two_years_mb": full["two_years_mb"]}}


def main(argv: list[str] | None = None) -> int:
    import argparse
    import tempfile

    parser = argparse.ArgumentParser(prog="python -m benchmarks.listings", description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=600, help="papers a month (default 600)")
    parser.add_argument("--months", type=int, default=24)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="trendkb-listings-") as work:
        result = evaluate(Path(work), Corpus(now_utc(), months=args.months, papers=args.papers))
    print(json.dumps({k: v for k, v in result.items() if k not in ("root", "site")}, indent=2))
    return 0 if result["recall"] >= 0.8 and not result["declining_listed"] else 1


if __name__ == "__main__":
    sys.exit(main())
