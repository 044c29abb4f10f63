"""Write a synthetic knowledge base of a given size, for the benchmarks.

    python -m benchmarks.generate [--out DIR] [--trends 500] [--papers 100000] ...

The result is shaped like this repository: `mkdocs.yml` (the real one, with
its hook pointing at this checkout's site_hooks/hooks.py by absolute path),
`content/` copied from the repository (without the example notebooks), and
`trends/` with areas, feeds, one file per trend and the collectors' signal
files (written by the signal store). `trendkb validate --root DIR` accepts it
and `mkdocs build -f DIR/mkdocs.yml` builds it.

Every record says it is synthetic: titles are "Synthetic trend 0042",
"Synthetic paper ...", and every free text opens with "Generated benchmark
data". Nothing here is real and nothing is fetched.

People's records are written as plain dicts through the store's own YAML
dumper; collected signals are models put into the signal store and saved by
it, so the files are exactly what the collectors write. Month files are
independent, so they are written by a process pool.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from trendkb import models, store
from trendkb.momentum import baseline_subject
from trendkb.signals import (
    COUNT_QUERIES,
    COUNTS,
    DOWNLOADS,
    NEWS,
    PAPERS,
    REPO_SNAPSHOTS,
    STATUS,
    WATERMARKS,
    Kind,
    SignalStore,
)
from trendkb.yamlio import dump_yaml, write_atomic

REPO = Path(__file__).resolve().parent.parent
NOTICE = "Generated benchmark data, not a real"
WORD_TEXT = ("model data learning network training inference edge device privacy federated quantization sparse "
         "attention token latency memory energy benchmark robust fair audit compiler kernel accelerator "
         "diffusion transformer retrieval agent graph tabular search pruning distillation calibration "
         "uncertainty drift monitoring pipeline deployment sensor microcontroller vision speech language "
         "multimodal synthetic evaluation dataset governance regulation explanation causal ensemble")
WORDS = WORD_TEXT.split()
CATEGORIES = ["cs.LG", "cs.CL", "cs.CV", "cs.AI", "stat.ML", "cs.DC", "cs.CR", "eess.SP", "cs.AR", "cs.NI"]
RINGS = ["adopt", "trial", "assess", "hold"]
TAG_POOL = 200  # distinct tags across the knowledge base, as a growing real one would have


@dataclass(frozen=True)
class Size:
    """How big a knowledge base to write; the defaults are the benchmark's "large" one."""

    areas: int = 5
    trends: int = 500
    papers: int = 100_000
    news: int = 20_000
    months: int = 36
    feeds: int = 10


def _words(rng: random.Random, count: int) -> str:
    return " ".join(rng.choices(WORDS, k=count))


def _months(today: dt.date, count: int) -> list[str]:
    """`count` months ending with the current one, oldest first."""
    last = today.year * 12 + today.month - 1
    return [f"{m // 12:04d}-{m % 12 + 1:02d}" for m in range(last - count + 1, last + 1)]


def _month_days(month: str, today: dt.date) -> tuple[dt.date, dt.date]:
    start = dt.date(int(month[:4]), int(month[5:]), 1)
    end = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return start, min(end, today)


def _spread(total: int, months: int) -> list[int]:
    """`total` split over the months, growing over time like arXiv, summing exactly to `total`."""
    weights = [1 + i / max(months, 1) for i in range(months)]
    shares = [int(total * w / sum(weights)) for w in weights]
    shares[-1] += total - sum(shares)
    return shares


# ---------------------------------------------------------------- people's records


def _area(index: int) -> dict:
    return {
        "id": f"synthetic-area-{index + 1}",
        "title": f"Synthetic area {index + 1}",
        "summary": f"{NOTICE} area. Synthetic area {index + 1} groups generated trends for the benchmarks.",
        "arxiv_categories": [CATEGORIES[(index + k) % len(CATEGORIES)] for k in range(3)],
    }


def _trend(rng: random.Random, index: int, area: str, ids: list[str], notebooks: list[str],
           today: dt.date, first_day: dt.date) -> dict:
    number = f"{index:04d}"
    created = first_day + dt.timedelta(days=rng.randrange(max((today - first_day).days - 30, 1)))
    span = (today - created).days + 1  # ring decisions fall on distinct days from created to today
    history_days = sorted(rng.sample(range(span), min(rng.randint(1, 4), span)))
    history = [{"date": (created + dt.timedelta(days=d)).isoformat(), "ring": rng.choice(RINGS),
                "reason": f"{NOTICE} decision: {_words(rng, 10)}."} for d in history_days]
    examples = []
    for k in range(rng.randint(0, 2)):
        example = {"title": f"Synthetic example {number}-{k + 1}", "shows": f"{NOTICE} example: {_words(rng, 12)}."}
        if notebooks and rng.random() < 0.3:
            example["notebook"] = rng.choice(notebooks)
        else:
            example["url"] = f"https://example.org/synthetic/examples/{number}-{k + 1}"
        examples.append(example)
    references = [{"title": f"Synthetic reference {number}-{k + 1}: {_words(rng, 5)}",
                   "url": f"https://arxiv.org/abs/2401.{index * 10 + k:05d}", "kind": "paper",
                   "arxiv_id": f"2401.{index * 10 + k:05d}"} for k in range(rng.randint(2, 4))]
    references += [{"title": f"Synthetic repository {number}", "url": f"https://example.org/synthetic/repo/{number}",
                    "kind": "repo"}]
    # Adoption evidence for most trends; the names say they are made up. Empty lists are left out, as `fmt` does.
    adoption = {"packages": [f"synthetic-package-{number}-{k + 1}" for k in range(rng.choice((0, 1, 1, 2)))],
                "repos": [f"synthetic-org/synthetic-repo-{number}"] if rng.random() < 0.6 else []}
    paragraphs = [f"{NOTICE} trend. " + ". ".join(_words(rng, 14).capitalize() for _ in range(5)) + "."
                  for _ in range(3)]
    return {
        "id": ids[index],
        "title": f"Synthetic trend {number}: {_words(rng, 3)}",
        "area": area,
        "tags": sorted({f"synthetic-tag-{rng.randrange(TAG_POOL):03d}" for _ in range(rng.randint(2, 5))}),
        "summary": f"{NOTICE} trend: synthetic trend {number} about {_words(rng, 8)}.",
        "description": "\n\n".join(paragraphs),
        "why_it_matters": f"{NOTICE} business case. " + _words(rng, 40) + ".",
        "use_cases": [{"title": f"Synthetic use case {k + 1}", "sector": f"Synthetic sector {rng.randrange(12)}",
                       "description": f"{NOTICE} use case: {_words(rng, 30)}."} for k in range(rng.randint(2, 4))],
        "ring": history[-1]["ring"],
        "ring_history": history,
        "evidence": {
            "arxiv_query": f'abs:"synthetic trend {number}"',
            "news_keywords": [f"synthetic keyword {number}", _words(rng, 2)],
            "references": references,
            **{field: names for field, names in adoption.items() if names},
        },
        "examples": examples,
        "related": sorted(rng.sample([i for i in ids if i != ids[index]], min(3, len(ids) - 1))),
        "owners": [f"@synthetic-owner-{rng.randrange(20)}"],
        "created": created.isoformat(),
        "updated": (created + dt.timedelta(days=history_days[-1])).isoformat(),
    }


# ---------------------------------------------------------------- the collectors' records


def _save(folder: Path, kind: Kind, records: list) -> None:
    signals = SignalStore(folder, kinds=[kind])
    for record in records:
        signals.put(kind, record)
    signals.save()


def _papers_file(job: tuple) -> None:
    """One month of papers (run in a worker process; everything it needs is in `job`)."""
    folder, month, count, trend_ids, cum_weights, today, seed = job
    rng = random.Random(f"{seed}-papers-{month}")
    first, last = _month_days(month, today)
    prefix = month[2:4] + month[5:7]
    papers = []
    for n in range(count):
        published = first + dt.timedelta(days=rng.randrange((last - first).days + 1))
        updated = min(published + dt.timedelta(days=rng.choice((0, 0, 0, 3, 12))), today)
        arxiv_id = f"{prefix}.{n + 1:05d}"
        trends = sorted(set(rng.choices(trend_ids, cum_weights=cum_weights, k=1 if rng.random() < 0.8 else 2)))
        authors = rng.randint(1, 9)
        papers.append(models.Paper(
            arxiv_id=arxiv_id, version=1 if updated == published else 2,
            title=f"Synthetic paper {arxiv_id}: {_words(rng, 8)}",
            authors=[f"Synthetic Author {rng.randrange(5000)}" for _ in range(min(authors, 5))],
            author_count=authors, published=published, updated=updated,
            primary_category=rng.choice(CATEGORIES),
            # The collector keeps 700 characters of an abstract; most real ones reach that.
            abstract=(f"{NOTICE} paper. " + _words(rng, 110))[:700],
            url=f"https://arxiv.org/abs/{arxiv_id}", trends=trends,
        ))
    _save(folder, PAPERS, papers)


def _news_file(job: tuple) -> None:
    folder, month, count, trend_ids, cum_weights, feeds, today, seed = job
    rng = random.Random(f"{seed}-news-{month}")
    first, last = _month_days(month, today)
    items = []
    for n in range(count):
        day = first + dt.timedelta(days=rng.randrange((last - first).days + 1))
        hour = rng.randrange(24) if day < today else 0  # nothing published later today
        published = dt.datetime(day.year, day.month, day.day, hour, rng.randrange(60), tzinfo=dt.UTC)
        key = f"synthetic-news-{month}-{n + 1:05d}"
        items.append(models.NewsItem(
            key=key, feed=rng.choice(feeds), title=f"Synthetic news {month}-{n + 1:05d}: {_words(rng, 7)}",
            url=f"https://example.org/synthetic/news/{month}/{n + 1:05d}", published=published,
            summary=f"{NOTICE} news item. " + _words(rng, 40),
            trends=sorted(set(rng.choices(trend_ids, cum_weights=cum_weights, k=rng.randint(1, 2)))),
        ))
    _save(folder, NEWS, items)


def _counts(rng: random.Random, trends: list[dict], areas: list[dict], months: list[str],
            today: dt.date) -> list[models.MonthlyCount]:
    """Papers per month per trend (rising, steady or falling with noise) and a baseline per area."""
    now = dt.datetime(today.year, today.month, today.day, tzinfo=dt.UTC)
    fetched = []
    for month in months:
        _, end = _month_days(month, dt.date.max)
        fetched.append(min(dt.datetime(end.year, end.month, end.day, 6, tzinfo=dt.UTC) + dt.timedelta(days=8), now))
    out = []
    for area in areas:
        level = rng.randrange(4000, 12000)
        out += [models.MonthlyCount(subject=baseline_subject(area["id"]), month=month,
                                    count=int(level * (1 + 0.02 * i) * rng.uniform(0.95, 1.05)), fetched=fetched[i])
                for i, month in enumerate(months)]
    for trend in trends:
        level, growth = rng.uniform(2, 200), rng.choice((1.06, 1.0, 0.97, 1.02))
        out += [models.MonthlyCount(subject=trend["id"], month=month,
                                    count=max(0, int(level * growth ** i * rng.uniform(0.8, 1.2))), fetched=fetched[i])
                for i, month in enumerate(months)]
    return out


def _adoption(rng: random.Random, trends: list[dict], months: list[str],
              today: dt.date) -> tuple[list[models.PackageDownloads], list[models.RepoSnapshot]]:
    """Downloads per month of every package (growing, steady or shrinking with noise; the month in progress
    up to today) and a weekly snapshot of every repository, over the same months."""
    downloads, snapshots = [], []
    start = dt.date(int(months[0][:4]), int(months[0][5:]), 1)
    for trend in trends:
        for package in trend["evidence"].get("packages", []):
            level, growth = rng.uniform(500, 200_000), rng.choice((1.08, 1.0, 0.96, 1.03))
            for i, month in enumerate(months):
                first, last = _month_days(month, today)
                downloads.append(models.PackageDownloads(
                    package=package, month=month, downloads=int(level * growth ** i * rng.uniform(0.85, 1.15)),
                    first_day=first, last_day=last))
        for repo in trend["evidence"].get("repos", []):
            stars, weekly = rng.randrange(50, 20_000), rng.uniform(1, 80)
            pace = rng.choice((1.02, 1.0, 0.98))
            day = start
            while day <= today:
                stars += int(weekly * rng.uniform(0.5, 1.5))
                weekly *= pace
                snapshots.append(models.RepoSnapshot(repo=repo, day=day, stars=stars, forks=stars // 8,
                                                     open_issues=rng.randrange(300), release="v1.0.0",
                                                     released=start, pushed=day))
                day += dt.timedelta(days=7)
    return downloads, snapshots


# ---------------------------------------------------------------- the whole knowledge base


def generate(root: Path, size: Size = Size(), today: dt.date | None = None, seed: int = 0,
             jobs: int | None = None) -> Path:
    """Write a synthetic knowledge base of `size` into `root` (which must be empty or absent); returns root."""
    root = Path(root)
    if root.exists() and any(root.iterdir()):
        raise FileExistsError(f"{root} is not empty; give a new or empty folder")
    today = today or dt.date.today()
    rng = random.Random(seed)
    trends_dir = root / store.TRENDS_DIR
    signals = store.signals_dir(root)

    # Without the notebooks: no synthetic trend links them, and a notebook no trend links is a problem.
    shutil.copytree(REPO / "content", root / "content", ignore=shutil.ignore_patterns("*.ipynb"))
    trends_dir.mkdir(parents=True)
    shutil.copy(REPO / store.TRENDS_DIR / store.SCHEMA_FILE, trends_dir / store.SCHEMA_FILE)
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    (root / "mkdocs.yml").write_text(config.replace("  - site_hooks/hooks.py",
                                                    f"  - {REPO / 'site_hooks' / 'hooks.py'}"), encoding="utf-8")

    areas = [_area(i) for i in range(size.areas)]
    write_atomic(trends_dir / store.AREAS_FILE, dump_yaml({"areas": areas}))
    feeds = [{"id": f"synthetic-feed-{i + 1:02d}", "title": f"Synthetic feed {i + 1}",
              "url": f"https://example.org/synthetic/feed-{i + 1:02d}.xml",
              "homepage": "https://example.org/synthetic/"} for i in range(size.feeds)]
    write_atomic(trends_dir / store.FEEDS_FILE,
                 dump_yaml({"contact": "https://example.org/synthetic/contact", "feeds": feeds}))

    months = _months(today, size.months)
    first_day = dt.date(int(months[0][:4]), int(months[0][5:]), 1)
    notebooks = sorted(path.name for path in (root / store.EXAMPLES_DIR).glob("*.ipynb"))
    ids = [f"synthetic-trend-{i:04d}" for i in range(size.trends)]
    trends = [_trend(rng, i, areas[i % len(areas)]["id"], ids, notebooks, today, first_day)
              for i in range(size.trends)]
    for trend in trends:
        write_atomic(store.trend_path(root, trend["area"], trend["id"]),
                     dump_yaml(trend, header=store.SCHEMA_HEADER))

    # A few trends draw most papers, as in a real knowledge base.
    cum_weights, total = [], 0.0
    for rank in range(len(ids)):
        total += 1 / (rank + 5) ** 0.8
        cum_weights.append(total)
    order = rng.sample(ids, len(ids))
    paper_jobs = [(signals, m, n, order, cum_weights, today, seed)
                  for m, n in zip(months, _spread(size.papers, len(months)), strict=True) if n]
    feed_ids = [feed["id"] for feed in feeds]
    news_jobs = [(signals, m, n, order, cum_weights, feed_ids, today, seed)
                 for m, n in zip(months, _spread(size.news, len(months)), strict=True) if n]
    workers = jobs or os.cpu_count() or 1
    if workers > 1 and size.papers + size.news > 10_000:
        with ProcessPoolExecutor(workers) as pool:
            list(pool.map(_papers_file, paper_jobs))
            list(pool.map(_news_file, news_jobs))
    else:
        for job in paper_jobs:
            _papers_file(job)
        for job in news_jobs:
            _news_file(job)

    kept = SignalStore(signals)
    for count in _counts(rng, trends, areas, months, today):
        kept.put(COUNTS, count)
    downloads, snapshots = _adoption(rng, trends, months, today)
    for record in downloads:
        kept.put(DOWNLOADS, record)
    for snapshot in snapshots:
        kept.put(REPO_SNAPSHOTS, snapshot)
    stamp = dt.datetime(today.year, today.month, today.day, 6, tzinfo=dt.UTC)
    kept.put(STATUS, models.SourceStatus(source="arxiv", kind="arxiv", last_attempt=stamp, last_success=stamp,
                                         items_added=120))
    for index, feed in enumerate(feed_ids):
        # One failing source, so the Sources page shows one.
        error = f"HTTP 503 (https://example.org/synthetic/feed-01.xml); {NOTICE} failure" if index == 0 else None
        kept.put(STATUS, models.SourceStatus(source=f"news:{feed}", kind="news", last_attempt=stamp,
                                             last_success=stamp, items_added=3, last_error=error))
    for trend in trends:
        query = trend["evidence"]["arxiv_query"]
        kept.put(WATERMARKS, models.Watermark(trend=trend["id"], query=query, newest=stamp))
        kept.put(COUNT_QUERIES, models.CountQuery(subject=trend["id"], query=query))
    kept.save()
    return root


def main(argv: list[str] | None = None) -> int:
    default = Size()
    parser = argparse.ArgumentParser(prog="python -m benchmarks.generate", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="new or empty folder to write into (default: a temporary folder)")
    for name in ("areas", "trends", "papers", "news", "months", "feeds"):
        parser.add_argument(f"--{name}", type=int, default=getattr(default, name),
                            help=f"how many (default {getattr(default, name):,})")
    parser.add_argument("--seed", type=int, default=0, help="random seed; the same seed writes the same files")
    parser.add_argument("--jobs", type=int, default=None, help="worker processes (default: one per core)")
    args = parser.parse_args(argv)
    size = Size(**{name: getattr(args, name) for name in ("areas", "trends", "papers", "news", "months", "feeds")})
    if size.areas < 1 or size.trends < 1 or size.months < 1:
        parser.error("--areas, --trends and --months must be at least 1")
    out = args.out or Path(tempfile.mkdtemp(prefix="trendkb-bench-"))
    try:
        generate(out, size, seed=args.seed, jobs=args.jobs)
    except FileExistsError as exc:
        print(f"generate: {exc}", file=sys.stderr)
        return 2
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
