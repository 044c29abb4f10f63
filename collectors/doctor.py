"""`trendkb doctor`: check a deployment before its first scheduled run, with a fix for each problem.

What it checks, and what it can see from where it runs:
- the repository and the contact (trendkb.deployment): set, and not this project's placeholder;
- the feed list: it loads, and with --online each feed is fetched once through the polite
  session and must parse as a feed;
- the workflows: ci.yml, refresh.yml and pages.yml are there, fit GitHub's workflow schema,
  and pages.yml publishes the branch mkdocs.yml names;
- GitHub Pages and the workflows enabled: only with --online, through GitHub's API (a token
  in GITHUB_TOKEN or GH_TOKEN lets it see private repositories);
- the secrets the workflows mention: only inside a GitHub Actions step, and only those the step
  is given (an empty value means the secret is not set).

Each check gives findings: ok, a problem with its fix, or "cannot be seen from here" with how to
check by hand. The command exits 1 when any check found a problem.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit

import yaml
from pydantic import TypeAdapter, ValidationError

from collectors.http import BadAnswer, FetchError, PoliteSession, user_agent
from collectors.news import FEED_MAX_BYTES, parse_feed
from trendkb import deployment, models, store

WORKFLOWS_DIR = Path(".github") / "workflows"
WORKFLOWS = ("ci.yml", "refresh.yml", "pages.yml")
GITHUB_API = "https://api.github.com"
_SECRET = re.compile(r"\bsecrets\.([A-Za-z_][A-Za-z0-9_]*)")
SECRET_FIXES = {
    "REFRESH_TOKEN": "create a fine-grained personal access token for this repository with Contents and Pull "
                     "requests set to read and write, and add it as the REFRESH_TOKEN secret (Settings, Secrets "
                     "and variables, Actions); without it, refresh pull requests start no CI, so they never merge "
                     "by themselves, and a merge does not redeploy the site",
}


@dataclass(frozen=True)
class Finding:
    """One thing the doctor looked at: `ok` True (fine), False (a problem) or None (cannot be seen here)."""

    check: str
    ok: bool | None
    message: str
    fix: str = ""  # what to do: the fix of a problem, or how to check by hand


# ---------------------------------------------------------------- the checks


def identity_findings(identity: deployment.Identity) -> list[Finding]:
    """The repository and the contact: present, and not the placeholder this project ships with."""
    setting = f"set {deployment.REPO_URL_SETTING} in {deployment.SITE_CONFIG} to your repository's URL " \
              "(the workflows also set TRENDKB_REPO_URL to the repository they run in)"
    found = []
    if identity.repo_url is None:
        found.append(Finding("repository", False, "no repository is set, so the site has no edit links", setting))
    elif deployment.is_placeholder(identity.repo_url):
        found.append(Finding("repository", False, f"{identity.repo_url} (from {identity.repo_from}) is the "
                                                  "placeholder this project ships with", setting))
    else:
        found.append(Finding("repository", True, f"{identity.repo_url} (from {identity.repo_from})"))
    contact = identity.contact
    if identity.contact_from.startswith("trends/feeds.yaml"):
        where = "change or remove 'contact' in trends/feeds.yaml (without it, the repository's issues page is used)"
    elif identity.contact_from == "TRENDKB_CONTACT":
        where = "change the TRENDKB_CONTACT environment variable"
    else:
        where = "fixing the repository fixes this too: the contact is its issues page"
    if contact is None:
        found.append(Finding("contact", False, "no contact for arXiv and feed hosts", where))
    elif deployment.is_placeholder(contact):
        found.append(Finding("contact", False, f"{contact} (from {identity.contact_from}) is a placeholder: arXiv "
                                               "and feed hosts could not reach you", where))
    elif not _valid_contact(contact):
        found.append(Finding("contact", False, f"{contact!r} (from {identity.contact_from}) is neither an e-mail "
                                               "address nor an http(s) URL", where))
    else:
        found.append(Finding("contact", True, f"{contact} (from {identity.contact_from})"))
    return found


def _valid_contact(value: str) -> bool:
    try:
        TypeAdapter(models.Contact).validate_python(value)
    except ValidationError:
        return False
    return True


def feeds_findings(feeds: models.FeedsFile | None, problems: list[str],
                   fetch: Callable[[models.Feed], int] | None) -> list[Finding]:
    """The feed list loads; with `fetch` (online), each feed is asked once and must parse.

    `fetch` returns the number of entries, or raises FetchError or BadAnswer.
    """
    fix = "correct trends/feeds.yaml ('trendkb validate' lists every problem with its line)"
    if problems:
        return [Finding("feeds", False, "trends/feeds.yaml has problems: " + "; ".join(problems[:5]), fix)]
    if feeds is None:
        return [Finding("feeds", False, "there is no trends/feeds.yaml, so the news collector has nothing to read",
                        "write trends/feeds.yaml; the README's 'Collecting papers and news' shows its fields")]
    if fetch is None:
        return [Finding("feeds", None, f"{len(feeds.feeds)} feeds listed; whether they answer with a feed is not "
                                       "checked offline", "run 'trendkb doctor --online' to fetch each once")]
    found = []
    for feed in feeds.feeds:
        try:
            entries = fetch(feed)
        except (FetchError, BadAnswer) as exc:
            found.append(Finding("feeds", False, f"{feed.id}: {exc}",
                                 f"check the url of '{feed.id}' in trends/feeds.yaml (the publication may have "
                                 "moved its feed), or remove the feed"))
        else:
            found.append(Finding("feeds", True, f"{feed.id}: a feed with {entries} items"))
    return found


def workflow_findings(root: Path, branch: str, schema_errors: Callable[[list[Path]], str]) -> list[Finding]:
    """The three workflows exist, fit GitHub's schema (`schema_errors` says what does not), and Pages
    publishes the branch the site's settings name."""
    folder = Path(root) / WORKFLOWS_DIR
    present = [folder / name for name in WORKFLOWS if (folder / name).is_file()]
    found = [Finding("workflows", False, f"{WORKFLOWS_DIR.as_posix()}/{name} is missing",
                     "restore it from the trendkb repository: every install, test, refresh and deployment runs "
                     "through these three") for name in WORKFLOWS if not (folder / name).is_file()]
    errors = schema_errors(present) if present else ""
    if errors:
        found.append(Finding("workflows", False, f"a workflow does not fit GitHub's workflow schema: {errors}",
                             "correct the file; GitHub would not run it"))
        return found
    if present:
        found.append(Finding("workflows", True, ", ".join(path.name for path in present) + " fit GitHub's schema"))
    pages = folder / "pages.yml"
    if pages.is_file():
        triggers = _triggers(pages)
        branches = (triggers.get("push") or {}).get("branches") or []
        if branch not in branches:
            found.append(Finding("workflows", False, f"pages.yml publishes on pushes to {', '.join(branches) or '-'}"
                                                     f", but {deployment.SITE_CONFIG} names the branch {branch}",
                                 f"make the two agree: 'branches: [{branch}]' under 'on: push' in pages.yml, or "
                                 f"'branch' in {deployment.SITE_CONFIG}"))
    return found


def _triggers(path: Path) -> dict[str, Any]:
    try:
        flow = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError:
        return {}
    # YAML 1.1 reads the bare key `on` as True.
    triggers = flow.get("on", flow.get(True)) if isinstance(flow, dict) else None
    return triggers if isinstance(triggers, dict) else {}


def github_findings(repo_url: str | None, ask: Callable[[str], tuple[int, Any]] | None) -> list[Finding]:
    """Pages enabled and building from pages.yml, and the workflows enabled, through GitHub's API.

    `ask(path)` returns the status and the decoded JSON of GET <api>/<path>; None offline.
    """
    by_hand = "on GitHub: Settings, Pages, Build and deployment, Source: GitHub Actions; and the Actions tab " \
              "lists each workflow, with 'Enable workflow' on a disabled one"
    parts = urlsplit(repo_url or "")
    path = parts.path.strip("/").removesuffix(".git")
    if parts.hostname != "github.com" or path.count("/") != 1:
        return [Finding("pages", None, f"{repo_url or 'no repository'} is not a GitHub repository, so Pages and "
                                       "the workflows' state cannot be asked", by_hand)]
    if ask is None:
        return [Finding("pages", None, "whether GitHub Pages is on, and the workflows enabled, is not checked "
                                       "offline", f"run 'trendkb doctor --online' (with GITHUB_TOKEN for a private "
                                                  f"repository), or check {by_hand}")]
    found = []
    status, pages = ask(f"repos/{path}/pages")
    if status == 404:
        found.append(Finding("pages", False, f"GitHub Pages is not enabled for {path}",
                             "Settings, Pages, Build and deployment, Source: GitHub Actions"))
    elif status != 200:
        answer = f"answered {status}" if status else "did not answer"
        found.append(Finding("pages", None, f"GitHub's API {answer} about Pages for {path}",
                             "give a token that may read the repository in GITHUB_TOKEN, or check " + by_hand))
    elif pages.get("build_type") != "workflow":
        found.append(Finding("pages", False, f"GitHub Pages for {path} publishes a branch, not what pages.yml "
                                             "builds", "Settings, Pages, Build and deployment, Source: GitHub "
                                                       "Actions"))
    else:
        found.append(Finding("pages", True, f"GitHub Pages publishes what pages.yml builds ({pages.get('html_url')})"))
    for name in WORKFLOWS:
        status, flow = ask(f"repos/{path}/actions/workflows/{name}")
        if status == 404:
            found.append(Finding("pages", False, f"GitHub does not know {name} in {path}",
                                 f"push {WORKFLOWS_DIR.as_posix()}/{name} to the default branch"))
        elif status != 200:
            answer = f"answered {status}" if status else "did not answer"
            found.append(Finding("pages", None, f"GitHub's API {answer} about {name}", by_hand))
        elif flow.get("state") != "active":
            why = " (GitHub turns scheduled workflows off after 60 days without activity in a public repository)" \
                if flow.get("state") == "disabled_inactivity" else ""
            found.append(Finding("pages", False, f"{name} is {flow.get('state')}{why}",
                                 f"in the Actions tab, open '{flow.get('name') or name}' and choose Enable workflow"))
        else:
            found.append(Finding("pages", True, f"{name} is enabled"))
    return found


def secret_findings(workflows: Mapping[str, str], environ: Mapping[str, str]) -> list[Finding]:
    """The secrets the workflows mention, as far as this process can see them: only inside a GitHub
    Actions step, and only those handed to the step (an empty value: the secret is not set)."""
    mentioned: dict[str, list[str]] = {}
    for name, text in workflows.items():
        for secret in _SECRET.findall(text):
            if secret != "GITHUB_TOKEN":
                mentioned.setdefault(secret, [])
                if name not in mentioned[secret]:
                    mentioned[secret].append(name)
    if not mentioned:
        return []
    if environ.get("GITHUB_ACTIONS") != "true":
        return [Finding("secrets", None, f"{', '.join(sorted(mentioned))}: secrets cannot be seen from here",
                        "the refresh workflow's doctor step checks them; or look under Settings, Secrets and "
                        "variables, Actions")]
    found = []
    for secret, files in sorted(mentioned.items()):
        if secret not in environ:
            found.append(Finding("secrets", None, f"{secret} is not given to this step, so it cannot be seen",
                                 f"pass it to the step as 'env: {secret}: ${{{{ secrets.{secret} }}}}'"))
        elif not environ[secret]:
            found.append(Finding("secrets", False, f"{secret}, which {' and '.join(files)} use, is not set",
                                 SECRET_FIXES.get(secret, f"add the {secret} secret under Settings, Secrets and "
                                                          "variables, Actions")))
        else:
            found.append(Finding("secrets", True, f"{secret} is set"))
    return found


# ---------------------------------------------------------------- the run


@dataclass
class Online:
    """What the online checks need: the polite session, and where GitHub's API is."""

    http: PoliteSession
    api: str
    token: str | None


def examine(root: Path, environ: Mapping[str, str], online: Online | None) -> list[Finding]:
    """Every finding for the deployment at root."""
    root = Path(root)
    feeds_path = root / store.TRENDS_DIR / store.FEEDS_FILE
    feeds, problems = None, []
    if feeds_path.is_file():
        loaded, found = store.load_feeds(feeds_path, root)
        feeds, problems = (loaded.record if loaded else None), [str(problem) for problem in found]
    identity = deployment.load(root, environ, feeds.contact if feeds else None)
    findings = identity_findings(identity)
    fetch = None
    if online is not None:
        def fetch(feed: models.Feed) -> int:
            response = online.http.get(feed.url, max_bytes=min(FEED_MAX_BYTES, online.http.settings.max_bytes))
            return len(parse_feed(response.content, response.headers, feed.homepage))
    findings += feeds_findings(feeds, problems, fetch)
    findings += workflow_findings(root, identity.branch, _schema_errors)
    findings += github_findings(identity.repo_url, _asker(online) if online else None)
    texts = {path.name: path.read_text(encoding="utf-8") for path in sorted((root / WORKFLOWS_DIR).glob("*.yml"))}
    findings += secret_findings(texts, environ)
    return findings


def _asker(online: Online) -> Callable[[str], tuple[int, Any]]:
    headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
    if online.token:
        headers["Authorization"] = f"Bearer {online.token}"

    def ask(path: str) -> tuple[int, Any]:
        try:
            response = online.http.get(f"{online.api.rstrip('/')}/{path}", headers=headers, ok=(200, 401, 403, 404))
        except FetchError:
            return 0, {}  # no answer: reported as "cannot be seen", with how to check by hand
        try:
            data = json.loads(response.content) if response.status_code == 200 else {}
        except ValueError:
            data = {}
        return response.status_code, data if isinstance(data, dict) else {}

    return ask


def _schema_errors(files: list[Path]) -> str:
    """What check-jsonschema finds wrong in the workflows against GitHub's schema (bundled: no network)."""
    result = subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows",
                             "-o", "text", *map(str, files)], capture_output=True, text=True, check=False)
    if result.returncode == 0:
        return ""
    lines = [line.strip() for line in (result.stdout + result.stderr).splitlines()
             if line.strip() and not line.startswith("Schema validation errors")]
    return "; ".join(lines[:5]) or "check-jsonschema failed without a message"


def report(findings: list[Finding], out: TextIO) -> int:
    """Print one line per finding (and its fix); 1 when any is a problem."""
    labels = {True: "ok", False: "PROBLEM", None: "unknown"}
    for finding in findings:
        print(f"{labels[finding.ok]:<8} {finding.check}: {finding.message}", file=out)
        if finding.fix and finding.ok is not True:
            print(f"{'':<8} {'fix' if finding.ok is False else 'to check'}: {finding.fix}", file=out)
    problems = sum(finding.ok is False for finding in findings)
    print(f"{problems} problem{'s' if problems != 1 else ''} found" if problems else
          "no problem found", file=out)
    return 1 if problems else 0


def online_session(root: Path, environ: Mapping[str, str], clock, sleep) -> Online:
    """The session the online checks use: polite, and introduced with the deployment's contact."""
    identity = deployment.load(root, environ, _feeds_contact(root))
    http = PoliteSession(user_agent(identity.contact or identity.repo_url or GITHUB_API), clock=clock, sleep=sleep)
    return Online(http=http, api=environ.get("TRENDKB_GITHUB_API") or GITHUB_API,
                  token=environ.get("GITHUB_TOKEN") or environ.get("GH_TOKEN"))


def _feeds_contact(root: Path) -> str | None:
    path = Path(root) / store.TRENDS_DIR / store.FEEDS_FILE
    loaded, _ = store.load_feeds(path, root) if path.is_file() else (None, [])
    return loaded.record.contact if loaded else None
