"""The JSON Schema of a trend file, generated from the models.

Editors use it (through the `# yaml-language-server: $schema=` line at the top
of every trend file) to complete and check fields while a researcher types.
"""

from __future__ import annotations

import json

from trendkb.models import Trend

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def trend_schema() -> dict:
    schema = Trend.model_json_schema()
    return {"$schema": SCHEMA_DIALECT, **schema}


def schema_text() -> str:
    return json.dumps(trend_schema(), indent=2, ensure_ascii=False) + "\n"
