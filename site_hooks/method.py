"""The generated parts of the Method page (content/method.md): rules and numbers read from the code.

The momentum rules are written from trendkb.momentum's constants and in the
order `momentum()` applies them, so the page cannot state a window or a
threshold the site does not use.
"""

from __future__ import annotations

from trendkb import adoption
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


def adoption_rules() -> str:
    window, months = adoption.WINDOW, 2 * adoption.WINDOW
    threshold = f"{adoption.THRESHOLD:.0%}"
    lines = [
        f"Adoption momentum uses the rule of research momentum on a different count: the mean of the last "
        f"**{window} complete months** against the **{window} months before them**, rising or falling at a change "
        f"of **{threshold}** or more either way. What it counts:",
        "",
        "1. **Downloads per month**, summed over the PyPI packages the trend names, in the months where every one "
        f"of them was counted for the whole month. Fewer than {adoption.MIN_DOWNLOADS:,} downloads in the "
        f"{months} months gives **{Label.TOO_FEW_DOWNLOADS}**.",
        f"2. When there are not {months} such months, and the trend names repositories: **stars gained per "
        "month**, summed over them, from the last snapshot of each month (the series grows a snapshot a day "
        f"from the first collection). Fewer than {adoption.MIN_STARS} new stars in the {months} months gives "
        f"**{Label.TOO_FEW_STARS}**.",
        f"3. Otherwise: **{Label.NO_DATA}**.",
    ]
    return "\n".join(lines) + "\n"
