"""trendkb: a knowledge base of machine-learning trends, kept as YAML in git.

The core package: the record models, reading and writing the YAML store,
cross-record validation and the `trendkb` command line. It does no network
I/O and knows nothing of MkDocs; `collectors` and `site_hooks` build on it.
"""

__version__ = "0.1.0"
