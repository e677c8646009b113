#!/usr/bin/env python3
"""Do parabench's answers hold on a host whose speed moves under a run?

  agreement    Runs one scenario N times back to back, alternating `--order cells`, the
               default order (`rounds`) and `rounds` with `--remeasure 20`, and prints per model
               the speedup at the core count of every run with max/min; then an A/A `compare` of consecutive runs of each order
               (false alarms out of cell comparisons, noisy cells, exit codes); then whether
               every run whose speedup is more than 10% from its model's median carries a host
               warning in its report.
  power        A C library scenario measured, then the same library rebuilt at the same path
               with 10% more work per task, measured again, and compared: every cell should be
               `regressed`, none `noisy`. Repeated for several pairs.
  disturbance  One run of the scenario while a C spinner pinned to one CPU competes for part
               of it: the probe columns should show that CPU slowed in exactly those runs, and
               the report's host warning should name the cells it hit.
  warmup       What a later round's fresh process needs before its first measured run: the
               scenario run with PARABENCH_LATER_WARMUP = full, short and none, alternated;
               per model, the first measured run of each later-round process over the median
               of the cell's other runs, and the session's time.

Build first: cargo build --release. Usage:
  python3 scenarios/benchmarks/rerun-agreement.py agreement [--runs 6] [--scenario FILE]
  python3 scenarios/benchmarks/rerun-agreement.py power [--pairs 3]
  python3 scenarios/benchmarks/rerun-agreement.py disturbance [--scenario FILE]
  python3 scenarios/benchmarks/rerun-agreement.py warmup [--runs 3] [--scenario FILE]
"""
import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BIN = os.path.join(ROOT, "target", "release", "parabench")
SCENARIO = os.path.join(HERE, "rerun-agreement.toml")
WORK_C = os.path.join(ROOT, "scenarios", "examples", "native-c", "work.c")
CORES = os.cpu_count() or 1

SPINNER_C = r"""
#define _GNU_SOURCE
#include <sched.h>
#include <stdlib.h>
#include <time.h>
int main(int argc, char **argv) {
    cpu_set_t set; CPU_ZERO(&set); CPU_SET(atoi(argv[1]), &set);
    if (sched_setaffinity(0, sizeof set, &set) != 0) return 1;
    struct timespec t0, t; clock_gettime(CLOCK_MONOTONIC, &t0);
    double seconds = atof(argv[2]);
    volatile unsigned long x = 0;
    do { for (int i = 0; i < 100000; i++) x += i; clock_gettime(CLOCK_MONOTONIC, &t); }
    while ((t.tv_sec - t0.tv_sec) + (t.tv_nsec - t0.tv_nsec) * 1e-9 < seconds);
    return 0;
}
"""


def run(scenario, out, *extra):
    """One `parabench run`; returns the run folder."""
    cmd = [BIN, "run", scenario, "-o", out, "--no-progress", "--quiet", *extra]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    folders = [d for d in os.listdir(out) if os.path.isfile(os.path.join(out, d, "runs.csv"))]
    return os.path.join(out, folders[0])


def summary(folder):
    with open(os.path.join(folder, "summary.csv"), newline="") as f:
        return list(csv.DictReader(f))


def at_cores(rows):
    """Speedup per model at its most workers within the cores."""
    out = {}
    for r in rows:
        w = int(r["workers"])
        if r["speedup"] and w <= CORES and w >= out.get(r["model"], (0, 0))[0]:
            out[r["model"]] = (w, float(r["speedup"]))
    return out


def compare(base, new, threshold="5%"):
    p = subprocess.run(
        [BIN, "compare", base, new, "--format", "json", "--no-charts", "--threshold", threshold],
        capture_output=True, text=True)
    if p.returncode not in (0, 1):
        sys.exit(f"compare failed ({p.returncode}): {p.stderr}")
    doc = json.loads(p.stdout)
    return doc, p.returncode


def host_warning(folder, held=False):
    """The report's warning that names cells the machine moved (or, with `held`, also the
    note on disturbed runs whose cells held)."""
    with open(os.path.join(folder, "report.md")) as f:
        for para in f.read().split("\n\n"):
            if "machine slowed down" in para or (held and "machine was disturbed" in para):
                return para
    return ""


# What each agreement series runs: `cells` order, the default `rounds` order, and `rounds`
# with slowed runs measured again.
ORDERS = {
    "cells": ["--order", "cells"],
    "rounds": ["--order", "rounds"],
    "remeasure": ["--order", "rounds", "--remeasure", "20"],
}


def agreement(args):
    orders = list(ORDERS)
    base = tempfile.mkdtemp(prefix="parabench-rerun-")
    folders = {o: [] for o in orders}
    took = {o: [] for o in orders}
    for i in range(args.runs):
        for o in orders:  # alternated, so both orders see the same stretch of the session
            t = time.monotonic()
            folders[o].append(run(args.scenario, os.path.join(base, o, str(i)), *ORDERS[o]))
            took[o].append(time.monotonic() - t)
            print(f"run {i + 1}/{args.runs} {o}: {took[o][-1]:.1f} s", file=sys.stderr)
    print(f"scenario {args.scenario}, {args.runs} runs per order, {CORES} cores, runs in {base}\n")
    print("speedup at the core count, every run (max/min):")
    for o in orders:
        speedups = [at_cores(summary(f)) for f in folders[o]]
        for model in sorted({m for s in speedups for m in s}):
            values = [s[model][1] for s in speedups if model in s]
            if model == "sequential" or not values:
                continue
            shown = " ".join(f"{v:.2f}" for v in values)
            print(f"  {o:<9} {model:<15} {shown}  max/min {max(values) / min(values):.2f}")
    print("\nA/A compare of consecutive runs (5% threshold):")
    for o in orders:
        alarms = noisy = cells = exits = flagged_runs = 0
        for a, b in zip(folders[o], folders[o][1:]):
            doc, code = compare(a, b)
            c = doc["counts"]
            n = c["regressed"] + c["improved"]
            alarms += n
            noisy += c.get("noisy", 0)
            cells += c["regressed"] + c["improved"] + c["unchanged"] + c.get("noisy", 0)
            exits += code == 1
            flagged_runs += n > 0
        comparisons = len(folders[o]) - 1
        print(f"  {o:<9} {alarms} false alarms in {cells} cell comparisons; {noisy} noisy; "
              f"{flagged_runs} of {comparisons} compares flag something; {exits} exit 1")
    print("\nruns whose speedup is >10% from its model's median, and their host warnings:")
    for o in orders:
        speedups = [at_cores(summary(f)) for f in folders[o]]
        off = warned = 0
        for model in sorted({m for s in speedups for m in s} - {"sequential"}):
            values = [s[model][1] for s in speedups if model in s]
            med = statistics.median(values)
            for f, s in zip(folders[o], speedups):
                if model in s and abs(s[model][1] / med - 1) > 0.10:
                    off += 1
                    w = host_warning(f)
                    hit = f"`{model}`@{s[model][0]}" in w or "`sequential`@1" in w
                    warned += hit
                    print(f"  {o:<9} {model:<15} {s[model][1]:.2f} vs median {med:.2f} in "
                          f"{f}: {'host warning' if hit else 'NO host warning'}")
        print(f"  {o:<9} {warned} of {off} such runs carry a host warning")
    for o in orders:
        print(f"\n{o}: median {statistics.median(took[o]):.1f} s per run")


def build(lib, percent):
    subprocess.run(["cc", "-shared", "-fPIC", "-O2", f"-DWORK_PERCENT={percent}", "-o", lib,
                    WORK_C], check=True)


def power(args):
    base = tempfile.mkdtemp(prefix="parabench-power-")
    lib = os.path.join(base, "libwork.so")
    scenario = os.path.join(base, "gate.toml")
    with open(scenario, "w") as f:
        f.write('name = "bench-gate-power"\nrepeats = 10\nworkers = [1, "cores"]\n'
                'baseline = "sequential"\nmodels = ["sequential", "threads", "processes"]\n\n'
                '[[workload]]\nname = "xorshift"\nlibrary = "libwork.so"\nsymbol = "work"\n'
                'tasks = 16\nrounds = 1_000_000\n')
    print(f"power: C library, 10% more work per task in the new build; runs in {base}")
    verdicts = {}
    for i in range(args.pairs):
        build(lib, 100)
        old = run(scenario, os.path.join(base, f"base-{i}"))
        build(lib, 110)
        new = run(scenario, os.path.join(base, f"new-{i}"))
        doc, code = compare(old, new)
        print(f"  pair {i + 1}: {doc['counts']} exit {code}")
        for c in doc["cells"]:
            key = f"{c['model']}@{c['workers']}"
            verdicts.setdefault(key, []).append(
                f"{c['verdict']} ({c['time_change_pct']:+.1f}%)" if c.get("time_change_pct") is not None
                else c["verdict"])
    for key, v in verdicts.items():
        print(f"  {key:<16} {', '.join(v)}")


def disturbance(args):
    base = tempfile.mkdtemp(prefix="parabench-disturb-")
    spinner = os.path.join(base, "spinner")
    src = spinner + ".c"
    with open(src, "w") as f:
        f.write(SPINNER_C)
    subprocess.run(["cc", "-O1", "-o", spinner, src], check=True)
    cpu = CORES - 1
    # Time one undisturbed run to place the spinner in its middle third.
    t = time.monotonic()
    run(args.scenario, os.path.join(base, "calibrate"))
    duration = time.monotonic() - t
    out = os.path.join(base, "disturbed")
    proc = subprocess.Popen([BIN, "run", args.scenario, "-o", out, "--no-progress", "--quiet"],
                            stdout=subprocess.DEVNULL)
    time.sleep(duration / 3)
    spin_from = time.time()
    subprocess.run([spinner, str(cpu), str(duration / 3)], check=True)
    spin_to = time.time()
    proc.wait()
    folder = os.path.join(out, os.listdir(out)[0])
    with open(os.path.join(folder, "meta.json")) as f:
        origin = json.load(f)["started_unix_s"]
    lo, hi = spin_from - origin, spin_to - origin
    print(f"spinner pinned to CPU {cpu} from {lo:.2f} s to {hi:.2f} s of the session ({folder})")
    inside, outside = [], []
    with open(os.path.join(folder, "runs.csv"), newline="") as f:
        for r in csv.DictReader(f):
            if not r["start_s"] or not r["host_speed"]:
                continue
            start, wall = float(r["start_s"]), float(r["wall_s"])
            usable = min(int(r["workers"]), CORES)
            crowded = bool(r["runq_wait_s"]) and float(r["runq_wait_s"]) > 0.1 * wall * usable
            row = (float(r["host_speed"]), crowded, f"{r['model']}@{r['workers']}")
            (inside if lo <= start <= hi else outside).append(row)
    for name, rows in (("during the spinner", inside), ("outside it", outside)):
        if rows:
            print(f"  runs {name}: {len(rows)}, median host speed "
                  f"{statistics.median(s for s, _, _ in rows):.2f}, lowest "
                  f"{min(s for s, _, _ in rows):.2f}, waiting for a CPU (runq > 10%): "
                  f"{sum(c for _, c, _ in rows)}")
    print(f"  cells with runs during the spinner: {', '.join(sorted({c for _, _, c in inside}))}")
    print(f"  report: {host_warning(folder, held=True) or '(no host warning)'}")


def warmup(args):
    base = tempfile.mkdtemp(prefix="parabench-warmup-")
    modes = ["full", "short", "none"]
    ratios = {m: {} for m in modes}
    took = {m: [] for m in modes}
    for i in range(args.runs):
        for mode in modes:
            env = dict(os.environ, PARABENCH_LATER_WARMUP=mode)
            out = os.path.join(base, mode, str(i))
            t = time.monotonic()
            subprocess.run([BIN, "run", args.scenario, "-o", out, "--no-progress", "--quiet"],
                           check=True, stdout=subprocess.DEVNULL, env=env)
            took[mode].append(time.monotonic() - t)
            folder = os.path.join(out, os.listdir(out)[0])
            cells = {}
            with open(os.path.join(folder, "runs.csv"), newline="") as f:
                for r in csv.DictReader(f):
                    if r["status"] == "ok":
                        key = (r["workload"], r["model"], r["workers"])
                        cells.setdefault(key, []).append((int(r["round"]), int(r["repeat"]), float(r["wall_s"])))
            for (workload, model, workers), runs in cells.items():
                by_round = {}
                for rnd, rep, t in runs:
                    by_round.setdefault(rnd, []).append((rep, t))
                for rnd, rr in by_round.items():
                    if rnd == 0:
                        continue
                    first = min(rr)[1]
                    others = [t for rnd2, rep, t in runs if (rnd2, rep) != (rnd, min(rr)[0])]
                    ratios[mode].setdefault(f"{workload}/{model}", []).append(first / statistics.median(others))
    print(f"first measured run of each later-round process / median of the cell's other runs "
          f"({args.runs} sessions per mode, runs in {base}):")
    models = sorted({m for r in ratios.values() for m in r})
    print(f"  {'workload/model':<28}" + "".join(f"{m:>22}" for m in modes))
    for model in models:
        cells = []
        for m in modes:
            v = ratios[m].get(model, [])
            q = statistics.quantiles(v, n=4) if len(v) > 1 else [v[0]] * 3 if v else [float("nan")] * 3
            cells.append(f"{statistics.median(v) if v else float('nan'):.3f} ({q[0]:.2f}-{q[2]:.2f})")
        print(f"  {model:<28}" + "".join(f"{c:>22}" for c in cells))
    for m in modes:
        print(f"  {m}: median {statistics.median(took[m]):.1f} s per session")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("what", choices=["agreement", "power", "disturbance", "warmup"])
    p.add_argument("--runs", type=int, default=6)
    p.add_argument("--pairs", type=int, default=3)
    p.add_argument("--scenario", default=SCENARIO)
    args = p.parse_args()
    if not os.path.exists(BIN):
        sys.exit(f"{BIN} not found: run `cargo build --release` first")
    {"agreement": agreement, "power": power, "disturbance": disturbance,
     "warmup": warmup}[args.what](args)


if __name__ == "__main__":
    main()
