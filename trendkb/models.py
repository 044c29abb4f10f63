"""The records of the knowledge base, as pydantic models.

People write `Area` (in `trends/areas.yaml`) and `Trend` (one file per trend
under `trends/<area>/`). The collectors write the signal records under
`trends/signals/`: `Paper`, `NewsItem`, `MonthlyCount`, `PackageDownloads`,
`RepoSnapshot`, the listing statistics (`ListingTerm`, `ListingMonth`) and
`SourceStatus`, plus their own bookkeeping (`Watermark`, `FeedCache`,
`CountQuery`, `ListingDay`); where each kind
is filed is declared in `trendkb.signals`. `FeedsFile` (`trends/feeds.yaml`)
lists the news feeds they read.

Each field carries a description: it is the documentation a researcher sees in
their editor (through `trends/schema.json`) and on the site's schema reference,
so it is written for them. Rules that need more than one record (ids unique,
related trends exist, ...) live in `trendkb.validate`, not here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"
ARXIV_ID_PATTERN = r"^(\d{4}\.\d{4,5}|[a-z\-]+(\.[A-Z]{2})?/\d{7})$"
# Notebooks are named by file name only: they all live in content/examples/.
NOTEBOOK_PATTERN = r"^[a-z0-9][a-z0-9_\-]*\.ipynb$"


# A PyPI project name as PEP 508 allows it: letters, digits and . _ -, starting and ending with a letter or digit.
PACKAGE_PATTERN = r"^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,98}[A-Za-z0-9])?$"
# A GitHub repository, owner/name: an owner as GitHub allows (letters, digits, single inner hyphens) and a name
# of letters, digits and . _ - ('.github' is one; '.' and '..' are not).
REPO_PATTERN = (r"^[A-Za-z0-9](?:-?[A-Za-z0-9]){0,38}/"
                r"(?:[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}|\.[A-Za-z0-9_-][A-Za-z0-9._-]{0,98})$")
# A GitHub user ('@octocat') or team ('@org/team'), as CODEOWNERS writes them.
OWNER_PATTERN = r"^@[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:/[A-Za-z0-9][A-Za-z0-9._-]*)?$"
# What an editor checks through trends/schema.json; the model checks more (_check_http_url).
URL_SCHEMA_PATTERN = r"^https?://[^\s]+$"
# A link to one paper on arXiv: its id, and the version suffix people copy from the address bar.
_ARXIV_LINK = re.compile(
    r"https?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/(?P<id>[^?#]+?)(?P<version>v\d+)?(?:\.pdf)?/?(?:[?#].*)?\Z")
ARXIV_LINK_SCHEMA_PATTERN = r"^https?://(www\.|export\.)?arxiv\.org/(abs|pdf)/"

EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
# Whitespace (as str.isspace() sees it) or a control character; a regex, as a load checks 100,000s of URLs.
_SPACE_OR_CONTROL = re.compile(r"[\s\x00-\x1f]")
# URLs that surely pass the checks below: http(s), a plain host name, no space or control character.
_PLAIN_HTTP_URL = re.compile(r"https?://[A-Za-z0-9.\-]+(?::[0-9]{1,5})?(?:[/?#][^\s\x00-\x1f]*)?\Z")


def package_key(name: str) -> str:
    """A PyPI project's normalised name (PEP 503): what PyPI and PyPI Stats know it by, and its key in the store."""
    return re.sub(r"[-_.]+", "-", name).lower()


def repo_key(name: str) -> str:
    """A GitHub repository's key in the store: GitHub reads owner and name without regard to case."""
    return name.lower()


def _listed_once(names: list[str], key: Callable[[str], str], what: str) -> list[str]:
    seen: dict[str, str] = {}
    for name in names:
        if key(name) in seen:
            raise ValueError(f"'{name}' names the same {what} as '{seen[key(name)]}'; list each {what} once")
        seen[key(name)] = name
    return names


def _check_http_url(value: str) -> str:
    # Anything else (javascript:, data:, file:, relative paths) could run code
    # or leak local paths once it becomes a link on the site.
    if _PLAIN_HTTP_URL.match(value):
        return value  # the common case, without the cost of urlsplit
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{value!r} is not an http(s) URL; links must start with https:// or http://")
    if _SPACE_OR_CONTROL.search(value):
        raise ValueError(f"{value!r} contains spaces or control characters; encode them in the URL")
    return value


@dataclass(frozen=True)
class SchemaPattern:
    """A pattern for editors in the JSON Schema only; the type's own validators do the real check."""

    pattern: str

    def __get_pydantic_json_schema__(self, core_schema: Any, handler: GetJsonSchemaHandler) -> dict[str, Any]:
        return {**handler(core_schema), "pattern": self.pattern}


def _check_contact(value: str) -> str:
    # Sent in every User-Agent: site owners need a way to reach us, nothing else.
    if re.match(EMAIL_PATTERN, value):
        return value
    try:
        return _check_http_url(value)
    except ValueError:
        raise ValueError(f"{value!r} is neither an e-mail address nor an http(s) URL") from None


Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=80)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
HttpUrl = Annotated[str, StringConstraints(max_length=2000), AfterValidator(_check_http_url),
                    SchemaPattern(URL_SCHEMA_PATTERN)]
Month = Annotated[str, StringConstraints(pattern=MONTH_PATTERN)]
ArxivId = Annotated[str, StringConstraints(pattern=ARXIV_ID_PATTERN)]
# A counted phrase: 1 to 4 lower-case words, one space apart (see trendkb.phrases).
PHRASE_PATTERN = r"^[a-z]{2,}(?: [a-z]{2,}){0,3}$"
Contact = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200), AfterValidator(_check_contact)]
PackageName = Annotated[str, StringConstraints(pattern=PACKAGE_PATTERN)]
RepoName = Annotated[str, StringConstraints(pattern=REPO_PATTERN)]


class Record(BaseModel):
    """Base of every record: unknown fields are errors, so typos surface."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


class Ring(StrEnum):
    """Radar rings, from "use it now" to "wait"."""

    ADOPT = "adopt"
    TRIAL = "trial"
    ASSESS = "assess"
    HOLD = "hold"


class NotebookRule(StrEnum):
    """How many of an area's trends must link a runnable notebook."""

    EVERY = "every"
    SOME = "some"
    OPTIONAL = "optional"


class ReferenceKind(StrEnum):
    PAPER = "paper"
    ARTICLE = "article"
    REPO = "repo"
    DATASET = "dataset"


# ---------------------------------------------------------------- areas


class Area(Record):
    """One of the five areas the knowledge base covers."""

    id: Slug = Field(description="Short slug; also the folder name under trends/ holding its trends.")
    title: ShortText = Field(description="Area name as shown on the site.")
    summary: Text = Field(description="Two or three sentences on what the area covers.")
    arxiv_categories: list[Annotated[str, StringConstraints(pattern=r"^[a-z\-]+(\.[A-Za-z\-]+)?$")]] = (
        Field(
            min_length=1,
            description="arXiv categories the area draws from, e.g. cs.LG; "
            "they define the baseline for the share-of-arXiv charts.",
        )
    )
    notebooks: NotebookRule = Field(
        default=NotebookRule.OPTIONAL,
        description="Which of the area's trends must link a runnable notebook of content/examples/ in their "
                    "examples: every (each trend), some (at least one trend) or optional.",
    )


class AreasFile(Record):
    """The contents of trends/areas.yaml."""

    areas: list[Area] = Field(min_length=1, description="Every area, in display order.")


# ---------------------------------------------------------------- trends


class UseCase(Record):
    title: ShortText = Field(description="Name of the use case, e.g. 'Fraud detection'.")
    sector: ShortText = Field(description="Industry or field, e.g. 'Banking', 'Healthcare'.")
    description: Text = Field(description="One paragraph: who does what with the trend, and the gain.")


class RingChange(Record):
    date: dt.date = Field(description="Day the ring was decided (YYYY-MM-DD).")
    ring: Ring = Field(description="Ring from that day on: adopt, trial, assess or hold.")
    reason: ShortText = Field(description="One line on why the ring was set or moved.")


class Reference(Record):
    # For editors: a link to an arXiv paper needs its arxiv_id, and an arxiv_id needs the arXiv link.
    model_config = ConfigDict(json_schema_extra={"allOf": [
        {"if": {"properties": {"url": {"pattern": ARXIV_LINK_SCHEMA_PATTERN}}, "required": ["url"]},
         "then": {"required": ["arxiv_id"], "properties": {"url": {"not": {"pattern": r"v[0-9]+(\.pdf)?/?$"}}}}},
        {"if": {"required": ["arxiv_id"]},
         "then": {"properties": {"url": {"pattern": ARXIV_LINK_SCHEMA_PATTERN}}}},
    ]})

    title: ShortText = Field(description="Title of the paper, article, repository or dataset.")
    url: HttpUrl = Field(description="Where to read it; http(s) only. An arXiv paper is linked as "
                                     "https://arxiv.org/abs/<id>, without a version suffix.")
    kind: ReferenceKind = Field(description="paper, article, repo or dataset.")
    arxiv_id: ArxivId | None = Field(
        default=None, validate_default=True,
        description="arXiv identifier without version (e.g. '1706.03762'); required when the url links arXiv.",
    )

    @field_validator("url")
    @classmethod
    def _latest_version(cls, url: str) -> str:
        link = _ARXIV_LINK.match(url)
        if link and link["version"]:
            raise ValueError(f"links version {link['version']} of the paper; link "
                             f"https://arxiv.org/abs/{link['id']} so readers get the latest version")
        return url

    @field_validator("arxiv_id")
    @classmethod
    def _matches_url(cls, arxiv_id: str | None, info: ValidationInfo) -> str | None:
        url = info.data.get("url")
        if url is None:
            return arxiv_id  # the url is wrong already, and reported
        link = _ARXIV_LINK.match(url)
        if link is None:
            if arxiv_id is not None:
                raise ValueError(f"is set but the url does not link arXiv; link https://arxiv.org/abs/{arxiv_id}")
            return arxiv_id
        if arxiv_id is None:
            raise ValueError(f"is missing: the url links arXiv paper {link['id']}; add arxiv_id: '{link['id']}'")
        if arxiv_id != link["id"]:
            raise ValueError(f"'{arxiv_id}' differs from the paper the url links ({link['id']}); make them agree")
        return arxiv_id


class Evidence(Record):
    arxiv_query: Text = Field(
        description="arXiv API search query that defines 'papers about this trend', "
        "e.g. 'abs:\"federated learning\" AND cat:cs.LG'.",
    )
    news_keywords: list[ShortText] = Field(
        min_length=1,
        description="Words or phrases that mark a news item as about this trend "
        "(whole words, case-insensitive).",
    )
    references: list[Reference] = Field(
        min_length=1,
        description="Sources that back the entry: papers, articles, repositories, datasets; "
                    "at least one of them a paper.",
        json_schema_extra={"contains": {"properties": {"kind": {"const": "paper"}}, "required": ["kind"]}},
    )

    # Left out of the file when empty, so trends without them keep their layout.
    packages: list[PackageName] = Field(
        default_factory=list, exclude_if=lambda names: not names, json_schema_extra={"uniqueItems": True},
        description="PyPI projects whose downloads show the trend being adopted, as named on pypi.org "
                    "(e.g. 'flwr', 'opacus'); only well-known packages that exist.",
    )
    repos: list[RepoName] = Field(
        default_factory=list, exclude_if=lambda names: not names, json_schema_extra={"uniqueItems": True},
        description="GitHub repositories (owner/name, e.g. 'optuna/optuna') whose stars, forks and releases "
                    "show the trend being adopted.",
    )

    @field_validator("packages")
    @classmethod
    def _packages_once(cls, packages: list[str]) -> list[str]:
        return _listed_once(packages, package_key, "package")

    @field_validator("repos")
    @classmethod
    def _repos_once(cls, repos: list[str]) -> list[str]:
        return _listed_once(repos, repo_key, "repository")

    @field_validator("references")
    @classmethod
    def _cites_a_paper(cls, references: list[Reference]) -> list[Reference]:
        if not any(reference.kind == ReferenceKind.PAPER for reference in references):
            raise ValueError("cite at least one paper (kind: paper): the research the trend stands on")
        return references


class Example(Record):
    """A runnable example: a notebook shipped with the site, or an external page."""

    model_config = ConfigDict(json_schema_extra={"oneOf": [{"required": ["notebook"]}, {"required": ["url"]}]})

    title: ShortText = Field(description="What the example is called on the site.")
    shows: Text = Field(description="One line: what a reader sees it demonstrate.")
    notebook: Annotated[str, StringConstraints(pattern=NOTEBOOK_PATTERN)] | None = Field(
        default=None,
        description="File name of a notebook in content/examples/ (e.g. 'federated-averaging.ipynb').",
    )
    url: HttpUrl | None = Field(default=None, description="Link to an external runnable example.")

    @model_validator(mode="after")
    def _one_target(self) -> Example:
        if (self.notebook is None) == (self.url is None):
            raise ValueError("give exactly one of 'notebook' or 'url'")
        return self


class Trend(Record):
    """One trend: a file trends/<area>/<id>.yaml."""

    # identity
    id: Slug = Field(description="Slug equal to the file name without .yaml.")
    title: ShortText = Field(description="Trend name as shown on the site.")
    area: Slug = Field(description="Id of the area; equal to the folder the file is in.")
    tags: list[Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=40)]] = Field(
        default_factory=list, description="Lower-case slugs used for filtering and the tag index."
    )
    # the story
    summary: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)] = Field(
        description="One line that tells a manager what the trend is."
    )
    description: Text = Field(description="A few paragraphs of Markdown: what it is, how it works, where it stands.")
    why_it_matters: Text = Field(description="Why a business should care, in plain words.")
    use_cases: list[UseCase] = Field(min_length=1, description="Concrete uses, one paragraph each.")
    # the verdict
    ring: Ring = Field(description="Current radar ring: adopt, trial, assess or hold.")
    ring_history: list[RingChange] = Field(
        min_length=1,
        description="Every ring decision, oldest first; the last one equals 'ring'.",
    )
    # the evidence
    evidence: Evidence = Field(description="References, the arXiv query and the news keywords.")
    # the hands-on part
    examples: list[Example] = Field(default_factory=list, description="Runnable examples for the trend.")
    # links and bookkeeping
    related: list[Slug] = Field(default_factory=list, description="Ids of related trends.")
    owners: list[Annotated[str, StringConstraints(pattern=OWNER_PATTERN)]] = Field(
        min_length=1, description="GitHub users or teams (e.g. '@octocat', '@org/team') who review changes."
    )
    created: dt.date = Field(description="Day the entry was first written (YYYY-MM-DD).")
    updated: dt.date = Field(description="Day of the last substantive edit (YYYY-MM-DD).")


# ---------------------------------------------------------------- signals


class Paper(Record):
    """An arXiv paper that supports one or more trends."""

    arxiv_id: ArxivId = Field(description="arXiv identifier without version.")
    version: int = Field(ge=1, description="Latest version seen.")
    title: ShortText = Field(description="Paper title, as plain text.")
    authors: list[ShortText] = Field(description="First few authors.")
    author_count: int = Field(ge=0, description="Total number of authors.")
    published: dt.date = Field(description="Day version 1 was submitted.")
    updated: dt.date = Field(description="Day the latest version was submitted.")
    primary_category: str = Field(description="arXiv primary category, e.g. cs.LG.")
    abstract: str = Field(description="Abstract as plain text, trimmed to a readable length.")
    url: HttpUrl = Field(description="Abstract page on arXiv.")
    trends: list[Slug] = Field(min_length=1, description="Ids of the trends the paper supports.")


class NewsItem(Record):
    """A news or blog item matched to one or more trends."""

    key: str = Field(description="GUID of the item, or its normalised link when it has none.")
    feed: Slug = Field(description="Id of the feed in trends/feeds.yaml.")
    title: ShortText = Field(description="Headline, as plain text.")
    url: HttpUrl = Field(description="Link to the item.")
    published: dt.datetime = Field(description="When the feed says the item was published.")
    summary: str = Field(default="", description="Summary as plain text, trimmed.")
    trends: list[Slug] = Field(min_length=1, description="Ids of the trends the item matched.")


class MonthlyCount(Record):
    """Number of arXiv papers matching a query in one month."""

    subject: str = Field(description="Trend id, or 'baseline:<area id>' for an area's baseline query.")
    month: Month = Field(description="The month of submission counted, YYYY-MM.")
    count: int = Field(ge=0, description="Papers the query matched in that month (arXiv's total hit count).")
    fetched: dt.datetime = Field(description="When the count was asked for.")


class DownloadsSource(StrEnum):
    """Where a month of downloads comes from."""

    PYPISTATS = "pypistats"  # PyPI Stats: without the mirrors it knows
    CLICKPY = "clickpy"  # ClickPy's public ClickHouse (the opt-in backfill): every download, mirrors included


class PackageDownloads(Record):
    """Downloads of one PyPI project in one month, from PyPI Stats (known mirrors left out) or, for months
    before its 180 days, from the opt-in ClickPy backfill."""

    package: str = Field(description="The project's normalised name (lower case, runs of -_. as one -).")
    month: Month = Field(description="The month counted, YYYY-MM.")
    downloads: int = Field(ge=0, description="Downloads from the first to the last day counted.")
    first_day: dt.date = Field(description="First day counted; after the 1st when the source's history starts "
                                           "later in the month.")
    last_day: dt.date = Field(description="Last day counted; before the month's end while the month is running.")
    source: DownloadsSource = Field(default=DownloadsSource.PYPISTATS,
                                    description="pypistats (without known mirrors) or clickpy (mirrors included).")

    @model_validator(mode="after")
    def _days_in_month(self) -> PackageDownloads:
        if not self.first_day <= self.last_day:
            raise ValueError(f"first_day {self.first_day} is after last_day {self.last_day}")
        if {f"{day:%Y-%m}" for day in (self.first_day, self.last_day)} != {self.month}:
            raise ValueError(f"the days counted ({self.first_day} to {self.last_day}) are not all in {self.month}")
        return self


class RepoSnapshot(Record):
    """What one GitHub repository looked like on one day (UTC); the series grows one snapshot a day."""

    repo: str = Field(description="owner/name, in lower case.")
    day: dt.date = Field(description="The day (UTC) of the snapshot.")
    stars: int = Field(ge=0, description="Stargazers.")
    forks: int = Field(ge=0, description="Forks.")
    open_issues: int = Field(ge=0, description="Open issues and pull requests, as GitHub counts them.")
    release: str | None = Field(default=None, description="Tag of the latest release; none when it has none.")
    released: dt.date | None = Field(default=None, description="Day the latest release was published.")
    pushed: dt.date | None = Field(default=None, description="Day of the last push to the repository.")


class SourceStatus(Record):
    """How the last runs of one collector source went."""

    source: str = Field(description="Source id, e.g. 'arxiv' or 'news:<feed id>'.")
    kind: Slug = Field(description="The collector the source belongs to, e.g. 'arxiv' or 'news'.")
    last_attempt: dt.datetime | None = Field(default=None, description="When the source was last asked.")
    last_success: dt.datetime | None = Field(default=None, description="When it last answered in full.")
    items_added: int = Field(default=0, ge=0, description="Items added on the day of the last success "
                                                          "(by every successful run that day, UTC).")
    last_error: str | None = Field(default=None, description="Message of the last failure, if the last run failed.")


class Feed(Record):
    """A news or research feed that the news collector reads."""

    id: Slug = Field(description="Short slug naming the feed; news items and the Sources page refer to it.")
    title: ShortText = Field(description="Name of the publication, as shown on the site.")
    url: HttpUrl = Field(description="Address of the RSS or Atom feed itself.")
    homepage: HttpUrl = Field(description="The publication's own page, for readers.")


class FeedsFile(Record):
    """trends/feeds.yaml: how the collectors introduce themselves, and the feeds they read."""

    contact: Contact | None = (
        Field(default=None,
              description="E-mail address or http(s) URL where arXiv and feed hosts can reach the maintainers, "
                          "sent in the User-Agent of every request. Leave it out to use the issues page of the "
                          "repository set in mkdocs.yml (extra.trendkb.repo_url); TRENDKB_CONTACT overrides both.")
    )
    feeds: list[Feed] = Field(min_length=1, description="Every feed, in display order.")


class Watermark(Record):
    """Where the arXiv collector stopped for one trend."""

    trend: Slug = Field(description="Trend id.")
    query: str = Field(description="The arXiv query the watermark belongs to; a changed query starts afresh.")
    newest: dt.datetime = Field(description="Last-updated time of the newest paper seen; the next run pages back "
                                            "to here and no further.")


class FeedCache(Record):
    """What a feed's server said last time, so an unchanged feed costs one 304 answer."""

    feed: Slug = Field(description="Feed id in trends/feeds.yaml.")
    url: HttpUrl = Field(description="Feed address the validators belong to; a changed address starts afresh.")
    etag: str | None = Field(default=None, description="ETag of the last answer, sent back as If-None-Match.")
    last_modified: str | None = Field(default=None, description="Last-Modified of the last answer, sent back "
                                                                "as If-Modified-Since.")


class WaitingJob(Record):
    """A collector job that did not succeed in its last run: the next run starts with those that waited longest."""

    source: str = Field(description="Source id the job reports into, e.g. 'arxiv' or 'news:<feed id>'.")
    job: str = Field(description="What the job is about, e.g. 'trend <id>', 'baseline <area id>', 'feed <id>'.")
    waiting_since: dt.datetime = Field(description="The first run it failed in or was not asked in, since it last "
                                                   "succeeded.")


class CountQuery(Record):
    """The query the stored monthly counts of one subject were made with."""

    subject: str = Field(description="Trend id, or 'baseline:<area id>'.")
    query: str = Field(description="arXiv query without the month restriction.")


class ListingTerm(Record):
    """How many papers of each area's arXiv listings used a phrase in one month (no text is kept)."""

    month: Month = Field(description="The month the papers were submitted (API) or announced (daily listing), "
                                     "YYYY-MM.")
    phrase: Annotated[str, StringConstraints(pattern=PHRASE_PATTERN, max_length=120)] = Field(
        description="The phrase, in the form trendkb.phrases gives it: singular, American spelling.")
    papers: dict[Slug, Annotated[int, Field(ge=1)]] = Field(
        min_length=1, description="Area id -> papers in its categories whose title or abstract used the phrase; "
                                  "only areas where that reached the month's floor.")
    examples: list[ArxivId] = Field(max_length=3, description="Up to three of those papers, newest id first.")

    @field_validator("papers")
    @classmethod
    def _by_area(cls, papers: dict[str, int]) -> dict[str, int]:
        return dict(sorted(papers.items()))  # one order, so the same counts always give the same line


class ListingMonth(Record):
    """The papers one area's listings held in a month, and how that month was read."""

    month: Month = Field(description="YYYY-MM.")
    area: Slug = Field(description="Id of the area.")
    papers: int = Field(ge=0, description="New and cross-listed papers in the area's categories, each counted once.")
    floor: int = Field(ge=1, description="Phrases used by fewer papers than this are not stored for the month.")
    source: Literal["api", "rss"] = Field(description="api: read whole through the arXiv API (submission month); "
                                                      "rss: summed from the daily listings (announcement day).")
    fetched: dt.datetime = Field(description="When the month was last read or added to.")


class ListingDay(Record):
    """A daily new-submission listing already counted, so a second run the same day adds nothing."""

    day: dt.date = Field(description="The listing's date (its channel pubDate, in UTC).")
    papers: int = Field(ge=0, description="New and cross-listed papers counted from it.")
    fetched: dt.datetime = Field(description="When it was read.")
