"""What a person sees during and after a run: progress per source, then a summary table.

On a terminal: a rich progress bar per collector and a rich table. Anywhere
else (CI logs, pipes, files): one plain line per job and a plain-text table,
nothing that redraws. Progress goes to stderr, the summary to stdout.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TextIO

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from collectors.base import Tally

COLUMNS = ("fetched", "new", "updated", "skipped", "failed")


@dataclass(frozen=True)
class Row:
    """One line of the summary: a status source, its numbers, and its error if it failed."""

    source: str
    tally: Tally
    error: str | None


class Reporter:
    """Progress while the jobs run, and the summary table at the end."""

    def __init__(self, out: TextIO, err: TextIO, tty: bool):
        self.out, self.err, self.tty = out, err, tty
        self._progress: Progress | None = None
        self._tasks: dict[str, int] = {}
        self._done: dict[str, int] = {}
        self._totals: dict[str, int] = {}

    def __enter__(self) -> Reporter:
        if self.tty:
            self._progress = Progress(
                TextColumn("[bold]{task.description:<6}"), BarColumn(), MofNCompleteColumn(),
                TimeElapsedColumn(), TextColumn("{task.fields[current]}"),
                console=Console(file=self.err, force_terminal=True, highlight=False),
            )
            self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()

    def begin(self, name: str, total: int) -> None:
        self._totals[name], self._done[name] = total, 0
        if self._progress is not None:
            self._tasks[name] = self._progress.add_task(name, total=total, current="")
        else:
            print(f"{name}: {total} job{'s' if total != 1 else ''}", file=self.err, flush=True)

    def job_done(self, name: str, label: str, tally: Tally, error: str | None) -> None:
        self._done[name] += 1
        numbers = f"{tally.fetched} fetched, {tally.new} new, {tally.updated} updated"
        if self._progress is not None:
            self._progress.update(self._tasks[name], advance=1, current=label)
            if error:
                self._progress.console.print(f"[red]failed[/] {escape(name)} {escape(label)}: {escape(error)}")
            return
        where = f"{name} [{self._done[name]}/{self._totals[name]}] {label}"
        line = f"{where}: FAILED: {error}" if error else f"{where}: {numbers}"
        print(line, file=self.err, flush=True)

    def summary(self, rows: list[Row], footer: list[str]) -> None:
        total = Tally()
        for row in rows:
            total.add(row.tally)
        if self.tty:
            table = Table(title="trendkb collect")
            table.add_column("source")
            for column in COLUMNS:
                table.add_column(column, justify="right")
            table.add_column("result")
            for row in rows:
                result = "[red]failed[/]" if row.error else "[green]ok[/]"
                table.add_row(escape(row.source), *(str(getattr(row.tally, c)) for c in COLUMNS), result)
            table.add_row("[bold]total[/]", *(f"[bold]{getattr(total, c)}[/]" for c in COLUMNS), "")
            console = Console(file=self.out, force_terminal=True, highlight=False)
            console.print(table)
            for row in rows:
                if row.error:
                    console.print(f"[red]{escape(row.source)}[/]: {escape(row.error)}")
            for line in footer:
                console.print(escape(line))
            return
        width = max([len("source"), len("total"), *(len(row.source) for row in rows)])
        lines = [f"{'source':<{width}}  " + "  ".join(f"{c:>7}" for c in COLUMNS) + "  result"]
        for row in rows:
            numbers = "  ".join(f"{getattr(row.tally, c):>7}" for c in COLUMNS)
            lines.append(f"{row.source:<{width}}  {numbers}  {'FAILED' if row.error else 'ok'}")
        lines.append(f"{'total':<{width}}  " + "  ".join(f"{getattr(total, c):>7}" for c in COLUMNS))
        lines += [f"{row.source}: {row.error}" for row in rows if row.error]
        lines += footer
        print("\n".join(lines), file=self.out, flush=True)
