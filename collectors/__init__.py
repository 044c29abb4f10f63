"""collectors: the network adapters that fill trends/signals/ (`trendkb collect`).

- `http`     the polite session every request goes through (pacing, timeouts, size cap, backoff, host budgets)
- `limits`   its settings and their defaults
- `arxiv`    papers per trend and monthly counts, through the `arxiv` package
- `news`     items from the feeds in trends/feeds.yaml that mention a trend
- `text`     untrusted text to plain text, links to http(s) only
- `base`     the collector interface and the registry of sources; `run` executes them, `report` shows it
- `doctor`   `trendkb doctor`: checks a deployment before its first scheduled run
- `cli`      `trendkb collect` and `trendkb doctor`, added to the core's command line through entry points

What the collectors gather goes into the core's signal store (`trendkb.signals`),
which alone knows the files, their format and the lock. Dependencies point one
way: collectors import trendkb, never the reverse.
"""
