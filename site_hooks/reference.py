"""The reference sections of the Contributing page, generated from the models and the signal kinds so they
cannot drift: the fields of a trend record, and the files a refresh pull request changes."""

from __future__ import annotations

import types
import typing
from enum import Enum

from pydantic import BaseModel

from site_hooks.markup import esc
from trendkb import models
from trendkb.signals import Kind
from trendkb.signals.formats import describe

# The models a researcher writes, in the order they meet them.
DOCUMENTED = [models.Trend, models.UseCase, models.RingChange, models.Evidence, models.Reference,
              models.Example, models.Area]


def type_name(annotation: object) -> str:
    """A reader's name for a field type: 'list of UseCase', 'adopt | trial | assess | hold'."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return type_name(args[0])
    if origin in (typing.Union, types.UnionType):
        names = [type_name(a) for a in args if a is not type(None)]
        return " or ".join(names) + (" (optional)" if type(None) in args else "")
    if origin is list:
        return f"list of {type_name(args[0])}"
    if origin is typing.Literal:
        return " | ".join(str(a) for a in args)
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return " | ".join(member.value for member in annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation.__name__
    return {str: "text", int: "whole number"}.get(annotation, getattr(annotation, "__name__", str(annotation)))


def model_table(model: type[BaseModel]) -> str:
    rows = [
        f"<tr><td><code>{esc(name)}</code></td><td>{esc(type_name(info.annotation))}</td>"
        f"<td>{'yes' if info.is_required() else 'no'}</td><td>{esc(info.description or '')}</td></tr>"
        for name, info in model.model_fields.items()
    ]
    return ("\n<table class=\"tkb-table\"><thead><tr><th>Field</th><th>Type</th><th>Required</th>"
            "<th>Description</th></tr></thead><tbody>\n" + "\n".join(rows) + "\n</tbody></table>\n\n")


def schema_reference() -> str:
    parts = []
    for model in DOCUMENTED:
        doc = (model.__doc__ or "").strip().splitlines()
        parts.append(f"### {model.__name__}\n\n" + (f"{esc(doc[0])}\n" if doc else "") + model_table(model))
    return "\n".join(parts)


def signals_reference(kinds: list[Kind]) -> str:
    """Where each kind of collected record lives, how its files are written, and its fields."""
    rows = [f"<tr><td>{esc(kind.title or kind.name)}</td><td><code>trends/signals/{esc(kind.path)}</code></td>"
            f"<td>{describe(kind)}</td><td>{esc(', '.join(kind.key))}</td></tr>" for kind in kinds]
    parts = ["\n<table class=\"tkb-table\"><thead><tr><th>Kind</th><th>File</th><th>Format</th>"
             "<th>One record per</th></tr></thead><tbody>\n" + "\n".join(rows) + "\n</tbody></table>\n"]
    for kind in kinds:
        parts.append(f"### {esc(kind.title or kind.name)}\n\n{esc(kind.about)}\n" + model_table(kind.model))
    return "\n".join(parts)
