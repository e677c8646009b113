/* Test library for parabench's native workloads (built by tests/own_code.rs with the system C
 * compiler). Each exported function has the workload signature
 *     uint64_t f(uint64_t index, const char *params)
 * where params is one "key=value\n" line per workload key, keys sorted. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The value of `key` in the params text, as an integer (0 if absent). */
static uint64_t param(const char *params, const char *key) {
    size_t n = strlen(key);
    for (const char *line = params; *line; ) {
        if (strncmp(line, key, n) == 0 && line[n] == '=')
            return strtoull(line + n + 1, NULL, 10);
        const char *next = strchr(line, '\n');
        if (!next) break;
        line = next + 1;
    }
    return 0;
}

/* The task index times `scale`, where scale comes from work_init. */
static uint64_t scale = 0;
static char marker[4096];

int work_init(const char *params) {
    scale = param(params, "scale");
    if (scale == 0) scale = 1;
    const char *m = strstr(params, "marker=");
    if (m) {
        m += strlen("marker=");
        size_t len = strcspn(m, "\n");
        if (len >= sizeof marker) len = sizeof marker - 1;
        memcpy(marker, m, len);
        marker[len] = 0;
        FILE *f = fopen(marker, "a");
        if (f) { fputs("init\n", f); fclose(f); }
    }
    return 0;
}

uint64_t work(uint64_t index, const char *params) {
    (void)params;
    return index * scale;
}

void work_fini(void) {
    if (marker[0]) {
        FILE *f = fopen(marker, "a");
        if (f) { fputs("fini\n", f); fclose(f); }
    }
}

/* Nothing: what remains is the cost of calling into the library. */
uint64_t noop(uint64_t index, const char *params) {
    (void)params;
    return index;
}

/* The params text itself, as a checksum: the sum of its bytes times the index + 1. */
uint64_t echo(uint64_t index, const char *params) {
    uint64_t sum = 0;
    for (const unsigned char *p = (const unsigned char *)params; *p; p++) sum += *p;
    return sum * (index + 1);
}

/* Task `at` crashes: a segfault (a write through a null pointer the compiler cannot see
 * coming; `raise(SIGSEGV)` would not do, as Rust's stack-overflow handler returns from a
 * raised signal), or abort() with abort=1. */
uint64_t crash(uint64_t index, const char *params) {
    if (index == param(params, "at")) {
        if (param(params, "abort")) abort();
        volatile uint64_t *nowhere = (volatile uint64_t *)(uintptr_t)param(params, "nowhere");
        *nowhere = index;
    }
    return index;
}

/* An init hook that refuses to start. */
int refuse_init(const char *params) {
    (void)params;
    return 3;
}

uint64_t refuse(uint64_t index, const char *params) {
    (void)params;
    return index;
}

/* A data symbol, not a function. */
uint64_t counter = 0;
