//! The `order` key: in which order a scenario's runs happen. Drift (thermal throttling, a
//! neighbour's load) biases whichever cells run during it; interleaving or shuffling spreads
//! it over every model.

use serde::{Deserialize, Serialize};
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Order {
    /// Cell after cell, all repeats of a cell in one warmed-up process (the default).
    #[default]
    Cells,
    /// Round-robin: repeat 0 of every cell, then repeat 1 of every cell, ...
    Interleaved,
    /// Every (cell, repeat) pair in a shuffled order (seeded by the scenario's SHA-256, so
    /// the same file gives the same order).
    Random,
}

impl Order {
    pub const NAMES: &'static [&'static str] = &["cells", "interleaved", "random"];

    /// Every word `order` accepts and what it means, for errors and the schema.
    pub const CHOICES: &'static [(&'static str, &'static str)] = &[
        ("cells", "cell after cell, the default"),
        ("interleaved", "one run of every cell per round"),
        ("random", "every run shuffled, seeded by the file"),
    ];

    pub fn parse(s: &str) -> Option<Order> {
        match s {
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

impl FromStr for Order {
    type Err = String;

    fn from_str(s: &str) -> Result<Order, String> {
        Order::parse(s).ok_or_else(|| format!("unknown order `{s}`"))
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
        assert!("cell".parse::<Order>().is_err());
    }
}
