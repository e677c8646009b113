//! The host probe columns of `runs.csv` and the relative speeds derived from them.

use super::RunRow;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// One probe of the host: how long each sampled CPU took for the same short loop, in
/// microseconds, written `cpu=us` separated by `;` in one CSV cell (`0=131.2;1=247.9`), so a
/// machine with any number of CPUs has the same columns. Empty: not measured.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HostProbes(pub Vec<(u32, f64)>);

impl HostProbes {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Display for HostProbes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, (cpu, us)) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(";")?;
            }
            write!(f, "{cpu}={us:.1}")?;
        }
        Ok(())
    }
}

/// Text that is not a host probe column.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a host probe (expected cpu=microseconds;...)")]
pub struct BadProbe(pub String);

impl std::str::FromStr for HostProbes {
    type Err = BadProbe;
    fn from_str(s: &str) -> Result<HostProbes, BadProbe> {
        let bad = || BadProbe(s.to_string());
        let s = s.trim();
        if s.is_empty() {
            return Ok(HostProbes::default());
        }
        s.split(';')
            .map(|part| {
                let (cpu, us) = part.split_once('=').ok_or_else(bad)?;
                let cpu: u32 = cpu.trim().parse().map_err(|_| bad())?;
                let us: f64 = us.trim().parse().map_err(|_| bad())?;
                (us.is_finite() && us > 0.0)
                    .then_some((cpu, us))
                    .ok_or_else(bad)
            })
            .collect::<Result<Vec<_>, BadProbe>>()
            .map(HostProbes)
    }
}

impl Serialize for HostProbes {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for HostProbes {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<HostProbes, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// Turns the raw probes of a set of runs into relative speeds: each CPU's fastest probe in
/// the set is its best (1.0), every other probe of it is `best / probe`. A set is what one
/// session measured (a run folder; with `--resume`, its sessions together; a merge normalises
/// each shard alone, since shards may run on different machines).
#[derive(Debug, Clone, Default)]
pub struct HostSpeeds {
    best_us: HashMap<u32, f64>,
}

impl HostSpeeds {
    pub fn learn(rows: &[RunRow]) -> HostSpeeds {
        let mut best_us: HashMap<u32, f64> = HashMap::new();
        for r in rows {
            for &(cpu, us) in r
                .measured
                .probe_before_us
                .0
                .iter()
                .chain(&r.measured.probe_after_us.0)
            {
                let b = best_us.entry(cpu).or_insert(us);
                *b = b.min(us);
            }
        }
        HostSpeeds { best_us }
    }

    /// Each probed CPU's relative speed in one probe.
    pub fn relative(&self, probes: &HostProbes) -> Vec<f64> {
        probes
            .0
            .iter()
            .filter_map(|(cpu, us)| self.best_us.get(cpu).map(|b| b / us))
            .collect()
    }

    /// Fills the derived host columns of every row.
    pub fn fill(&self, rows: &mut [RunRow]) {
        for r in rows {
            let before = self.relative(&r.measured.probe_before_us);
            let after = self.relative(&r.measured.probe_after_us);
            let slowest = |v: &[f64]| v.iter().copied().reduce(f64::min);
            let spread = |v: &[f64]| {
                let lo = slowest(v)?;
                let hi = v.iter().copied().reduce(f64::max)?;
                Some(hi / lo)
            };
            let all: Vec<f64> = before.iter().chain(&after).copied().collect();
            r.host_speed = (!all.is_empty()).then(|| all.iter().sum::<f64>() / all.len() as f64);
            r.host_speed_before = slowest(&before);
            r.host_speed_after = slowest(&after);
            r.host_spread = match (spread(&before), spread(&after)) {
                (Some(a), Some(b)) => Some(a.max(b)),
                (a, b) => a.or(b),
            };
        }
    }
}
