//! Every warning and note a report can print, by the bold words it starts with: what it
//! means and what to do. This table is the one list: the guide's troubleshooting chapter is
//! generated from it (`parabench list --markdown warnings`), each printed warning links to
//! its section there, and a test fails when the report code prints a bold-titled notice that
//! is not listed here.

/// One kind of report notice.
pub struct Notice {
    /// The bold words the notice starts with in report.md (without the closing `**` and any
    /// colon), e.g. "Two clusters of runs". A notice whose bold part goes on with details
    /// ("Shard 1/2") is listed by its first words ("Shard").
    pub title: &'static str,
    /// Where it is printed.
    pub place: &'static str,
    /// What it means, in one or two sentences.
    pub meaning: &'static str,
    /// What to do about it.
    pub remedy: &'static str,
}

impl Notice {
    /// The section's anchor in the guide: the title as mdBook and GitHub turn a heading into
    /// an id (lower case, spaces to hyphens, other punctuation dropped).
    pub fn id(&self) -> String {
        slug(self.title)
    }
}

/// A heading's anchor as mdBook and GitHub make it.
pub fn slug(title: &str) -> String {
    title
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

/// The troubleshooting chapter, relative to a run folder two levels below the repository
/// (`results/<name>/`, `output/<name>/`): the generated Markdown page for report.md (it renders on
/// GitHub), the built book for report.html (`mdbook build docs` writes `docs/book/`; the
/// Pages site keeps the same layout).
pub const GUIDE_MD: &str = "../../docs/src/generated/warnings.md";
pub const GUIDE_HTML: &str = "../../docs/book/generated/warnings.html";

/// Every notice, in the order of the troubleshooting chapter.
pub static NOTICES: &[Notice] = &[
    Notice {
        title: "Two clusters of runs",
        place: "under a workload's table",
        meaning: "The runs of one cell fall into a fast and a slow group. The cell measured two different situations, for CPU-bound work usually runs in which two workers ended up on one core.",
        remedy: "Look at `runq_wait_s` and `cpu_migrations` of the slow runs in runs.csv. Stop other programs, then run again with more repeats or with `--order interleaved`.",
    },
    Notice {
        title: "Waiting for a CPU",
        place: "under a workload's table",
        meaning: "A CPU-bound cell with no more workers than cores spent more than 5% of its CPU time ready to run but without a core. Either another program ran, or the model's own helper threads (a coordinator, an event loop) competed with its workers.",
        remedy: "Compare with `threads` at the same worker count. If it waited as well, the machine was busy: quiet it and rerun. If not, the wait is part of the model's cost.",
    },
    Notice {
        title: "Noisy cells",
        place: "under a workload's table",
        meaning: "The runs of a cell vary by more than 10% (standard deviation over mean), so its median is less certain than its neighbours'.",
        remedy: "Add repeats or rounds, or run on a quieter machine; read the cell's confidence interval rather than its median.",
    },
    Notice {
        title: "Short runs",
        place: "under a workload's table",
        meaning: "The median run took under 5 ms. At that length start-up, the timer and the scheduler's decisions weigh as much as the work.",
        remedy: "Give the workload more `tasks` or a larger size parameter.",
    },
    Notice {
        title: "Runs too short for their workers",
        place: "under a workload's table",
        meaning: "Starting the pool, the processes or the runtime (`setup_s`) took more than a quarter of the run, so the cell measures start-up more than work.",
        remedy: "Give each worker more to do (more or larger tasks), or read the `setup_s` column as the answer you were after.",
    },
    Notice {
        title: "The machine slowed down under some cells",
        place: "under a workload's table",
        meaning: "The host probes saw the CPUs well below their usual speed, or the run's threads waited for CPUs held by others, and the named cells' medians moved with those runs by more than their confidence intervals. Part of those numbers is the machine.",
        remedy: "Open `<workload>.host.png` to see when it happened. Rerun with more rounds (`--rounds 8`), with `remeasure`, on a quieter machine, or compare two runs.",
    },
    Notice {
        title: "The machine was disturbed during some runs",
        place: "under a workload's table",
        meaning: "Some runs were measured on a slowed or crowded host, but the other rounds outvoted them: the cells' medians stayed inside their confidence intervals.",
        remedy: "Nothing is required. The host chart shows when the machine was disturbed.",
    },
    Notice {
        title: "One worker is not one worker",
        place: "under a workload's table",
        meaning: "At 1 worker a model took noticeably longer (or shorter) than its sequential reference plus its own start-up, so it does something `sequential` does not: a thread's own allocator arena, a coarser timer, processes that start cold, or different work.",
        remedy: "Compare the checksums in runs.csv first; then look at the model's `setup_s` and at the timeline run.",
    },
    Notice {
        title: "Not measured on this machine",
        place: "at the top of the report",
        meaning: "The kernel refused run-queue statistics, perf software counters or the host probes, so those columns are empty and the checks that need them were skipped.",
        remedy: "Usually a container or `kernel.perf_event_paranoid`. Lower it (`sysctl kernel.perf_event_paranoid=1`) or run outside the container if you need those columns.",
    },
    Notice {
        title: "Measured again",
        place: "at the top of the report",
        meaning: "With `remeasure`, runs the host probes saw on a slowed host were run again at the end of the session. The first measurements stay in runs.csv with status `slowed`, outside the statistics.",
        remedy: "Nothing is required; count how many were measured again to judge how quiet the machine was.",
    },
    Notice {
        title: "Interrupted",
        place: "at the top of the report",
        meaning: "The run was stopped (Ctrl-C or SIGTERM) before every cell finished. Every finished run is kept; unfinished cells are missing or have fewer runs.",
        remedy: "Run the same command again with `--resume`: finished slots are kept and the rest runs.",
    },
    Notice {
        title: "Incomplete",
        place: "at the top of the report",
        meaning: "A merge lacks a shard, or holds a shard that did not finish, so some cells are missing.",
        remedy: "Merge the folders of every slice, each finished (`--resume` the one that stopped).",
    },
    Notice {
        title: "Still running",
        place: "at the top of the report",
        meaning: "The report was drawn from a folder whose run has not ended: the tables hold what was finished so far.",
        remedy: "Wait for the run to end, then `parabench plot` the folder again.",
    },
    Notice {
        title: "Shard",
        place: "at the top of the report",
        meaning: "The folder holds one slice of the matrix (`--shard K/N`); the other cells are in the other slices' folders.",
        remedy: "Join the slices with `parabench merge`.",
    },
    Notice {
        title: "Charts",
        place: "at the top of the report",
        meaning: "The `charts` key or `--charts` asked for fewer charts, so some kinds or formats were not drawn. The report says which.",
        remedy: "`parabench plot <folder>` draws every chart from the CSV files whenever you want them.",
    },
    Notice {
        title: "No timeline",
        place: "where a workload's timeline chart would be",
        meaning: "No run of the workload recorded its tasks: `--timeline off`, too many tasks to record, a timeline run that failed, a program that wrote no times, or an interrupted run. The notice says which.",
        remedy: "Follow the notice: rerun without `--timeline off`, with fewer tasks, or fix the failing model.",
    },
    Notice {
        title: "No host-speed chart",
        place: "where a workload's host-speed chart would be",
        meaning: "The host probes did not run (switched off, or refused by the machine), so there is nothing to draw.",
        remedy: "Rerun without `PARABENCH_DISABLE_PROBES=host` on a machine that allows the probes.",
    },
    Notice {
        title: "Predictions, not measurements",
        place: "under a workload's scaling fits",
        meaning: "Beyond the most workers measured, the fit table and the dashed curves extend the fitted law; they hold only if nothing else changes on a bigger machine.",
        remedy: "Measure the worker counts you care about rather than trusting the extrapolation.",
    },
    Notice {
        title: "No predictions",
        place: "under a workload's scaling fits",
        meaning: "The most workers measured already reach the point where more would idle (as many workers as tasks), so nothing is extrapolated.",
        remedy: "Nothing is required; add tasks to study larger worker counts.",
    },
    Notice {
        title: "Variants compute different results",
        place: "in the Variants section of report.md and in variants.md",
        meaning: "A workload's runs under two variants returned different checksums: the versions under test do different work, so their times are not a like-for-like comparison. Neither variant is marked as a mismatch.",
        remedy: "Check that both versions compute the same result for the same input (a bug, or a changed parameter), or accept that the comparison measures different work.",
    },
    Notice {
        title: "Threshold below the detectable change",
        place: "in the Variants section of report.md and in variants.md",
        meaning: "The verdict threshold is smaller than the change the paired runs of this session can tell from noise (the widest half of a cell's ratio CI), so verdicts at that threshold are close to chance in the noisiest cells.",
        remedy: "Use more repeats or rounds, a quieter machine, or a threshold at least as large as the detectable change the report names; `--aa` measures it for this runner.",
    },
    Notice {
        title: "Warning",
        place: "in compare's output",
        meaning: "The two runs being compared differ in a way that weakens the verdicts: other machines, other scenarios, or other settings. The warning names the difference.",
        remedy: "Compare runs made from the same scenario on the same machine, or read the verdicts with that difference in mind.",
    },
];

/// The notice `text` starts with (after an optional `> ` quote), if any.
pub fn of(text: &str) -> Option<&'static Notice> {
    let bold = text.trim_start_matches("> ").strip_prefix("**")?;
    NOTICES.iter().find(|n| {
        bold.strip_prefix(n.title)
            .is_some_and(|rest| rest.starts_with("**") || rest.starts_with([':', ' ', '.']))
    })
}

/// `text` with a link to its section of the guide appended, when it is a listed notice.
pub fn linked(text: &str) -> String {
    match of(text) {
        Some(n) => format!("{text} [What to do]({GUIDE_MD}#{}).", n.id()),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_unique_and_anchors_are_plain() {
        let mut ids: Vec<String> = NOTICES.iter().map(Notice::id).collect();
        ids.sort();
        let n = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), n, "two notices share an anchor");
        assert_eq!(slug("Waiting for a CPU"), "waiting-for-a-cpu");
        assert_eq!(
            slug("Predictions, not measurements"),
            "predictions-not-measurements"
        );
    }

    #[test]
    fn a_notice_is_found_by_its_bold_start() {
        let t = "> **Two clusters of runs**: `threads`@2 (2 of 5 runs 1.6x slower).";
        assert_eq!(of(t).map(|n| n.title), Some("Two clusters of runs"));
        assert_eq!(
            of("**Shard 1/2:** this folder").map(|n| n.title),
            Some("Shard")
        );
        assert_eq!(
            of("**Short runs** (median").map(|n| n.title),
            Some("Short runs")
        );
        assert!(of("**Scaling fits.** The").is_none());
        let l = linked("**Interrupted:** cells.");
        assert!(l.ends_with("[What to do](../../docs/src/generated/warnings.md#interrupted)."));
    }

    /// Every bold-titled notice the report code prints is listed (a new warning without a
    /// guide section fails here).
    #[test]
    fn every_printed_notice_is_listed() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut missing = Vec::new();
        let mut files = vec![root.join("report"), root.join("compare")];
        while let Some(p) = files.pop() {
            if p.is_dir() {
                for e in std::fs::read_dir(&p).unwrap() {
                    files.push(e.unwrap().path());
                }
                continue;
            }
            if p.extension().is_none_or(|e| e != "rs") || p.ends_with("notices.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&p).unwrap();
            for (i, line) in text.lines().enumerate() {
                let t = line.trim_start();
                if t.starts_with("//") || t.contains("assert") || t.contains("starts_with") {
                    continue;
                }
                for start in ["\"> **", "\"**"] {
                    let Some(at) = t.find(start) else { continue };
                    let quoted = &t[at + 1..];
                    let bold = quoted.trim_start_matches("> ");
                    // Headlines that are not warnings: the answer lines and the fit heading.
                    let known_plain = [
                        "**Best",
                        "**Replication",
                        "**Scaling fits",
                        "**Result",
                        "**{",
                        "**regressed**", // a verdict in the variants table
                    ];
                    if known_plain.iter().any(|k| bold.starts_with(k)) {
                        continue;
                    }
                    if of(quoted.trim_end_matches(['"', ',', ')', ';'])).is_none() {
                        missing.push(format!("{}:{}: {t}", p.display(), i + 1));
                    }
                }
            }
        }
        assert!(
            missing.is_empty(),
            "notices without a guide entry:\n{}",
            missing.join("\n")
        );
    }
}
