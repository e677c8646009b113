//! Checking an answer against a replication inside the same session. With `rounds` order each
//! cell's runs are spread over several rounds; the runs of even rounds (0, 2, ...) and of odd
//! rounds (1, 3, ...) are two halves measured at interleaved times, never split within a round.
//! A cell, or a headline of the report, computed from each half alone should come out the
//! same; when it does not, a slow spell of the host (or something else that changed during the
//! session) decided it, and the report says "not reproduced" instead of presenting it.

use crate::measure::stats::{self, Summary};
use crate::record::RunRow;
use serde::{Deserialize, Serialize};

/// Two halves' median times of a cell agree when they differ by at most this share: the same
/// as `compare`'s default threshold, so a cell that passes could be judged by the default
/// gate. (Overlapping confidence intervals are not enough: on the development VM a cell whose
/// even rounds took 12.6 ms and odd rounds 15.9 ms had halves of 5 runs whose intervals
/// overlapped, one slow run in one half, one fast run in the other.)
pub const TOLERANCE: f64 = 0.05;

/// Two halves' speedups agree when they differ by at most this share.
pub const HEADLINE_TOLERANCE: f64 = 0.10;

/// Each half needs this many successful runs to be compared.
pub const MIN_HALF_RUNS: usize = 2;

/// A cell's runs split by the parity of their round.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Halves {
    pub even: Summary,
    pub odd: Summary,
}

impl Halves {
    /// The halves of a cell's successful runs, when each has [`MIN_HALF_RUNS`].
    pub fn of(ok: &[&RunRow], seed: u64) -> Option<Halves> {
        let times = |parity: u32| -> Vec<f64> {
            ok.iter()
                .filter(|r| r.round % 2 == parity)
                .map(|r| r.time_s())
                .collect()
        };
        let (even, odd) = (times(0), times(1));
        if even.len() < MIN_HALF_RUNS || odd.len() < MIN_HALF_RUNS {
            return None;
        }
        Some(Halves {
            even: stats::summarize(&even, seed ^ 0xe4e4)?,
            odd: stats::summarize(&odd, seed ^ 0x0dd0)?,
        })
    }

    /// Whether the halves' medians agree within `tolerance`.
    pub fn agree(&self, tolerance: f64) -> bool {
        agree(self.even.median, self.odd.median, tolerance)
    }
}

/// Whether two estimates agree: within `tolerance` of each other, relative to the smaller.
pub fn agree(a: f64, b: f64, tolerance: f64) -> bool {
    let (lo, hi) = (a.min(b), a.max(b));
    lo > 0.0 && hi / lo <= 1.0 + tolerance
}

/// The rows of even and of odd rounds, when the session had more than one round.
pub fn split(rows: &[RunRow]) -> Option<(Vec<RunRow>, Vec<RunRow>)> {
    let (even, odd): (Vec<RunRow>, Vec<RunRow>) =
        rows.iter().cloned().partition(|r| r.round % 2 == 0);
    (!even.is_empty() && !odd.is_empty()).then_some((even, odd))
}

/// What the halves said about one answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Verdict {
    /// Both halves give the same answer.
    Reproduced,
    /// They do not: what each half said.
    NotReproduced { even: String, odd: String },
    /// The check could not be made, and why.
    NotChecked { why: String },
}

impl Verdict {
    /// The verdict in the report's words.
    pub fn words(&self) -> String {
        match self {
            Verdict::Reproduced => "reproduced".into(),
            Verdict::NotReproduced { even, odd } => {
                format!("not reproduced (halves: {even} vs {odd})")
            }
            Verdict::NotChecked { why } => format!("not checked: {why}"),
        }
    }

    /// The verdict for a table cell: the reason a check was not made is said once elsewhere.
    pub fn short(&self) -> String {
        match self {
            Verdict::NotChecked { .. } => "not checked".into(),
            other => other.words(),
        }
    }

    pub fn reproduced(&self) -> bool {
        matches!(self, Verdict::Reproduced)
    }

    /// Compares what each half said; `same` decides whether they agree.
    pub fn of<T>(
        even: Option<T>,
        odd: Option<T>,
        same: impl Fn(&T, &T) -> bool,
        show: impl Fn(&T) -> String,
    ) -> Verdict {
        match (even, odd) {
            (Some(e), Some(o)) if same(&e, &o) => Verdict::Reproduced,
            (Some(e), Some(o)) => Verdict::NotReproduced {
                even: show(&e),
                odd: show(&o),
            },
            _ => Verdict::NotChecked {
                why: "a half has no result for it".into(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(round: u32, wall_s: f64) -> RunRow {
        RunRow {
            round,
            measured: crate::record::Measurement {
                wall_s,
                ..crate::record::Measurement::default()
            },
            ..RunRow::default()
        }
    }

    #[test]
    fn halves_that_differ_with_tight_runs_do_not_agree() {
        let rows: Vec<RunRow> = [
            (0, 1.00),
            (0, 1.01),
            (1, 1.90),
            (1, 1.91),
            (2, 1.0),
            (3, 1.9),
        ]
        .iter()
        .map(|&(r, t)| row(r, t))
        .collect();
        let ok: Vec<&RunRow> = rows.iter().collect();
        let h = Halves::of(&ok, 1).unwrap();
        assert_eq!(h.even.median, 1.0);
        assert!(!h.agree(TOLERANCE));
    }

    #[test]
    fn close_halves_agree_and_one_round_is_not_checked() {
        let rows: Vec<RunRow> = [(0, 1.00), (0, 1.02), (1, 1.03), (1, 1.01)]
            .iter()
            .map(|&(r, t)| row(r, t))
            .collect();
        let ok: Vec<&RunRow> = rows.iter().collect();
        assert!(Halves::of(&ok, 1).unwrap().agree(TOLERANCE));
        let one_round: Vec<&RunRow> = rows.iter().filter(|r| r.round == 0).collect();
        assert_eq!(Halves::of(&one_round, 1), None);
        assert!(split(&rows[..2]).is_none());
    }

    #[test]
    fn estimates_agree_only_when_close() {
        assert!(agree(1.0, 1.04, 0.05));
        assert!(
            !agree(1.0, 1.2, 0.05),
            "overlapping intervals are not enough"
        );
        assert!(!agree(1.96, 1.05, 0.10));
        assert!(!agree(0.0, 0.0, 0.10));
    }
}
