/*
 * A native workload for parabench: a C function that every native model (sequential, threads,
 * rayon, processes, async, async-multi, async-blocking) calls once per task.
 *
 * Build:   cc -shared -fPIC -O2 -o libwork.so work.c
 * Run:     parabench run scenarios/examples/native-c.toml
 *
 * The interface (all of it):
 *
 *   uint64_t work(uint64_t index, const char *params);      required; any name, as `symbol`
 *   int      work_init(const char *params);                 optional: <symbol>_init
 *   void     work_fini(void);                               optional: <symbol>_fini
 *
 * - `index` is the task's index, 0 .. tasks-1. The return value is the task's checksum:
 *   parabench sums them per run (mod 2^64) and marks a run whose sum differs from the other
 *   models' as `mismatch`, so return the same value for the same index every time.
 * - `params` is the workload's extra keys (here `rounds = 2_000_000`) as text, one
 *   `key=value` line per key, keys sorted, each line ending in '\n': integers in decimal,
 *   floats in plain decimal notation (`0.5`), booleans `true`/`false`, strings as written.
 *   A workload with no extra keys passes "". The pointer is the same for every call and
 *   stays valid for the library's whole life.
 * - `<symbol>_init(params)` runs once in each process that loads the library (the cell
 *   process; each worker process of `processes`), before its first task: parse the params
 *   there, once. A non-zero return fails the cell's runs with that number.
 *   `<symbol>_fini()` runs once when that process is done with the library.
 * - `work` is called from many threads at once: keep it thread-safe (read-only globals set
 *   by init are fine).
 * - A crash (segfault, abort) fails the runs of that cell, naming the signal; the rest of
 *   the matrix runs.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rounds = 1000000;

/* A build with -DWORK_PERCENT=110 does 10% more work per task: the benchmarks of the
 * regression gate build the library twice at the same path to make a real, known change. */
#ifndef WORK_PERCENT
#define WORK_PERCENT 100
#endif

/* The integer value of `key` in the params text, or `fallback` when it is not there. */
static uint64_t param(const char *params, const char *key, uint64_t fallback) {
    size_t n = strlen(key);
    for (const char *line = params; *line;) {
        if (strncmp(line, key, n) == 0 && line[n] == '=')
            return strtoull(line + n + 1, NULL, 10);
        const char *next = strchr(line, '\n');
        if (!next)
            break;
        line = next + 1;
    }
    return fallback;
}

int work_init(const char *params) {
    rounds = param(params, "rounds", rounds) * WORK_PERCENT / 100;
    return rounds == 0 ? 1 : 0; /* refuse rounds = 0 */
}

/* `rounds` steps of xorshift64* seeded with the task index: pure CPU, no memory traffic. */
uint64_t work(uint64_t index, const char *params) {
    (void)params; /* parsed once, in work_init */
    uint64_t x = index * 0x9E3779B97F4A7C15ull + 1;
    for (uint64_t i = 0; i < rounds; i++) {
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        x *= 0x2545F4914F6CDD1Dull;
    }
    return x >> 32;
}

/* Nothing: a run's time per task is the model's cost of one call into the library. */
uint64_t noop(uint64_t index, const char *params) {
    (void)params;
    return index;
}
