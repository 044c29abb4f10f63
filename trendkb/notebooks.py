"""Run the example notebooks of content/examples/ with this environment's Python.

`make example NAME=federated-averaging` calls `python -m trendkb.notebooks NAME`, and
the notebook tests call `execute`. Both start the kernel from the interpreter that
runs them (`sys.executable`) instead of looking up a "python3" kernel spec: a
user-wide Jupyter install on the machine would otherwise be found first and run the
notebooks against packages this project did not install.

Executing needs the `test` extra (`make example` installs it from uv.lock): nbclient, nbformat,
ipykernel and the libraries the notebooks import (the `examples` extra).
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path
from typing import Any

from trendkb.store import EXAMPLES_DIR

# Every example is meant to finish in well under a minute on two cores; this is the
# hard stop for a whole notebook, so one that hangs fails instead of stalling a run.
NOTEBOOK_TIMEOUT = 120


def notebook_path(name: str, root: Path = Path(".")) -> Path:
    """The notebook for 'federated-averaging', 'federated-averaging.ipynb' or a path to a .ipynb file."""
    if "/" in name:
        return Path(name)
    return root / EXAMPLES_DIR / (name if name.endswith(".ipynb") else f"{name}.ipynb")


def execute(path: Path, timeout: float = NOTEBOOK_TIMEOUT) -> Any:
    """Run every cell of the notebook at path, in its own folder; return the executed notebook.

    The file on disk is left as it is (notebooks are stored without outputs). Raises
    nbclient's CellExecutionError when a cell fails (an assert in the notebook
    included) and CellTimeoutError when the whole notebook takes longer than timeout.
    """
    import nbformat
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    # No kernel folders at all: jupyter_client falls back to its built-in spec for
    # "python3", which launches ipykernel with sys.executable.
    specs = KernelSpecManager(kernel_dirs=[])
    manager = AsyncKernelManager(kernel_name="python3", kernel_spec_manager=specs)
    deadline = time.monotonic() + timeout

    def time_left(cell: Any) -> int:
        # nbclient times each cell; giving each the time left makes it a per-notebook limit.
        return max(1, math.ceil(deadline - time.monotonic()))

    client = NotebookClient(notebook, km=manager, timeout_func=time_left,
                            resources={"metadata": {"path": str(Path(path).parent)}})
    client.execute()
    return notebook


def text_outputs(notebook: Any) -> str:
    """What the executed cells printed or showed as text (charts left out), to read the results in a terminal."""
    chunks = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream":
                chunks.append(output.get("text", "").rstrip("\n"))
            elif output.get("output_type") == "execute_result" and "text/plain" in output.get("data", {}):
                chunks.append(output["data"]["text/plain"].rstrip("\n"))
    return "\n\n".join(chunk for chunk in chunks if chunk)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m trendkb.notebooks",
                                     description="Execute example notebooks from content/examples/.")
    parser.add_argument("names", nargs="+", metavar="NAME",
                        help="notebook name (e.g. federated-averaging) or path to a .ipynb file")
    parser.add_argument("--timeout", type=float, default=NOTEBOOK_TIMEOUT,
                        help=f"seconds allowed for each whole notebook (default {NOTEBOOK_TIMEOUT})")
    args = parser.parse_args(argv)
    try:
        from nbclient.exceptions import CellExecutionError, CellTimeoutError
    except ImportError:
        print("running notebooks needs the test tools: run it with 'make example NAME=...', which installs them",
              file=sys.stderr)
        return 2
    failed = 0
    for name in args.names:
        path = notebook_path(name)
        if not path.is_file():
            known = sorted(p.stem for p in EXAMPLES_DIR.glob("*.ipynb"))
            print(f"{path}: no such notebook; known: {', '.join(known) or 'none'}", file=sys.stderr)
            return 2
        started = time.monotonic()
        try:
            notebook = execute(path, timeout=args.timeout)
        except (CellExecutionError, CellTimeoutError) as error:
            failed += 1
            print(f"{path}: FAILED after {time.monotonic() - started:.1f} s\n{error}", file=sys.stderr)
            continue
        print(f"{text_outputs(notebook)}\n\n{path}: ran every cell in {time.monotonic() - started:.1f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
