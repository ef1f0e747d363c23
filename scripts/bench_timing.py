"""Timing for scripts/bench-python.sh: its two Python processes time calls alike."""

import time


def best(call, number, repeat):
    """Best of `repeat` rounds of `number` calls: (wall s, CPU s) per call."""
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in range(number):
            call()
        walls.append((time.perf_counter() - wall) / number)
        cpus.append((time.process_time() - cpu) / number)
    return min(walls), min(cpus)
