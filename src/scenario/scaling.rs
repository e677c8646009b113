//! The `scaling` key: what `tasks` counts. Strong scaling keeps the total work fixed as workers
//! are added (the question "how much faster?"); weak scaling keeps the work per worker fixed
//! ("how much more in the same time?").

use super::ValueError;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Scaling {
    /// `tasks` is the total per run.
    #[default]
    Strong,
    /// `tasks` is per worker: a run at N workers gets `tasks x N` tasks.
    Weak,
}

impl Scaling {
    /// Every word `scaling` accepts and what it means, for errors and the schema.
    pub const CHOICES: &'static [(&'static str, &'static str)] = &[
        ("strong", "tasks is the total: fixed work, the default"),
        ("weak", "tasks per worker: runs get tasks x workers tasks"),
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Scaling::Strong => "strong",
            Scaling::Weak => "weak",
        }
    }
}

impl FromStr for Scaling {
    type Err = ValueError;

    fn from_str(s: &str) -> Result<Scaling, ValueError> {
        match s {
            "strong" => Ok(Scaling::Strong),
            "weak" => Ok(Scaling::Weak),
            _ => Err(ValueError::UnknownWord {
                setting: "scaling",
                word: s.to_string(),
                choices: &[],
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_choice_parses_and_prints_back() {
        for (word, _) in Scaling::CHOICES {
            let s: Scaling = word.parse().unwrap();
            assert_eq!(s.as_str(), *word);
        }
        assert_eq!(
            "Strong".parse::<Scaling>().unwrap_err().to_string(),
            "unknown scaling `Strong`"
        );
    }
}
