"""The files of a git revision, or of the working tree: what `trendkb diff` and `signals-diff` compare.

The only module that runs git. It lists a revision's files under trends/ with
`git ls-tree`, sorts the trend files with the same rule as `trendkb validate`
(`store.sort_trend_files`), and reads them in one `git cat-file --batch`.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from trendkb.store import TRENDS_DIR, files_under_trends, signals_dir, sort_trend_files


class RevisionError(Exception):
    """git is missing, the folder is not in a repository, or the revision is unknown."""


def _git(root: Path, *args: str, stdin: bytes | None = None) -> bytes:
    try:
        result = subprocess.run(["git", "-C", str(root), *args], input=stdin, capture_output=True, check=False)
    except FileNotFoundError:
        raise RevisionError("git is not installed; trendkb diff reads the older version from git") from None
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RevisionError(f"git {args[0]} failed: {message[-1] if message else 'no message'}")
    return result.stdout


def resolve(root: Path, revision: str) -> str:
    """The commit a revision names, or a RevisionError saying what to do."""
    if revision.startswith("-"):
        raise RevisionError(f"'{revision}' is not a revision")
    try:
        return _git(root, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}").decode().strip()
    except RevisionError:
        pass
    try:
        _git(root, "rev-parse", "--git-dir")
    except RevisionError:
        raise RevisionError(f"{root} is not in a git repository; trendkb diff compares with a commit") from None
    raise RevisionError(f"no commit '{revision}' in the repository at {root}; name a branch, tag or commit "
                        "(a shallow clone may need 'git fetch' first)")


def merge_base(root: Path, first: str, second: str) -> str:
    return _git(root, "merge-base", resolve(root, first), resolve(root, second)).decode().strip()


def files_at(root: Path, revision: str) -> dict[str, bytes]:
    """The trend files of a commit: path from the root -> content."""
    blobs = _blobs(root, resolve(root, revision), f"{TRENDS_DIR}/")
    wanted, _ = sort_trend_files(list(blobs))
    return _contents(root, blobs, wanted)


def signal_files_at(root: Path, revision: str) -> dict[str, bytes]:
    """Every file the collectors keep, as a commit has them: path from the root -> content."""
    blobs = _blobs(root, resolve(root, revision), f"{signals_dir(Path()).as_posix()}/")
    return _contents(root, blobs, sorted(blobs))


def _blobs(root: Path, commit: str, prefix: str) -> dict[str, str]:
    """The files of a commit under a folder: path from the root -> blob id."""
    # Run from the root, ls-tree names the files relative to it, as the store does.
    listing = _git(root, "ls-tree", "-r", "-z", commit, "--", prefix).decode("utf-8", "replace")
    blobs = {}
    for entry in filter(None, listing.split("\0")):
        info, path = entry.split("\t", 1)
        _, kind, blob = info.split()
        if kind == "blob":
            blobs[path] = blob
    return blobs


def _contents(root: Path, blobs: dict[str, str], wanted: list[str]) -> dict[str, bytes]:
    if not wanted:
        return {}
    batch = _git(root, "cat-file", "--batch", stdin="".join(f"{blobs[path]}\n" for path in wanted).encode())
    contents, offset = {}, 0
    for path in wanted:
        header_end = batch.index(b"\n", offset)
        size = int(batch[offset:header_end].split()[2])
        contents[path] = batch[header_end + 1:header_end + 1 + size]
        offset = header_end + 1 + size + 1  # the content is followed by a newline
    return contents


def files_on_disk(root: Path) -> dict[str, bytes]:
    """The trend files of the working tree, saved or not yet committed."""
    wanted, _ = sort_trend_files(files_under_trends(root))
    return {path: (Path(root) / path).read_bytes() for path in wanted}
