//! The `order` and `rounds` keys: in which order a scenario's runs happen. The host's speed
//! drifts under a run (a neighbour on the same physical core, frequency changes, thermal
//! throttling), and whichever cells run during a slow spell look slow. The default, `rounds`,
//! splits every cell's repeats over a few rounds and visits every cell once per round in a
//! shuffled order, so a spell lands on a slice of many cells instead of on one cell whole, and
//! the two halves of the rounds can be checked against each other.

use super::ValueError;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// How many rounds `rounds` order splits a cell's repeats into when `rounds` is left out:
/// enough for two halves of two rounds each (odd and even rounds), few enough that each round's
/// fresh process and warmup stay cheap.
pub const DEFAULT_ROUNDS: u32 = 4;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Order {
    /// Each cell's repeats split over `rounds` rounds; every round visits every cell once, in a
    /// shuffled order (seeded by the scenario's SHA-256 and the round), each (cell, round) in a
    /// fresh process with its own warmup (the default).
    #[default]
    Rounds,
    /// Cell after cell, all repeats of a cell in one warmed-up process: the fastest order, and
    /// the one a slow spell of the host can bias whole cells in.
    Cells,
    /// Round-robin: repeat 0 of every cell, then repeat 1 of every cell, ... (a process per run)
    Interleaved,
    /// Every (cell, repeat) pair in a shuffled order (seeded by the scenario's SHA-256, so
    /// the same file gives the same order; a process per run).
    Random,
}

impl Order {
    pub const NAMES: &'static [&'static str] = &["rounds", "cells", "interleaved", "random"];

    /// Every word `order` accepts and what it means, for errors and the schema.
    pub const CHOICES: &'static [(&'static str, &'static str)] = &[
        (
            "rounds",
            "repeats split over `rounds` rounds, cells shuffled in each, the default",
        ),
        ("cells", "cell after cell, fastest"),
        ("interleaved", "one run of every cell per round"),
        ("random", "every run shuffled, seeded by the file"),
    ];

    pub fn parse(s: &str) -> Option<Order> {
        match s {
            "rounds" => Some(Order::Rounds),
            "cells" => Some(Order::Cells),
            "interleaved" => Some(Order::Interleaved),
            "random" => Some(Order::Random),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        Self::NAMES[self as usize]
    }
}

impl std::fmt::Display for Order {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Order {
    type Err = ValueError;

    fn from_str(s: &str) -> Result<Order, ValueError> {
        Order::parse(s).ok_or_else(|| ValueError::UnknownWord {
            setting: "order",
            word: s.to_string(),
            choices: Order::NAMES,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_choice_parses_and_prints_back() {
        assert_eq!(Order::CHOICES.len(), Order::NAMES.len());
        for (word, _) in Order::CHOICES {
            let o: Order = word.parse().unwrap();
            assert_eq!(o.as_str(), *word);
        }
        assert_eq!(
            "cell".parse::<Order>().unwrap_err().to_string(),
            "unknown order `cell`: expected one of rounds, cells, interleaved, random"
        );
        assert_eq!(Order::default(), Order::Rounds);
    }
}
