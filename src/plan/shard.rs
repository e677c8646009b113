//! Sharding: which cells one of N machines runs (`--shard K/N`).

use super::{estimate_cell_s, Cell};
use serde::{Deserialize, Serialize};

/// A `--shard K/N` selection: which of N slices this machine runs (K counts from 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

/// Text that is not `K/N` with 1 <= K <= N.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("expected K/N with 1 <= K <= N, e.g. --shard 1/2 and --shard 2/2 on two machines")]
pub struct BadShard;

/// A shard that does not parse, with the text as written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("--shard `{text}`: {why}")]
pub struct ShardError {
    pub text: String,
    pub why: BadShard,
}

impl Shard {
    /// Parses `K/N` with 1 <= K <= N; the error names `--shard` and the text.
    pub fn parse(s: &str) -> Result<Shard, ShardError> {
        s.parse().map_err(|why| ShardError {
            text: s.to_string(),
            why,
        })
    }
}

impl std::str::FromStr for Shard {
    type Err = BadShard;

    /// `K/N` with 1 <= K <= N (the command line's `--shard`, parsed there).
    fn from_str(s: &str) -> Result<Shard, BadShard> {
        let (k, n) = s.split_once('/').ok_or(BadShard)?;
        let index: u32 = k.trim().parse().map_err(|_| BadShard)?;
        let count: u32 = n.trim().parse().map_err(|_| BadShard)?;
        if index == 0 || count == 0 || index > count {
            return Err(BadShard);
        }
        Ok(Shard { index, count })
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// The cells of one shard, in plan order. Cells go, costliest first, to the shard with the
/// least estimated time so far (ties to the lower shard), so the N slices take about equally
/// long and every cell lands in exactly one of them, the same way on every machine.
pub fn shard(cells: Vec<Cell>, shard: Shard, cores: u64) -> Vec<Cell> {
    let cost: Vec<f64> = cells.iter().map(|c| estimate_cell_s(c, cores)).collect();
    let mut by_cost: Vec<usize> = (0..cells.len()).collect();
    by_cost.sort_by(|&a, &b| cost[b].total_cmp(&cost[a]).then(a.cmp(&b)));
    let mut load = vec![0.0f64; shard.count as usize];
    let mut owner = vec![0usize; cells.len()];
    for i in by_cost {
        let lightest = (0..load.len())
            .min_by(|&a, &b| load[a].total_cmp(&load[b]).then(a.cmp(&b)))
            .unwrap_or(0);
        load[lightest] += cost[i];
        owner[i] = lightest;
    }
    cells
        .into_iter()
        .enumerate()
        .filter(|(i, _)| owner[*i] == shard.index as usize - 1)
        .map(|(_, c)| c)
        .collect()
}
