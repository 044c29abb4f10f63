"""The deployment's identity: one repository setting, the contact derived from it, and the overrides."""

from __future__ import annotations

import pytest

from tests.conftest import REPO
from trendkb import deployment

FORK = "https://github.com/acme-lab/ml-trends"


def test_the_contact_is_the_repository_s_issues_page():
    identity = deployment.resolve({"repo_url": FORK + "/"}, {})
    assert identity.repo_url == FORK and identity.branch == "main"
    assert identity.contact == f"{FORK}/issues"
    assert identity.repo_from == "mkdocs.yml extra.trendkb.repo_url"


def test_the_environment_and_the_feed_list_override_in_order():
    settings = {"repo_url": deployment.PLACEHOLDER_REPO_URL, "branch": "trunk"}
    moved = deployment.resolve(settings, {"TRENDKB_REPO_URL": FORK})
    assert (moved.repo_url, moved.contact, moved.branch) == (FORK, f"{FORK}/issues", "trunk")
    mailed = deployment.resolve(settings, {"TRENDKB_REPO_URL": FORK}, feeds_contact="trends@acme-lab.io")
    assert (mailed.contact, mailed.contact_from) == ("trends@acme-lab.io", "trends/feeds.yaml contact")
    assert deployment.resolve(settings, {"TRENDKB_CONTACT": "ops@acme-lab.io"}, "x@acme-lab.io").contact == \
        "ops@acme-lab.io"
    nothing = deployment.resolve({}, {})
    assert nothing.repo_url is None and nothing.contact is None and nothing.repo_from == "nowhere"


@pytest.mark.parametrize("value, placeholder", [
    (deployment.PLACEHOLDER_REPO_URL, True),
    (deployment.PLACEHOLDER_REPO_URL + "/issues", True),
    ("https://github.com/trendkb/trendkb-fork", False),
    ("team@example.org", True),
    ("https://example.com/kb", True),
    ("https://github.com/your-org/trendkb", True),
    (FORK, False),
    ("trends@acme-lab.io", False),
])
def test_placeholders_are_recognised(value, placeholder):
    assert deployment.is_placeholder(value) is placeholder


def test_the_setting_is_read_from_mkdocs_yml_even_with_mkdocs_tags(tmp_path):
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: x\nsite_url: !ENV [SITE_URL, 'https://x.example.net/']\n"
        "markdown_extensions:\n  - pymdownx.emoji:\n"
        "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
        f"extra:\n  trendkb:\n    repo_url: {FORK}\n    branch: trunk\n")
    assert deployment.site_settings(tmp_path) == {"repo_url": FORK, "branch": "trunk"}
    assert deployment.site_settings(tmp_path / "missing") == {}


def test_this_repository_sets_it_in_one_place():
    """The repository URL lives in mkdocs.yml only: the feed list carries no copy of it."""
    assert deployment.load(REPO, {}).repo_url == deployment.site_settings(REPO)["repo_url"]
    assert "contact:" not in "\n".join(line for line in (REPO / "trends" / "feeds.yaml").read_text().splitlines()
                                       if not line.startswith("#"))
