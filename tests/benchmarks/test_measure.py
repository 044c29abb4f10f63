"""benchmarks/measure.py: a child's peak memory is its own, not the measuring process's."""

from __future__ import annotations

import sys

from benchmarks import measure

TOUCH = "x = bytearray({mb} * 2**20)\nfor i in range(0, len(x), 4096): x[i] = 1"


def test_peak_memory_is_the_commands_own(tmp_path):
    held = bytearray(300 * 2**20)  # the benchmark process holds a loaded knowledge base
    for i in range(0, len(held), 4096):
        held[i] = 1
    idle = measure.run([sys.executable, "-c", "pass"], cwd=tmp_path)
    busy = measure.run([sys.executable, "-c", TOUCH.format(mb=200)], cwd=tmp_path)
    assert idle.code == busy.code == 0
    assert idle.peak_mb < 100 < 200 <= busy.peak_mb < 300
    assert busy.cpu_seconds > 0 and busy.seconds > 0
    assert measure.run(["false"], cwd=tmp_path).code == 1
    assert list(tmp_path.iterdir()) == []  # the log and the usage file are gone
