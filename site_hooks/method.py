"""The generated parts of the Method page (content/method.md): rules and numbers read from the code.

The momentum rules are written from trendkb.momentum's constants and in the
order `momentum()` applies them, so the page cannot state a window or a
threshold the site does not use.
"""

from __future__ import annotations

from trendkb import momentum as rules
from trendkb.momentum import Label


def momentum_rules() -> str:
    window, months = rules.WINDOW, 2 * rules.WINDOW
    threshold = f"{rules.THRESHOLD:.0%}"
    labels = {
        Label.NO_DATA: f"fewer than {months} complete months of counts.",
        Label.TOO_FEW: f"fewer than {rules.MIN_PAPERS} papers in those {months} months together: one or two "
                       f"papers more or less would move the change past {threshold}, so no label is given.",
        Label.NEW: f"no papers in the earlier {window} months, some in the last {window}.",
        Label.RISING: f"the last {window} months' mean is at least {threshold} above the {window} months' "
                      "before them.",
        Label.FALLING: f"the last {window} months' mean is at least {threshold} below the {window} months' "
                       "before them.",
        Label.STEADY: f"anything in between: a change of less than {threshold} either way.",
    }
    lines = [
        f"Momentum compares the last **{window} complete months** with the **{window} months before them**. "
        "For each of the two periods it takes the mean of the trend's monthly share of its area's papers "
        "(or of its papers per month, when the area's baseline is missing for any of those months), and "
        f"the change is `mean of the last {window} / mean of the {window} before - 1`. The month in progress "
        "is never used. A label is given by the first rule that applies:",
        "",
        *(f"- **{label}**: {text}" for label, text in labels.items()),
        "",
        "The percentage beside rising, steady and falling is that change: +35% means the recent mean is "
        "1.35 times the earlier one.",
    ]
    return "\n".join(lines) + "\n"


def ring_meanings(help_text: dict[str, str]) -> str:
    return "\n".join(f"- **{ring}**: {text}." for ring, text in help_text.items()) + "\n"
