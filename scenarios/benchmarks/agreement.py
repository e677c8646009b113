#!/usr/bin/env python3
"""Does parabench's clock agree with an independent one?

Runs real multi-threaded programs nobody on the project wrote -- `zstd -T{workers}`,
`xz -T{workers}` and `sort --parallel={workers}` on a generated text file of tens of MB -- as
parabench command models and under hyperfine (https://github.com/sharkdp/hyperfine, a tool for
this check only, not a dependency of parabench), in alternating rounds, and compares the
medians at 1 and 2 workers. Target: within 3%.

Usage (from the repository root, after `cargo build --release`):
    python3 scenarios/benchmarks/agreement.py [--rounds 3] [--runs 5] [--mb 32]
Needs: hyperfine, zstd, xz, sort (Debian: apt-get install hyperfine zstd xz-utils).
"""
import argparse
import csv
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PARABENCH = os.path.join(ROOT, "target", "release", "parabench")

# argv templates, run without a shell by both tools, in the scratch folder.
PROGRAMS = {
    "zstd": ["zstd", "-q", "-f", "-3", "-T{workers}", "input.txt", "-o", "input.txt.zst"],
    "xz": ["xz", "-q", "-f", "-k", "-1", "-T{workers}", "input.txt"],
    "sort": ["sort", "--parallel={workers}", "-S", "256M", "-o", "sorted.txt", "input.txt"],
}
WORKERS = [1, 2]


def make_input(path, megabytes):
    """Text lines of words from a fixed vocabulary, seeded: compressible and sortable."""
    rng = random.Random(42)
    words = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(2, 9)))
             for _ in range(5000)]
    target = megabytes * 1024 * 1024
    with open(path, "w") as f:
        written = 0
        while written < target:
            line = " ".join(rng.choice(words) for _ in range(rng.randint(4, 14))) + "\n"
            f.write(line)
            written += len(line)


def scenario_text(runs):
    models = []
    for name, argv in PROGRAMS.items():
        args = ", ".join(json.dumps(a) for a in argv)
        models.append(f'[[model]]\nname = "{name}"\ncommand = [{args}]\n')
    return (
        'name = "agreement"\n'
        f"repeats = {runs}\nwarmup = 1\nworkers = {WORKERS}\n"
        f'models = {json.dumps(list(PROGRAMS))}\n\n'
        '[[workload]]\nname = "files"\nkernel = "external"\ntasks = 1\n\n'
        + "\n".join(models)
    )


def parabench_round(scratch, out):
    subprocess.run(
        [PARABENCH, "run", os.path.join(scratch, "agreement.toml"), "-o", out,
         "--timeline", "off", "--quiet"],
        check=True, cwd=scratch)
    times = {}
    with open(os.path.join(out, "agreement", "runs.csv"), newline="") as f:
        for row in csv.DictReader(f):
            if row["status"] != "ok":
                sys.exit(f"parabench run failed: {row}")
            times.setdefault((row["model"], int(row["workers"])), []).append(float(row["wall_s"]))
    return times


def hyperfine_round(scratch, runs):
    times = {}
    for name, argv in PROGRAMS.items():
        for w in WORKERS:
            cmd = " ".join(a.replace("{workers}", str(w)) for a in argv)
            export = os.path.join(scratch, "hyperfine.json")
            subprocess.run(
                ["hyperfine", "--shell=none", "--warmup", "1", "--runs", str(runs),
                 "--export-json", export, "--style", "none", cmd],
                check=True, cwd=scratch, stdout=subprocess.DEVNULL)
            with open(export) as f:
                times[(name, w)] = json.load(f)["results"][0]["times"]
    return times


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--mb", type=int, default=32)
    ap.add_argument("--programs", default=",".join(PROGRAMS),
                    help="which of zstd, xz, sort (comma-separated)")
    args = ap.parse_args()
    for name in list(PROGRAMS):
        if name not in args.programs.split(","):
            del PROGRAMS[name]
    for tool in ["hyperfine", "zstd", "xz", "sort"]:
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is needed for this check: apt-get install hyperfine zstd xz-utils")
    if not os.path.exists(PARABENCH):
        sys.exit("build parabench first: cargo build --release")
    scratch = tempfile.mkdtemp(prefix="parabench-agreement-")
    make_input(os.path.join(scratch, "input.txt"), args.mb)
    with open(os.path.join(scratch, "agreement.toml"), "w") as f:
        f.write(scenario_text(args.runs))
    pb, hf = {}, {}
    for r in range(args.rounds):
        # Alternate which tool goes first, so drift hits both alike.
        steps = [("parabench", lambda: parabench_round(scratch, os.path.join(scratch, f"out{r}"))),
                 ("hyperfine", lambda: hyperfine_round(scratch, args.runs))]
        if r % 2:
            steps.reverse()
        for who, step in steps:
            got = step()
            target = pb if who == "parabench" else hf
            for k, v in got.items():
                target.setdefault(k, []).extend(v)
    print(f"input: {args.mb} MiB of text; {args.rounds} alternating rounds of {args.runs} runs each")
    for (name, w), times in sorted(pb.items()):
        per_round = [statistics.median(times[i:i + args.runs]) for i in range(0, len(times), args.runs)]
        hf_round = [statistics.median(hf[(name, w)][i:i + args.runs])
                    for i in range(0, len(hf[(name, w)]), args.runs)]
        print(f"  {name} @{w}: parabench per round " + " ".join(f"{t * 1000:.1f}" for t in per_round)
              + " ms; hyperfine " + " ".join(f"{t * 1000:.1f}" for t in hf_round) + " ms")
    print("| program | workers | parabench median | hyperfine median | difference |")
    print("|---|---:|---:|---:|---:|")
    worst = 0.0
    for name in PROGRAMS:
        for w in WORKERS:
            p, h = statistics.median(pb[(name, w)]), statistics.median(hf[(name, w)])
            diff = (p - h) / h * 100
            worst = max(worst, abs(diff))
            print(f"| `{' '.join(PROGRAMS[name]).replace('{workers}', str(w))}` | {w} | "
                  f"{p * 1000:.1f} ms | {h * 1000:.1f} ms | {diff:+.1f}% |")
    print(f"\nlargest difference: {worst:.1f}% (target: within 3%)")
    shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
