#!/usr/bin/env python3
"""Checks a `scenarios/benchmarks/short-runs.toml` run (or any run folder) for runs that were
serialised: at each worker count w <= cores, a run slower than 1.35 x (sequential median / w).
Prints every run of each such cell, the median speedup and how many runs were slow.
Usage: python3 scenarios/benchmarks/short-runs.py output/bench-short-runs [cores]"""
import csv
import os
import statistics
import sys
from collections import defaultdict


def main(folder, cores):
    runs = defaultdict(list)
    with open(f"{folder}/runs.csv", newline="") as f:
        for row in csv.DictReader(f):
            if row["status"] == "ok":
                runs[(row["workload"], row["model"], int(row["workers"]))].append(float(row["wall_s"]))
    workloads = sorted({k[0] for k in runs})
    for w in workloads:
        seq = runs.get((w, "sequential", 1))
        if not seq:
            continue
        ref = statistics.median(seq)
        print(f"{w}: sequential median {ref * 1000:.2f} ms")
        for (wl, model, workers), times in sorted(runs.items()):
            if wl != w or model == "sequential" or workers > cores or workers < 2:
                continue
            limit = 1.35 * ref / workers
            slow = sum(t > limit for t in times)
            speedup = ref / statistics.median(times)
            shown = " ".join(f"{t * 1000:.1f}" for t in times)
            print(f"  {model:<15} @{workers}: speedup {speedup:.2f}, slow runs {slow}/{len(times)}  [{shown}] ms")


if __name__ == "__main__":
    folder = sys.argv[1] if len(sys.argv) > 1 else "output/bench-short-runs"
    cores = int(sys.argv[2]) if len(sys.argv) > 2 else os.cpu_count()
    main(folder, cores)
