#!/usr/bin/env python3
"""Writes a synthetic parabench run folder (meta.json + runs.csv) of any size, for timing
`parabench compare` and `parabench plot` on large result sets without running anything.

    python3 .ci/synth-run.py /tmp/big/base                        # 10 x 10 x 10 = 1,000 cells
    python3 .ci/synth-run.py /tmp/big/new --slow m3=1.10 --seed 2  # m3 10% slower
    target/release/parabench compare /tmp/big/base /tmp/big/new

Times are lognormal around a made-up scaling curve (3% noise), seeded, so the same command
always writes the same folder. Standard library only.
"""
import argparse
import csv
import json
import os
import random


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", help="run folder to write (created)")
    ap.add_argument("--workloads", type=int, default=10)
    ap.add_argument("--models", type=int, default=10)
    ap.add_argument("--workers", type=int, default=10, help="worker counts 1..N")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--slow", action="append", default=[], metavar="MODEL=FACTOR",
                    help="multiply a model's times by FACTOR (repeatable)")
    a = ap.parse_args()
    slow = {m: float(f) for m, f in (s.split("=", 1) for s in a.slow)}
    rng = random.Random(a.seed)
    models = [f"m{i}" for i in range(a.models)]
    workers = list(range(1, a.workers + 1))
    workloads = [{
        "name": f"w{i}", "description": "synthetic", "kernel": "spin", "builtin": True,
        "tasks": 64, "params": {"iters": 1000}, "repeats": a.repeats, "warmup": 0,
        "workers": workers, "workers_spec": str(workers), "models": models,
        "baseline": None, "scaling": "strong", "timeout_s": None,
    } for i in range(a.workloads)]
    meta = {
        "parabench_version": "0.1.0",
        "scenario": {"name": "synthetic", "description": "synthetic run for timing",
                     "path": None, "sha256": "0" * 64},
        "command_line": ["synth-run.py"],
        "started_utc": "2026-01-01T00:00:00Z", "finished_utc": "2026-01-01T00:00:01Z",
        "ending": "complete",
        "machine": {"os": "linux", "kernel": "Linux", "arch": "x86_64", "cpu_model": "synthetic",
                    "logical_cores": 2, "physical_cores": 2, "smt": False,
                    "memory_kb": None, "load_start": None, "load_end": None},
        "workloads": workloads,
        "models": [{"name": m, "about": "synthetic", "command": None, "interpreter": None}
                   for m in models],
    }
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "meta.json"), "w") as f:
        json.dump(meta, f, indent=2)
    cols = ["scenario", "workload", "kernel", "model", "workers", "tasks", "repeat", "wall_s",
            "setup_s", "reported_s", "user_s", "sys_s", "cpu_util", "max_rss_kb",
            "workers_rss_kb", "vol_ctx", "invol_ctx", "checksum", "status", "error"]
    with open(os.path.join(a.out, "runs.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(cols)
        for wl in workloads:
            for mi, m in enumerate(models):
                for n in workers:
                    base = (1 + 0.05 * mi) / min(n, 2 + mi % 4) * slow.get(m, 1.0)
                    for r in range(a.repeats):
                        t = base * rng.lognormvariate(0, 0.03)
                        w.writerow(["synthetic", wl["name"], "spin", m, n, 64, r, repr(t), 0.0,
                                    "", t, 0.0, 1.0, 4000, "", 0, 0, 42, "ok", ""])


if __name__ == "__main__":
    main()
