//! Which chart files a run writes: the `charts` key and `--charts` (on `run` and `plot`).
//!
//! A selection is one word or a list of them: `all` (every chart, the default), `none`, chart
//! kinds (`speedup`, `time`, ...) to draw only those, and formats (`png`, `svg`) to write only
//! those. Kinds and formats combine: `["speedup", "svg"]` is the speedup charts as SVG only; a
//! list of formats alone keeps every kind, and a list of kinds alone keeps both formats. The
//! selection, and what it left out, is recorded in `meta.json`, so a report can say so.

use super::ValueError;
use serde::{Deserialize, Serialize};

/// The chart kinds, in report order (one list, in a leaf the report's chart registry is
/// checked against: a test keeps them equal).
pub use crate::chart_kinds::KINDS;

/// The file formats every chart is written in.
pub const FORMATS: &[(&str, &str)] = &[("png", "PNG images"), ("svg", "SVG drawings")];

/// What `all` and `none` mean.
const ALL: (&str, &str) = ("all", "every chart, the default");
const NONE: (&str, &str) = ("none", "no chart files");

/// Every word a selection may hold, with what it means.
pub fn words() -> Vec<(&'static str, &'static str)> {
    let mut w = vec![ALL, NONE];
    w.extend_from_slice(KINDS);
    w.extend_from_slice(FORMATS);
    w
}

/// A selection of charts, with what was asked and what it left out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Charts {
    /// What was asked, as written (`["all"]` when nothing was).
    pub asked: Vec<String>,
    /// The chart kinds drawn, in report order.
    pub kinds: Vec<String>,
    /// The formats written.
    pub formats: Vec<String>,
    /// What the selection leaves out: kinds, then formats.
    pub left_out: Vec<String>,
}

impl Default for Charts {
    fn default() -> Charts {
        Charts::from_parts(vec!["all".into()], names(KINDS), names(FORMATS))
    }
}

fn names(list: &[(&str, &str)]) -> Vec<String> {
    list.iter().map(|(n, _)| n.to_string()).collect()
}

/// What is wrong with a selection: the item at fault, what is wrong and the fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mistake {
    pub index: usize,
    pub message: String,
    pub help: String,
}

impl Charts {
    fn from_parts(asked: Vec<String>, kinds: Vec<String>, formats: Vec<String>) -> Charts {
        let left_out = KINDS
            .iter()
            .map(|(k, _)| *k)
            .filter(|k| !kinds.iter().any(|x| x == k))
            .chain(
                FORMATS
                    .iter()
                    .map(|(f, _)| *f)
                    .filter(|f| !formats.iter().any(|x| x == f)),
            )
            .map(str::to_string)
            .collect();
        Charts {
            asked,
            kinds,
            formats,
            left_out,
        }
    }

    /// Reads a selection: each word known, `none` alone.
    pub fn parse(asked: &[String]) -> Result<Charts, Mistake> {
        let known = words();
        if asked.is_empty() {
            return Err(Mistake {
                index: 0,
                message: "the chart list is empty".into(),
                help: "write charts = \"none\" to draw no chart, or name the charts to draw, e.g. charts = [\"speedup\"]".into(),
            });
        }
        for (index, w) in asked.iter().enumerate() {
            if !known.iter().any(|(k, _)| k == w) {
                let mean = crate::scenario::diag::did_you_mean(w, known.iter().map(|(k, _)| *k))
                    .map(|k| format!("did you mean `{k}`? "))
                    .unwrap_or_default();
                return Err(Mistake {
                    index,
                    message: format!("unknown chart `{w}`"),
                    help: format!(
                        "{mean}charts are `all`, `none`, kinds ({}) and formats ({})",
                        names(KINDS).join(", "),
                        names(FORMATS).join(", ")
                    ),
                });
            }
        }
        if let Some(i) = asked.iter().position(|w| w == NONE.0) {
            if asked.len() > 1 {
                let index = if i == 0 { 1 } else { i };
                return Err(Mistake {
                    index,
                    message: format!("`none` and `{}` together", asked[if i == 0 { 1 } else { 0 }]),
                    help: "`none` writes no chart file: write it alone, or list only the charts and formats to write".into(),
                });
            }
            return Ok(Charts::from_parts(asked.to_vec(), Vec::new(), Vec::new()));
        }
        let has = |w: &str| asked.iter().any(|a| a == w);
        let pick = |list: &[(&str, &str)]| -> Vec<String> {
            let some: Vec<String> = names(list).into_iter().filter(|n| has(n)).collect();
            if some.is_empty() || (list == KINDS && has(ALL.0)) {
                names(list)
            } else {
                some
            }
        };
        Ok(Charts::from_parts(
            asked.to_vec(),
            pick(KINDS),
            pick(FORMATS),
        ))
    }

    /// Reads `--charts`: words separated by commas.
    pub fn parse_flag(text: &str) -> Result<Charts, ValueError> {
        let words: Vec<String> = text
            .split(',')
            .map(|w| w.trim().to_string())
            .filter(|w| !w.is_empty())
            .collect();
        Charts::parse(&words)
            .map_err(|m| ValueError::Flag(format!("--charts: {}: {}", m.message, m.help)))
    }

    /// Whether charts of this kind (`speedup`, ...) are drawn.
    pub fn draws(&self, kind: &str) -> bool {
        self.kinds.iter().any(|k| k == kind)
    }

    /// Whether files of this format (`png`, `svg`) are written.
    pub fn writes(&self, format: &str) -> bool {
        self.formats.iter().any(|f| f == format)
    }

    /// The file a chart of this kind is linked as: its PNG, else its SVG; `None` when the
    /// kind, or every format, was left out.
    pub fn file_of(&self, kind: &str) -> Option<&'static str> {
        if !self.draws(kind) {
            return None;
        }
        FORMATS.iter().map(|(f, _)| *f).find(|f| self.writes(f))
    }

    /// Whether a word of [`Charts::left_out`] is a format (`png`, `svg`) rather than a kind.
    pub fn is_format(word: &str) -> bool {
        FORMATS.iter().any(|(f, _)| *f == word)
    }

    /// Every kind and format, as asked by default.
    pub fn is_all(&self) -> bool {
        self.left_out.is_empty()
    }

    /// The selection as written in a scenario file: `"speedup"` or `["speedup", "svg"]`.
    pub fn written(&self) -> String {
        match self.asked.as_slice() {
            [one] => format!("\"{one}\""),
            many => format!(
                "[{}]",
                many.iter()
                    .map(|w| format!("\"{w}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(words: &[&str]) -> Result<Charts, Mistake> {
        Charts::parse(&words.iter().map(|w| w.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn kinds_and_formats_combine() {
        let all = parse(&["all"]).unwrap();
        assert_eq!(all, Charts::default());
        assert!(all.is_all() && all.draws("timeline") && all.writes("svg"));

        let c = parse(&["speedup", "svg"]).unwrap();
        assert_eq!(c.kinds, ["speedup"]);
        assert_eq!(c.formats, ["svg"]);
        assert_eq!(
            c.left_out,
            [
                "time",
                "efficiency",
                "memory",
                "cpu",
                "host",
                "timeline",
                "variants",
                "png"
            ]
        );
        assert_eq!(c.written(), "[\"speedup\", \"svg\"]");

        let png = parse(&["png"]).unwrap();
        assert_eq!(png.kinds.len(), KINDS.len());
        assert_eq!(png.left_out, ["svg"]);

        let two = parse(&["time", "speedup", "time"]).unwrap();
        assert_eq!(two.kinds, ["speedup", "time"]);
        assert_eq!(two.formats, ["png", "svg"]);

        let none = parse(&["none"]).unwrap();
        assert!(none.kinds.is_empty() && none.formats.is_empty());
        assert_eq!(none.left_out.len(), KINDS.len() + FORMATS.len());
    }

    #[test]
    fn mistakes_point_at_their_item() {
        let m = parse(&["speedup", "speedp"]).unwrap_err();
        assert_eq!((m.index, m.message.as_str()), (1, "unknown chart `speedp`"));
        assert!(m.help.starts_with("did you mean `speedup`?"), "{}", m.help);
        let m = parse(&["none", "svg"]).unwrap_err();
        assert_eq!(
            (m.index, m.message.as_str()),
            (1, "`none` and `svg` together")
        );
        let m = parse(&["time", "none"]).unwrap_err();
        assert_eq!(
            (m.index, m.message.as_str()),
            (1, "`none` and `time` together")
        );
        assert!(parse(&[]).is_err());
        assert_eq!(
            Charts::parse_flag("speedup,, svg").unwrap().asked,
            ["speedup", "svg"]
        );
        let e = Charts::parse_flag("pngs").unwrap_err();
        assert!(matches!(e, ValueError::Flag(_)), "{e:?}");
        assert!(e
            .to_string()
            .starts_with("--charts: unknown chart `pngs`: did you mean `png`?"));
    }
}
