#!/usr/bin/env python3
"""Per-task cost of the user's own code next to the noop kernel, from a run of
`scenarios/benchmarks/own-code-overhead.toml`: for each model and worker count, the median
time per run divided by the task count, for the kernel and for the own code, and their ratio.
Usage: python3 scenarios/benchmarks/own-code-overhead.py out/1/bench-own-code-overhead [...]
(several run folders: one line per folder, so repeated runs show their spread)."""
import csv
import statistics
import sys
from collections import defaultdict

PAIRS = [
    ("native-kernel", "native-library", 2.0),
    ("blocking-kernel", "blocking-library", 2.0),
    ("py-kernel", "py-function", 1.5),
]


def per_task_us(folder):
    times = defaultdict(list)
    tasks = {}
    with open(f"{folder}/runs.csv", newline="") as f:
        for row in csv.DictReader(f):
            if row["status"] != "ok":
                continue
            key = (row["workload"], row["model"], int(row["workers"]))
            # The program's own time for CPython models (interpreter start-up excluded).
            times[key].append(float(row["reported_s"] or row["wall_s"]))
            tasks[key] = int(row["tasks"])
    return {k: statistics.median(v) / tasks[k] * 1e6 for k, v in times.items()}


def main(folders):
    print("%-18s %3s %-6s %12s %12s %7s  %s" % ("model", "w", "run", "kernel us", "own us",
                                                 "ratio", "target"))
    for base, own, target in PAIRS:
        rows = defaultdict(list)
        for n, folder in enumerate(folders):
            us = per_task_us(folder)
            for (workload, model, workers), t in us.items():
                if workload == own and (base, model, workers) in us:
                    rows[(model, workers)].append((n, us[(base, model, workers)], t))
        for (model, workers), found in sorted(rows.items()):
            for n, k, o in found:
                verdict = "ok" if o / k <= target else "OVER %.1fx" % target
                print("%-18s %3d %-6s %12.4f %12.4f %7.2f  %s" % (model, workers, "#%d" % (n + 1),
                                                                k, o, o / k, verdict))


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
