"""Who this deployment is: its repository, and the contact the collectors send, from one setting.

The repository URL is set once, as `extra.trendkb.repo_url` in mkdocs.yml (with
`branch` beside it). The site builds "Edit this entry" and "Open in Colab" links
from it, and the collectors' contact, sent in the User-Agent of every request,
is its issues page. So a fork that changes that one line changes both.

Overrides, strongest first:
- `TRENDKB_REPO_URL` replaces the repository URL (the workflows set it to the
  repository they run in, so a fork's runs name the fork even before anyone
  edits mkdocs.yml);
- `TRENDKB_CONTACT` replaces the contact, and so does `contact:` in
  trends/feeds.yaml, for a team that would rather be reached by e-mail.

`resolve` is pure; `site_settings` reads mkdocs.yml.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

SITE_CONFIG = "mkdocs.yml"
REPO_URL_SETTING = "extra.trendkb.repo_url"
# The value this repository ships with: a fork must replace it (`trendkb doctor` says so).
PLACEHOLDER_REPO_URL = "https://github.com/trendkb/trendkb"
_EXAMPLE = re.compile(r"(^|[@./])example\.(com|org|net)([/:]|$)|your-(org|name|handle|team)", re.IGNORECASE)


@dataclass(frozen=True)
class Identity:
    """The deployment's repository and contact, and where each came from (for messages)."""

    repo_url: str | None
    branch: str
    contact: str | None
    repo_from: str  # 'TRENDKB_REPO_URL', 'mkdocs.yml extra.trendkb.repo_url', or 'nowhere'
    contact_from: str


def resolve(settings: Mapping[str, Any], environ: Mapping[str, str], feeds_contact: str | None = None) -> Identity:
    """The identity from the site's `extra.trendkb` settings, the environment and the feed list's contact."""
    repo_url, repo_from = environ.get("TRENDKB_REPO_URL", "").strip(), "TRENDKB_REPO_URL"
    if not repo_url:
        repo_url, repo_from = str(settings.get("repo_url") or "").strip(), f"{SITE_CONFIG} {REPO_URL_SETTING}"
    repo_url = repo_url.rstrip("/") or None
    if repo_url is None:
        repo_from = "nowhere"
    if environ.get("TRENDKB_CONTACT", "").strip():
        contact, contact_from = environ["TRENDKB_CONTACT"].strip(), "TRENDKB_CONTACT"
    elif feeds_contact:
        contact, contact_from = feeds_contact, "trends/feeds.yaml contact"
    elif repo_url:
        contact, contact_from = f"{repo_url}/issues", f"the issues page of the repository ({repo_from})"
    else:
        contact, contact_from = None, "nowhere"
    return Identity(repo_url=repo_url, branch=str(settings.get("branch") or "main"), contact=contact,
                    repo_from=repo_from, contact_from=contact_from)


def is_placeholder(value: str | None) -> bool:
    """True for the repository this project ships with (or its pages), and for example addresses."""
    if not value:
        return False
    if value.rstrip("/").lower().startswith(PLACEHOLDER_REPO_URL.lower()):
        rest = value.rstrip("/")[len(PLACEHOLDER_REPO_URL):]
        if rest == "" or rest.startswith("/"):
            return True
    return bool(_EXAMPLE.search(value))


class _TolerantLoader(yaml.SafeLoader):
    """Safe loading that reads MkDocs' own tags (!ENV, !!python/name:...) as nothing instead of failing."""


_TolerantLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def site_settings(root: Path) -> dict[str, Any]:
    """The `extra.trendkb` mapping of root/mkdocs.yml; empty when there is no such file or mapping."""
    path = Path(root) / SITE_CONFIG
    if not path.is_file():
        return {}
    try:
        config = yaml.load(path.read_text(encoding="utf-8"), Loader=_TolerantLoader)
    except (yaml.YAMLError, UnicodeDecodeError):
        return {}
    extra = config.get("extra") if isinstance(config, dict) else None
    own = extra.get("trendkb") if isinstance(extra, dict) else None
    return own if isinstance(own, dict) else {}


def load(root: Path, environ: Mapping[str, str], feeds_contact: str | None = None) -> Identity:
    """The identity of the deployment at root."""
    return resolve(site_settings(root), environ, feeds_contact)
