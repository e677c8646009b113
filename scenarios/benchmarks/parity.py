#!/usr/bin/env python3
"""Prints the 1-worker parity table of a `scenarios/benchmarks/parity.toml` run: each native
model's median time at 1 worker divided by `sequential`'s, before and after subtracting the
model's own median setup_s. Usage: python3 scenarios/benchmarks/parity.py output/bench-parity"""
import csv
import statistics
import sys
from collections import defaultdict


def main(folder):
    runs = defaultdict(list)
    setup = defaultdict(list)
    models = []
    workloads = []
    with open(f"{folder}/runs.csv", newline="") as f:
        for row in csv.DictReader(f):
            if row["status"] != "ok" or row["workers"] != "1":
                continue
            key = (row["workload"], row["model"])
            runs[key].append(float(row["wall_s"]))
            setup[key].append(float(row["setup_s"]))
            if row["model"] not in models:
                models.append(row["model"])
            if row["workload"] not in workloads:
                workloads.append(row["workload"])
    others = [m for m in models if m != "sequential"]
    print("| workload | sequential | " + " | ".join(others) + " |")
    print("|---|---|" + "---|" * len(others))
    for w in workloads:
        seq = statistics.median(runs[(w, "sequential")])
        cells = []
        for m in others:
            if (w, m) not in runs:
                cells.append("-")
                continue
            t = statistics.median(runs[(w, m)])
            s = statistics.median(setup[(w, m)])
            cells.append(f"{t / seq:.2f} ({(t - s) / seq:.2f})")
        print(f"| {w} | {seq * 1000:.1f} ms | " + " | ".join(cells) + " |")
    print("\nEach entry: median time / sequential's median (in brackets: after subtracting the")
    print("model's median setup_s).")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "output/bench-parity")
