"""The JSON Schema of a trend file, generated from the models and the areas.

Editors use it (through the `# yaml-language-server: $schema=` line at the top
of every trend file, or the mapping for `trends/*/*.yaml` described on the
Contributing page) to complete and check fields while a researcher types. It
holds every rule that fits in one file: the models' types and patterns, the
areas of `trends/areas.yaml`, and no scaffold placeholder left. Rules across
files (ids unique, related trends exist, ...) only `trendkb validate` checks.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from trendkb.models import Trend
from trendkb.scaffold import PLACEHOLDER_PATTERN

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def _forbid_placeholders(node: Any) -> None:
    """Every free-text string in the schema refuses the scaffold's placeholders."""
    if isinstance(node, dict):
        if node.get("type") == "string" and not {"enum", "format", "const"} & node.keys():
            node["not"] = {"pattern": PLACEHOLDER_PATTERN}
        for value in node.values():
            _forbid_placeholders(value)
    elif isinstance(node, list):
        for value in node:
            _forbid_placeholders(value)


def trend_schema(area_ids: Sequence[str]) -> dict:
    schema = Trend.model_json_schema()
    _forbid_placeholders(schema)
    schema["properties"]["area"]["enum"] = list(area_ids)
    return {"$schema": SCHEMA_DIALECT, **schema}


def schema_text(area_ids: Sequence[str]) -> str:
    return json.dumps(trend_schema(area_ids), indent=2, ensure_ascii=False) + "\n"
