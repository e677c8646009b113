//! Every column of the CSV files a run writes, documented once: the guide's outputs chapter is
//! generated from these tables (`parabench list --markdown columns`), and a test checks that
//! each table names exactly the header of its file, in order.

/// A CSV file and its columns: (name, what it holds).
pub struct CsvFile {
    pub file: &'static str,
    pub about: &'static str,
    pub columns: &'static [(&'static str, &'static str)],
}

/// The four CSV files, in the order the guide shows them.
pub static FILES: &[CsvFile] = &[
    CsvFile {
        file: "runs.csv",
        about: "one row per measured run, appended and flushed as each run ends",
        columns: RUNS,
    },
    CsvFile {
        file: "summary.csv",
        about: "one row per cell (workload x model x worker count): statistics, speedup, efficiency",
        columns: SUMMARY,
    },
    CsvFile {
        file: "tasks.csv",
        about: "which worker ran which task when, in each timeline run",
        columns: TASKS,
    },
    CsvFile {
        file: "fits.csv",
        about: "one row per workload and model: the fitted scaling laws and their predictions, or why nothing was fitted",
        columns: FITS,
    },
];

const RUNS: &[(&str, &str)] = &[
    ("scenario", "the scenario's `name`"),
    ("workload", "the workload's `name`"),
    ("kernel", "what one task does (a built-in kernel, or the name a command model is given)"),
    ("model", "the concurrency model"),
    ("workers", "the worker count of the cell"),
    ("tasks", "tasks actually run (per worker times workers under weak scaling)"),
    ("repeat", "the run's index within its cell"),
    ("round", "the round of the session the run was measured in (see `order` and `rounds`)"),
    ("start_s", "when the run started, in seconds since the session began"),
    ("wall_s", "parabench's monotonic clock around the run"),
    ("setup_s", "start-up of the pool, processes or runtime inside the run; for commands what the program printed as `setup_s=`, else empty"),
    ("reported_s", "the program's own `elapsed_s` (command models only)"),
    ("user_s", "user CPU time, worker processes included, over what `cpu_scope` says"),
    ("sys_s", "system CPU time, likewise"),
    ("cpu_util", "(user + sys) over the run's own time: about 2.0 when two cores were busy"),
    ("max_rss_kb", "peak resident memory of the cell process"),
    ("workers_rss_kb", "peak resident memory summed over worker processes, or of the command"),
    ("vol_ctx", "voluntary context switches (getrusage; the whole process for commands)"),
    ("invol_ctx", "involuntary context switches, likewise"),
    ("runq_wait_s", "seconds the run's threads and worker processes were ready but waited for a CPU (Linux schedstat); for commands what the program printed as `runq_wait_s=`, else empty"),
    ("cpu_migrations", "CPU migrations of the run's threads and child processes (perf software counter; empty where the kernel refuses it)"),
    ("ctx_switches", "context switches of the run's threads and child processes (perf software counter), likewise"),
    ("interp_start_s", "commands: from starting the program to the start of its own window (`start_ns=`), the interpreter's start-up, outside every other number; empty otherwise"),
    ("cpu_scope", "what the CPU columns cover: `run` (a native model's run over wall time), `window` (the program's own window over its `elapsed_s`), `process` (a command's whole process, start-up and exit included, over wall time)"),
    ("probe_before_us", "host probes just before the run's settle pause: microseconds each sampled CPU took for the same short loop, all at once, as `cpu=us;...`"),
    ("probe_after_us", "the same, right after the run"),
    ("host_speed", "the probes' mean speed relative to each CPU's fastest probe in the session (1 = at its best); derived when the run completes"),
    ("host_speed_before", "the slowest CPU's relative speed before the run; derived likewise"),
    ("host_speed_after", "the slowest CPU's relative speed after the run; derived likewise"),
    ("host_spread", "the fastest CPU's relative speed over the slowest's; derived likewise"),
    ("checksum", "the kernel's checksum of the run's results (the same for every model doing the same work)"),
    ("status", "`ok`, `error`, `timeout`, `mismatch` (checksum differs), or `slowed` (measured on a slowed host and measured again with `remeasure`; kept for the record, not in the statistics)"),
    ("error", "why the run failed (empty when it did not)"),
];

const SUMMARY: &[(&str, &str)] = &[
    ("scenario", "as in runs.csv"),
    ("workload", "as in runs.csv"),
    ("kernel", "as in runs.csv"),
    ("model", "as in runs.csv"),
    ("workers", "as in runs.csv"),
    ("tasks", "as in runs.csv"),
    ("runs", "successful measured runs"),
    ("failed", "failed measured runs"),
    ("time_source", "`wall`, or `reported` when command models print `elapsed_s`"),
    ("median_s", "median time per run"),
    ("mean_s", "mean time per run"),
    ("stddev_s", "standard deviation of the times"),
    ("min_s", "fastest run"),
    ("max_s", "slowest run"),
    ("ci_low_s", "95% bootstrap confidence interval of the median, low end"),
    ("ci_high_s", "the same, high end"),
    ("outliers", "runs outside Tukey's fences"),
    ("speedup", "the reference time (the baseline) over this cell's median"),
    ("speedup_ci_low", "95% confidence interval of the speedup, low end"),
    ("speedup_ci_high", "the same, high end"),
    ("efficiency", "speedup per unit of added workers (1.0 is perfect scaling)"),
    ("efficiency_ci_low", "95% confidence interval of the efficiency, low end"),
    ("efficiency_ci_high", "the same, high end"),
    ("setup_s", "median start-up inside the run"),
    ("cpu_util", "median CPU utilisation"),
    ("runq_wait_s", "median run-queue wait, when every run measured it"),
    ("cpu_migrations", "median CPU migrations, when every run measured them"),
    ("ctx_switches", "median context switches, when every run measured them"),
    ("interp_start_s", "median interpreter start-up (commands), when every run measured it"),
    ("cpu_scope", "as in runs.csv; `mixed` when the runs differ"),
    ("host_speed", "median host speed over the runs"),
    ("host_spread", "median host spread over the runs"),
    ("even_rounds_s", "median time of the runs of even rounds"),
    ("odd_rounds_s", "median time of the runs of odd rounds"),
    ("reproduced", "whether the two halves agree within 5%; empty when not checked (one round, or fewer than 2 runs in a half)"),
    ("max_rss_kb", "largest peak RSS of the cell process over the runs"),
    ("workers_rss_kb", "largest summed peak RSS of the worker processes or command"),
    ("baseline", "the reference of the speedup, e.g. `sequential@1`"),
    ("scaling", "`strong` (fixed total work) or `weak` (fixed work per worker)"),
];

const TASKS: &[(&str, &str)] = &[
    ("scenario", "as in runs.csv"),
    ("workload", "as in runs.csv"),
    ("model", "as in runs.csv"),
    ("workers", "as in runs.csv"),
    ("repeat", "the run's index in its cell (the timeline run follows the measured ones)"),
    ("worker", "the row of the timeline: thread, process or in-flight slot index"),
    ("task", "the task's index"),
    ("start_s", "when the task started, in seconds since the run's start (the system's monotonic clock, which worker processes share)"),
    ("end_s", "when it ended, likewise"),
    ("run_wall_s", "the whole run's time"),
    ("window_start_s", "commands: where the program's own window starts, after the interpreter's start-up; empty otherwise"),
    ("window_s", "commands: the program's `elapsed_s`; empty otherwise"),
];

const FITS: &[(&str, &str)] = &[
    ("scenario", "as in runs.csv"),
    ("workload", "as in runs.csv"),
    ("model", "as in runs.csv"),
    ("status", "`fitted`, `amdahl only` or `not fitted`"),
    ("reason", "why a law was not fitted, e.g. `2 counts: not a fit`"),
    ("points", "cells fitted (one per worker count with a speedup and no failed run)"),
    ("excluded_cells", "cells left out because a run failed"),
    ("min_workers", "fewest workers fitted"),
    ("max_workers", "most workers fitted"),
    ("horizon_workers", "the worker count of the `*_at_horizon` predictions"),
    ("amdahl_gamma", "Amdahl: the one-worker speedup against the reference"),
    ("amdahl_serial_fraction", "Amdahl: the share of the work that does not run in parallel"),
    ("amdahl_max_speedup", "Amdahl: the speedup approached with unlimited workers (empty when the serial fraction is 0)"),
    ("amdahl_speedup_at_horizon", "Amdahl: predicted speedup at `horizon_workers`"),
    ("amdahl_rms_rel_error", "Amdahl: root-mean-square relative error of the fit"),
    ("amdahl_r2", "Amdahl: coefficient of determination"),
    ("usl_gamma", "USL: the one-worker speedup against the reference"),
    ("usl_sigma", "USL: contention (the share of work that queues)"),
    ("usl_kappa", "USL: coherency (a cost paid for every pair of workers)"),
    ("usl_peak_workers", "USL: the worker count of the predicted peak (empty when kappa is 0: no peak)"),
    ("usl_peak_speedup", "USL: the speedup at that peak"),
    ("usl_speedup_at_horizon", "USL: predicted speedup at `horizon_workers`"),
    ("usl_rms_rel_error", "USL: root-mean-square relative error of the fit"),
    ("usl_r2", "USL: coefficient of determination"),
    ("usl_spare_points", "worker counts beyond the USL's three parameters (0: the curve can pass through every point, so it tests nothing)"),
];

/// The documented columns of `file`, in order.
pub fn of(file: &str) -> Option<Vec<&'static str>> {
    FILES
        .iter()
        .find(|f| f.file == file)
        .map(|f| f.columns.iter().map(|c| c.0).collect())
}

#[cfg(test)]
mod tests {
    fn header<T: serde::Serialize>(row: T) -> Vec<String> {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.serialize(row).unwrap();
        let text = String::from_utf8(w.into_inner().unwrap()).unwrap();
        text.lines()
            .next()
            .unwrap()
            .split(',')
            .map(String::from)
            .collect()
    }

    #[test]
    fn runs_and_summary_columns_are_the_files_headers() {
        let runs = header(crate::record::RunRow::default());
        assert_eq!(runs, super::of("runs.csv").unwrap());
        let summary = header(crate::report::summary::SummaryRow::default());
        assert_eq!(summary, super::of("summary.csv").unwrap());
    }
}
