#!/usr/bin/env python3
"""The paired regression gate (`[[variant]]`, `--aa`, `--fail-on-regression`), measured.

Builds the C library of scenarios/examples/native-c twice into variants-build/ (libbase.so,
and libslow.so with 5% more work per task) and runs variants.toml:

  aa N           N runs with --aa (the base against itself): flagged cells per run
  ab N           N runs of base against slow: regressed cells per run, per cell
  twice N        today's way: per round, one run of the base library and one of the slow one
                 (and one more of the base, for A/A), each without variants, then
                 `parabench compare` (base vs base: false alarms; base vs slow: misses)
  overhead N     N alternating pairs: one run without variants, one with the two variants
  alternation N [MODE ...]
                 N rounds of one A/B and one --aa run under each alternation in turn
                 (together, process, run: PARABENCH_VARIANT_ALTERNATION; no-more-pairs:
                 together without the extra rounds of pairs): cells regressed, false alarms,
                 the detectable change and the run's time, per mode
  all N          all of the above (N defaults to 10)

Usage: python3 scenarios/benchmarks/variants.py all 10 [--threshold 2]
Set PARABENCH to the binary (default target/release/parabench).
"""
import csv, json, os, shutil, statistics, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BIN = os.environ.get("PARABENCH", os.path.join(ROOT, "target", "release", "parabench"))
SCENARIO = os.path.join(HERE, "variants.toml")
BUILD = os.path.join(HERE, "variants-build")
BASE = os.path.join(BUILD, "libbase.so")
SLOW = os.path.join(BUILD, "libslow.so")
THRESHOLD = "2"


def build():
    os.makedirs(BUILD, exist_ok=True)
    src = os.path.join(ROOT, "scenarios", "examples", "native-c", "work.c")
    for lib, pct in ((BASE, 100), (SLOW, 105)):
        subprocess.run(["cc", "-shared", "-fPIC", "-O2", f"-DWORK_PERCENT={pct}", "-o", lib, src],
                       check=True)


def run(out, *extra, env=None):
    """One `parabench run` of variants.toml; returns (folder, seconds, exit code)."""
    cmd = [BIN, "run", SCENARIO, "-o", out, "--no-progress", "--quiet", "--timeline", "off",
           "--charts", "none", *extra]
    t = time.monotonic()
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                       env={**os.environ, **(env or {})})
    took = time.monotonic() - t
    if p.returncode not in (0, 1):
        sys.exit(f"run failed ({p.returncode}): {p.stderr}")
    return os.path.join(out, "variants"), took, p.returncode


def verdicts(folder):
    with open(os.path.join(folder, "variants.json")) as f:
        doc = json.load(f)
    return {(c["model"], c["workers"]): c for c in doc["cells"]}


def flagged(cells):
    return [k for k, c in cells.items() if c["verdict"] in ("regressed", "improved")]


def aa(n, tmp, env=None, label="aa"):
    total, cells_seen, detect, took = 0, 0, [], []
    for i in range(n):
        folder, t, _ = run(os.path.join(tmp, f"{label}{i}"), "--aa", "--variant",
                           "base:library=" + BASE, "--fail-on-regression", THRESHOLD, env=env)
        cells = verdicts(folder)
        f = flagged(cells)
        total += len(f)
        cells_seen += len(cells)
        detect += [c["detectable_pct"] for c in cells.values() if c["detectable_pct"] is not None]
        took.append(t)
        print(f"  {label} run {i + 1}: {len(f)} flagged of {len(cells)} "
              f"{[f'{m}@{w}' for m, w in f]}, {t:.1f} s", flush=True)
    print(f"{label}: {total} flagged cells in {cells_seen} (all {n} runs); detectable change "
          f"median {statistics.median(detect):.1f}%, max {max(detect):.1f}%; run time median "
          f"{statistics.median(took):.1f} s")
    return total, cells_seen


def ab(n, tmp):
    per_cell, exits = {}, []
    for i in range(n):
        folder, t, code = run(os.path.join(tmp, f"ab{i}"), "--variant", "base:library=" + BASE,
                              "--variant", "slow:library=" + SLOW, "--fail-on-regression",
                              THRESHOLD)
        exits.append(code)
        cells = verdicts(folder)
        for k, c in cells.items():
            per_cell.setdefault(k, []).append(c)
        print(f"  ab run {i + 1}: exit {code}, " + ", ".join(
            f"{m}@{w} {c['verdict']} {c['ratio']:.3f}" for (m, w), c in cells.items()
            if c["ratio"] is not None) + f", {t:.1f} s", flush=True)
    print(f"ab: exit 1 in {exits.count(1)} of {n} runs")
    for (m, w), cs in sorted(per_cell.items()):
        reg = sum(c["verdict"] == "regressed" for c in cs)
        ratios = [c["ratio"] for c in cs if c["ratio"] is not None]
        print(f"  {m}@{w}: regressed in {reg}/{len(cs)}, ratio median "
              f"{statistics.median(ratios):.3f} (min {min(ratios):.3f}, max {max(ratios):.3f})")


def compare(base, new):
    p = subprocess.run([BIN, "compare", base, new, "--format", "json", "--no-charts",
                        "--threshold", THRESHOLD + "%"], capture_output=True, text=True)
    if p.returncode not in (0, 1):
        sys.exit(f"compare failed ({p.returncode}): {p.stderr}")
    return {(c["model"], c["workers"]): c for c in json.loads(p.stdout)["cells"]}, p.returncode


def twice(n, tmp):
    """Today's way: runs of the file without its [[variant]] tables (the library path filled
    in per run), then `compare`."""
    plain = os.path.join(tmp, "plain")
    os.makedirs(plain, exist_ok=True)
    with open(SCENARIO) as f:
        lines = f.read().split("\n")
    body, skip = [], False
    for line in lines:
        if line.startswith("[[variant]]"):
            skip = True
            continue
        if line.startswith("[[workload]]"):
            skip = False
        if not skip:
            body.append(line)
    alarms, misses, cmp_n, exits_aa, exits_ab = 0, 0, 0, [], []
    for i in range(n):
        folders = {}
        for which, lib in (("a1", BASE), ("b", SLOW), ("a2", BASE)):
            # Today's way rebuilds the library at the same path (a changed path would make
            # the cells' kernels differ, and `compare` would not compare them).
            shutil.copyfile(lib, os.path.join(plain, "libwork.so"))
            path = os.path.join(plain, f"{which}.toml")
            with open(path, "w") as f:
                f.write("\n".join(body).replace('library = "variants-build/libbase.so"',
                                                'library = "libwork.so"'))
            out = os.path.join(tmp, f"twice{i}-{which}")
            subprocess.run([BIN, "run", path, "-o", out, "--no-progress", "--quiet",
                            "--timeline", "off", "--charts", "none"], check=True,
                           stdout=subprocess.DEVNULL)
            folders[which] = os.path.join(out, "variants")
        same, code_aa = compare(folders["a1"], folders["a2"])
        diff, code_ab = compare(folders["a1"], folders["b"])
        exits_aa.append(code_aa)
        exits_ab.append(code_ab)
        fa = [k for k, c in same.items() if c["verdict"] in ("regressed", "improved")]
        miss = [k for k, c in diff.items() if c["verdict"] != "regressed"]
        alarms += len(fa)
        misses += len(miss)
        cmp_n += len(diff)
        print(f"  twice round {i + 1}: A/A compare flagged {len(fa)} {fa} (exit {code_aa}); "
              f"A/B compare missed {len(miss)} " + ", ".join(
                  f"{m}@{w} {diff[(m, w)]['verdict']}" for m, w in miss) + f" (exit {code_ab})",
              flush=True)
    print(f"twice: A/A false alarms {alarms} in {cmp_n} cell comparisons, exit 1 in "
          f"{exits_aa.count(1)} of {n}; A/B misses {misses} in {cmp_n}, exit 1 in "
          f"{exits_ab.count(1)} of {n}")


def overhead(n, tmp):
    one, two, per_process = [], [], []
    for i in range(n):
        # Without variants: the plain scenario, as `twice` writes it.
        path = os.path.join(tmp, "plain", "a1.toml")
        t = time.monotonic()
        subprocess.run([BIN, "run", path, "-o", os.path.join(tmp, f"ov1-{i}"), "--no-progress",
                        "--quiet", "--timeline", "off", "--charts", "none"], check=True,
                       stdout=subprocess.DEVNULL)
        one.append(time.monotonic() - t)
        _, t2, _ = run(os.path.join(tmp, f"ov2-{i}"))
        two.append(t2)
        _, t3, _ = run(os.path.join(tmp, f"ov3-{i}"),
                       env={"PARABENCH_VARIANT_ALTERNATION": "run"})
        per_process.append(t3)
        print(f"  overhead {i + 1}: without variants {one[-1]:.1f} s, two variants "
              f"{two[-1]:.1f} s (alternating per run: {t3:.1f} s)", flush=True)
    m1 = statistics.median(one)
    print(f"overhead: without variants median {m1:.1f} s, with two variants "
          f"{statistics.median(two):.1f} s: {statistics.median(two) / m1:.2f}x (alternating per "
          f"run: {statistics.median(per_process):.1f} s, "
          f"{statistics.median(per_process) / m1:.2f}x)")


def mode_env(mode):
    """A mode's environment: an alternation (together, process, run), or `no-more-pairs`
    (together, without the extra rounds of pairs for cells whose CI is wider than the
    threshold)."""
    if mode == "no-more-pairs":
        return {"PARABENCH_VARIANT_ALTERNATION": "together", "PARABENCH_VARIANT_MORE_ROUNDS": "0"}
    return {"PARABENCH_VARIANT_ALTERNATION": mode}


def alternation(n, tmp, modes=("together", "process", "run")):
    """The alternations side by side: N rounds, each one A/B run and one --aa run under every
    mode in turn, so the modes see the same stretch of the host."""
    tally = {m: {"ab": {}, "aa": 0, "aa_cells": 0, "t": [], "detect": []} for m in modes}
    for i in range(n):
        for mode in modes:
            env = mode_env(mode)
            t = tally[mode]
            folder, took, _ = run(os.path.join(tmp, f"alt-{mode}-ab{i}"), "--variant",
                                  "base:library=" + BASE, "--variant", "slow:library=" + SLOW,
                                  "--fail-on-regression", THRESHOLD, env=env)
            t["t"].append(took)
            for k, c in verdicts(folder).items():
                t["ab"].setdefault(k, []).append(c["verdict"] == "regressed")
            folder, _, _ = run(os.path.join(tmp, f"alt-{mode}-aa{i}"), "--aa", "--variant",
                               "base:library=" + BASE, "--fail-on-regression", THRESHOLD,
                               env=env)
            cells = verdicts(folder)
            t["aa"] += len(flagged(cells))
            t["aa_cells"] += len(cells)
            t["detect"] += [c["detectable_pct"] for c in cells.values()
                            if c["detectable_pct"] is not None]
        print(f"  round {i + 1}: " + "; ".join(
            f"{m} A/B {sum(sum(v) for v in tally[m]['ab'].values())} regressed, "
            f"A/A {tally[m]['aa']} flagged" for m in modes), flush=True)
    for m in modes:
        t = tally[m]
        cells = ", ".join(f"{mm}@{w} {sum(v)}/{len(v)}" for (mm, w), v in sorted(t["ab"].items()))
        print(f"{m}: A/B regressed {sum(sum(v) for v in t['ab'].values())} of "
              f"{sum(len(v) for v in t['ab'].values())} ({cells}); A/A flagged {t['aa']} of "
              f"{t['aa_cells']}; detectable median {statistics.median(t['detect']):.1f}%; "
              f"A/B run time median {statistics.median(t['t']):.1f} s")


def main():
    global THRESHOLD
    args = sys.argv[1:]
    if "--threshold" in args:
        i = args.index("--threshold")
        THRESHOLD = args[i + 1]
        del args[i:i + 2]
    if not args or args[0] not in ("aa", "ab", "twice", "overhead", "alternation", "all"):
        sys.exit(__doc__)
    n = int(args[1]) if len(args) > 1 else 10
    build()
    print(f"parabench: {BIN}; load average {os.getloadavg()}; threshold {THRESHOLD}%")
    tmp = tempfile.mkdtemp(prefix="parabench-variants-")
    try:
        what = args[0]
        if what in ("aa", "all"):
            aa(n, tmp)
        if what in ("ab", "all"):
            ab(n, tmp)
        if what in ("twice", "all", "overhead"):
            twice(n if what != "overhead" else 1, tmp)
        if what in ("overhead", "all"):
            overhead(n, tmp)
        if what == "alternation":
            alternation(n, tmp, *([tuple(args[2:])] if len(args) > 2 else []))
        print(f"load average at the end {os.getloadavg()}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
