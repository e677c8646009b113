#!/usr/bin/env python3
"""Does recording a timeline distort the run it records?

Usage: python3 timeline-overhead.py RUN_DIR [RUN_DIR ...]

Each RUN_DIR is an output folder of `parabench run --timeline all
scenarios/benchmarks/timeline-overhead.toml` (run it several times into different -o folders).
Every cell there has measured runs (runs.csv) and one more run with per-task recording on
(tasks.csv, run_wall_s). Per cell and folder this prints nothing; per workload and model it
prints, as medians over the folders:

  recorded  the recorded run's wall time vs the median of the cell's measured runs
  control   the last measured run vs the median of the runs before it: the same position at
            the end of the cell, without recording (how much "last run" alone moves)
  per task  (recorded - median) / tasks, in nanoseconds

Standard library only.
"""

import csv
import os
import statistics
import sys
from collections import defaultdict


def main(dirs):
    recorded = defaultdict(list)
    control = defaultdict(list)
    per_task = defaultdict(list)
    for d in dirs:
        runs = defaultdict(list)
        tasks_of = {}
        with open(os.path.join(d, "runs.csv")) as f:
            for r in csv.DictReader(f):
                if r["status"] == "ok":
                    key = (r["workload"], r["model"], r["workers"])
                    runs[key].append((int(r["repeat"]), float(r["wall_s"])))
                    tasks_of[key] = int(r["tasks"])
        walls = {}
        with open(os.path.join(d, "tasks.csv")) as f:
            for r in csv.DictReader(f):
                walls[(r["workload"], r["model"], r["workers"])] = float(r["run_wall_s"])
        for key, wall in walls.items():
            measured = [w for _, w in sorted(runs.get(key, []))]
            if len(measured) < 3:
                continue
            median = statistics.median(measured)
            recorded[key[:2]].append(wall / median - 1)
            control[key[:2]].append(measured[-1] / statistics.median(measured[:-1]) - 1)
            per_task[key[:2]].append((wall - median) / tasks_of[key] * 1e9)
    print("%-8s %-15s %4s %10s %10s %14s" % ("workload", "model", "n", "recorded", "control",
                                             "per task"))
    for key in sorted(recorded):
        n = len(recorded[key])
        print("%-8s %-15s %4d %+9.2f%% %+9.2f%% %+11.1f ns" % (
            key[0], key[1], n, 100 * statistics.median(recorded[key]),
            100 * statistics.median(control[key]), statistics.median(per_task[key])))


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
