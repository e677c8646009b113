#!/usr/bin/env python3
"""Runs scenarios/benchmarks/harness-cost.toml with the settle pause off and on, and with the
host probes on and off (alternating), and prints the harness's cost per run: (elapsed - summed
wall_s) / runs, in microseconds.
Usage (after cargo build --release): python3 scenarios/benchmarks/harness-cost.py [rounds]"""
import csv
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PARABENCH = os.path.join(ROOT, "target", "release", "parabench")
SCENARIO = os.path.join(ROOT, "scenarios", "benchmarks", "harness-cost.toml")


def once(settle_us, out, probes=True):
    env = dict(os.environ)
    if not probes:
        env["PARABENCH_DISABLE_PROBES"] = "host"
    if settle_us is not None:
        env["PARABENCH_SETTLE_US"] = str(settle_us)
    t0 = time.monotonic()
    subprocess.run([PARABENCH, "run", SCENARIO, "-o", out, "--timeline", "off", "--quiet"],
                   check=True, env=env, stdout=subprocess.DEVNULL)
    elapsed = time.monotonic() - t0
    with open(os.path.join(out, "bench-harness-cost", "runs.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    wall = sum(float(r["wall_s"]) for r in rows)
    return (elapsed - wall) / len(rows) * 1e6


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    with tempfile.TemporaryDirectory() as tmp:
        for label, settle in [("settle off (0 us)", 0), ("default settle", None)]:
            costs = [once(settle, os.path.join(tmp, f"{settle}-{r}")) for r in range(rounds)]
            shown = ", ".join(f"{c:.0f}" for c in costs)
            print(f"{label}: {shown} us per run (includes process start-up and the final report, spread over 2,000 runs)")
        # The host probes (before and after each run), alternating on and off.
        on, off = [], []
        for r in range(rounds):
            on.append(once(None, os.path.join(tmp, f"on-{r}")))
            off.append(once(None, os.path.join(tmp, f"off-{r}"), probes=False))
        diffs = sorted(a - b for a, b in zip(on, off))
        print(f"host probes on: {', '.join(f'{c:.0f}' for c in on)} us per run; off: "
              f"{', '.join(f'{c:.0f}' for c in off)}; the probes add {diffs[len(diffs) // 2]:.0f} "
              f"us per run (median of {rounds} alternations, {diffs[0]:.0f} to {diffs[-1]:.0f})")


if __name__ == "__main__":
    main()
