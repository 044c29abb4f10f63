"""collectors: the network adapters that fill trends/signals/ (`trendkb collect`).

- `http`     the polite session every request goes through (pacing, timeouts, size cap, backoff)
- `arxiv`    papers per trend and monthly counts, through the `arxiv` package
- `news`     items from the feeds in trends/feeds.yaml that mention a trend
- `text`     untrusted text to plain text, links to http(s) only
- `signals`  the stored records in memory, merged and written back atomically
- `base`     the collector interface; `run` executes collectors, `lock` and `report` support it

Dependencies point one way: collectors import trendkb, never the reverse.
"""
