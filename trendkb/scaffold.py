"""A new trend entry for a researcher to fill in (`trendkb new`)."""

from __future__ import annotations

import datetime as dt
import re

from trendkb import models

TODO = "TODO"
OWNER_PLACEHOLDER = "@your-github-handle"
URL_PLACEHOLDER = "https://example.org/TODO-link-to-the-reference"
# What `trendkb validate` and the schema look for: a scaffold text or handle left in a record.
PLACEHOLDER_PATTERN = rf"\b{TODO}\b|{OWNER_PLACEHOLDER}"


def slugify(title: str) -> str:
    """'Hyperparameter Optimisation (Bayesian)' -> 'hyperparameter-optimisation-bayesian'."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return slug[:80].rstrip("-")


def new_trend(area: str, title: str, today: dt.date) -> models.Trend:
    """A trend whose fields say what to write; `trendkb validate` names every placeholder left in it."""
    slug = slugify(title)
    if not slug:
        raise ValueError(f"cannot make a file name from the title {title!r}; use letters or digits")
    return models.Trend(
        id=slug,
        title=title.strip(),
        area=area,
        tags=[],
        summary=f"{TODO}: one line that tells a manager what {title.strip()} is.",
        description=f"{TODO}: a few paragraphs of Markdown: what it is, how it works, where it stands.\n",
        why_it_matters=f"{TODO}: why a business should care, in plain words.\n",
        use_cases=[
            models.UseCase(
                title=f"{TODO}: use case",
                sector=f"{TODO}: sector",
                description=f"{TODO}: who does what with it, and what they gain.",
            )
        ],
        ring=models.Ring.ASSESS,
        ring_history=[models.RingChange(date=today, ring=models.Ring.ASSESS, reason=f"{TODO}: why this ring")],
        evidence=models.Evidence(
            arxiv_query=f'abs:"{title.strip().lower()}"',
            news_keywords=[title.strip().lower()],
            references=[
                models.Reference(
                    title=f"{TODO}: title of a landmark paper, official docs or a well-known repository",
                    url=URL_PLACEHOLDER,
                    kind=models.ReferenceKind.PAPER,
                )
            ],
        ),
        examples=[],
        related=[],
        owners=[OWNER_PLACEHOLDER],
        created=today,
        updated=today,
    )


def proposal(area: models.Area, phrase: str, examples: list[str], today: dt.date,
             notebook: str | None = None) -> models.Trend:
    """A new trend for an emerging phrase (the Emerging page's "Propose as a trend"): the scaffold with the
    phrase as title and news keyword, an arXiv query for it in the area's categories, and the example papers
    as references whose titles are placeholders. In an area whose every trend links a notebook, `notebook`
    (a file of content/examples/, e.g. the closest trend's) is offered as the example to adapt."""
    title = phrase[:1].upper() + phrase[1:]
    trend = new_trend(area.id, title, today)
    categories = " OR ".join(f"cat:{category}" for category in area.arxiv_categories)
    references = [models.Reference(title=f"{TODO}: title of arXiv paper {arxiv_id}",
                                   url=f"https://arxiv.org/abs/{arxiv_id}", kind=models.ReferenceKind.PAPER,
                                   arxiv_id=arxiv_id) for arxiv_id in examples] or trend.evidence.references
    evidence = trend.evidence.model_copy(update={"arxiv_query": f'abs:"{phrase}" AND ({categories})',
                                                 "news_keywords": [phrase], "references": references})
    runnable = []
    if notebook and area.notebooks == models.NotebookRule.EVERY:
        runnable = [models.Example(title=f"{TODO}: what the notebook is called for {phrase}",
                                   shows=f"{TODO}: what it shows about {phrase}, or pick another notebook",
                                   notebook=notebook)]
    return trend.model_copy(update={"evidence": evidence, "examples": runnable})
