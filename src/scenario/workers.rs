//! The `workers` key: plain integers and core expressions (`"cores"`, `"2*cores"`,
//! `"cores/2"`, `"cores+1"`), as a list or as a range (`{ from = 1, to = "2*cores", step = 1 }`
//! or `{ from = 1, to = 64, factor = 2 }`). Expressions resolve against the logical cores this
//! process may use, so one scenario file scales from a laptop to a 128-core server.
//!
//! The same expressions come from scenario files ([`WorkersSpec::read`], problems located by
//! the caller) and from `--workers` ([`parse_list`] / `FromStr`, problems shown as text).

use super::diag::{describe, did_you_mean, Problem, Seg};
use super::file::integer;
use std::fmt;
use std::str::FromStr;
use toml::de::{DeTable, DeValue};

/// Largest worker count anyone could mean; more is a typo, not a benchmark.
pub const MAX_WORKERS: u64 = 100_000;

/// What the `workers` key takes, for "expected ..." help.
pub const EXPECTS: &str = "a list of worker counts or a range";

/// What one worker count may be, for "expected ..." help.
const EXPECTS_COUNT: &str =
    "a worker count: an integer >= 1 or a core expression such as \"cores\" or \"2*cores\"";

/// One worker count: an integer, or an expression over the core count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkerExpr {
    Count(u64),
    /// `mul * cores / div + add` (add may be negative).
    Cores {
        mul: u64,
        div: u64,
        add: i64,
    },
}

impl WorkerExpr {
    /// The concrete count on a machine with `cores` logical cores (never below 1).
    pub fn resolve(self, cores: u64) -> u64 {
        match self {
            WorkerExpr::Count(n) => n,
            WorkerExpr::Cores { mul, div, add } => {
                // Saturating: absurd expressions resolve to huge counts that the limit rejects.
                let base = mul.saturating_mul(cores) / div.max(1);
                let sum = (base.min(i64::MAX as u64) as i64).saturating_add(add);
                sum.max(1) as u64
            }
        }
    }

    /// Parses `"cores"`, `"K*cores"`, `"cores*K"`, `"cores/K"`, `"cores+K"`, `"cores-K"` or an
    /// integer. The problem says what is accepted.
    pub fn parse(text: &str) -> Result<WorkerExpr, Problem> {
        let s: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        if let Ok(n) = s.parse::<i128>() {
            return WorkerExpr::count(n);
        }
        let bad = || {
            Problem::new(
                format!("invalid worker expression `{text}`"),
                "expected an integer >= 1 or a core expression such as \"cores\", \"2*cores\", \
                 \"cores/2\" or \"cores+1\"",
            )
        };
        let num = |t: &str| t.parse::<u64>().ok().filter(|n| *n >= 1);
        let (mul, rest) = match s.split_once("*cores") {
            Some((k, "")) => (num(k).ok_or_else(bad)?, String::new()),
            Some((k, rest)) if !k.is_empty() => (num(k).ok_or_else(bad)?, rest.to_string()),
            _ => match s.strip_prefix("cores") {
                Some(rest) => (1, rest.to_string()),
                None => return Err(bad()),
            },
        };
        let mut expr = WorkerExpr::Cores {
            mul,
            div: 1,
            add: 0,
        };
        let WorkerExpr::Cores { mul: m, div, add } = &mut expr else {
            return Err(bad());
        };
        if rest.is_empty() {
            return Ok(expr);
        }
        let mut chars = rest.chars();
        let op = chars.next().ok_or_else(bad)?;
        let operand = chars.as_str();
        let k = num(operand).ok_or_else(bad)?;
        match op {
            '*' => *m = m.saturating_mul(k),
            '/' => *div = k,
            '+' => *add = k.min(i64::MAX as u64) as i64,
            '-' => *add = -(k.min(i64::MAX as u64) as i64),
            _ => return Err(bad()),
        }
        Ok(expr)
    }

    fn count(n: i128) -> Result<WorkerExpr, Problem> {
        if n < 1 {
            Err(Problem::new(
                format!("worker count must be at least 1, found {n}"),
                "use a positive integer or \"cores\"",
            ))
        } else if n > MAX_WORKERS as i128 {
            Err(too_many(n))
        } else {
            Ok(WorkerExpr::Count(n as u64))
        }
    }

    /// Reads one count of a scenario file: an integer or a core expression. `example` is a
    /// valid line for "e.g." help.
    fn read(value: &DeValue, example: &str) -> Result<WorkerExpr, Problem> {
        match value {
            DeValue::Integer(i) => WorkerExpr::count(integer(i)),
            DeValue::String(s) => WorkerExpr::parse(s),
            other => Err(Problem::new(
                format!("invalid type: {}", describe(other)),
                format!("expected {EXPECTS_COUNT}, e.g. {example}"),
            )),
        }
    }
}

fn too_many(n: impl fmt::Display) -> Problem {
    Problem::new(
        format!("worker count {n} is above the limit of {MAX_WORKERS}"),
        "use a smaller count",
    )
}

impl fmt::Display for WorkerExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            WorkerExpr::Count(n) => write!(f, "{n}"),
            WorkerExpr::Cores { mul, div, add } => {
                if mul != 1 {
                    write!(f, "{mul}*")?;
                }
                write!(f, "cores")?;
                if div != 1 {
                    write!(f, "/{div}")?;
                }
                match add {
                    0 => Ok(()),
                    a if a > 0 => write!(f, "+{a}"),
                    a => write!(f, "{a}"),
                }
            }
        }
    }
}

/// The `workers` key: a list of counts, or a range.
#[derive(Debug, Clone, PartialEq)]
pub enum WorkersSpec {
    List(Vec<WorkerExpr>),
    Range {
        from: WorkerExpr,
        to: WorkerExpr,
        step: Step,
    },
}

/// How a range advances.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Add(u64),
    Mul(u64),
}

impl WorkersSpec {
    /// The default: `[1, 2, "cores"]`.
    pub fn default_counts() -> WorkersSpec {
        WorkersSpec::List(vec![
            WorkerExpr::Count(1),
            WorkerExpr::Count(2),
            WorkerExpr::Cores {
                mul: 1,
                div: 1,
                add: 0,
            },
        ])
    }

    /// Reads the value of a `workers` key; `example` is a valid line for "e.g." help. A
    /// problem's path is relative to the value (`[2]`, `from`).
    ///
    /// A single string (`workers = "cores"`) is read as a list of one: it can only mean that.
    /// A single number is refused, because `workers = 4` is as likely to mean "up to 4" as
    /// "exactly 4", and the two give very different benchmarks.
    pub fn read(value: &DeValue, example: &str) -> Result<WorkersSpec, Problem> {
        match value {
            DeValue::Array(items) => {
                if items.is_empty() {
                    return Err(Problem::new(
                        "the worker list is empty",
                        "give at least one count, e.g. workers = [1, 2]",
                    ));
                }
                let counts = items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| {
                        WorkerExpr::read(v.get_ref(), example).map_err(|p| p.under(Seg::Index(i)))
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(WorkersSpec::List(counts))
            }
            DeValue::Table(t) => read_range(t),
            DeValue::String(s) => Ok(WorkersSpec::List(vec![WorkerExpr::parse(s)?])),
            DeValue::Integer(i) => Err(Problem::new(
                format!("a single number ({i}) is not a worker list"),
                format!(
                    "workers is a list: write workers = [{i}], or a range {{ from = 1, to = {i} }}"
                ),
            )),
            other => Err(Problem::new(
                format!("invalid type: {}", describe(other)),
                format!("expected {EXPECTS}, e.g. {example}"),
            )),
        }
    }

    /// Resolves to a sorted, deduplicated list of counts. Problems (e.g. `from > to` once
    /// cores are known) are about the whole spec.
    pub fn resolve(&self, cores: u64) -> Result<Vec<u64>, Problem> {
        let mut out = match self {
            WorkersSpec::List(items) => items.iter().map(|w| w.resolve(cores)).collect(),
            WorkersSpec::Range { from, to, step } => {
                let (a, b) = (from.resolve(cores), to.resolve(cores));
                if a > b {
                    return Err(Problem::new(
                        format!(
                            "range goes down: from = {from} ({a}) is above to = {to} ({b}) on \
                             {cores} cores"
                        ),
                        "swap them, or start the range lower",
                    ));
                }
                if b > MAX_WORKERS {
                    return Err(too_many(format!("{b} (to = {to})")));
                }
                let mut v = Vec::new();
                let mut x = a;
                while x <= b {
                    v.push(x);
                    x = match step {
                        Step::Add(k) => x.saturating_add(*k),
                        Step::Mul(k) => x.saturating_mul(*k),
                    };
                }
                v
            }
        };
        if out.is_empty() {
            return Err(Problem::new(
                "the worker list is empty",
                "give at least one count, e.g. workers = [1, 2]",
            ));
        }
        if let Some(&big) = out.iter().find(|&&n| n > MAX_WORKERS) {
            return Err(too_many(big));
        }
        out.sort_unstable();
        out.dedup();
        Ok(out)
    }

    /// The spec as a scenario file would write it (e.g. `[1, 2, "cores"]`), for the record.
    pub fn written(&self) -> String {
        let e = |w: &WorkerExpr| match w {
            WorkerExpr::Count(n) => n.to_string(),
            other => format!("\"{other}\""),
        };
        match self {
            WorkersSpec::List(items) => {
                format!("[{}]", items.iter().map(e).collect::<Vec<_>>().join(", "))
            }
            WorkersSpec::Range { from, to, step } => match step {
                Step::Add(s) => format!("{{ from = {}, to = {}, step = {s} }}", e(from), e(to)),
                Step::Mul(f) => format!("{{ from = {}, to = {}, factor = {f} }}", e(from), e(to)),
            },
        }
    }
}

/// The keys of a worker range, for "did you mean".
const RANGE_KEYS: &[&str] = &["from", "to", "step", "factor"];

/// Reads `{ from = .., to = .., step | factor = .. }`. Problems with one value sit at its key
/// (`from`); problems of the combination sit at the range.
fn read_range(table: &DeTable) -> Result<WorkersSpec, Problem> {
    let example = "workers = { from = 1, to = \"cores\", step = 1 }";
    let (mut from, mut to, mut step, mut factor) = (None, None, None, None);
    for (key, value) in table.iter() {
        let key: &str = key.get_ref();
        let value = value.get_ref();
        let whole = |example: &str| match value {
            DeValue::Integer(i) => Ok(integer(i)),
            other => Err(Problem::new(
                format!("invalid type: {}", describe(other)),
                format!("expected a whole number, e.g. {example}"),
            )
            .under(Seg::key(key))),
        };
        match key {
            "from" => {
                from =
                    Some(WorkerExpr::read(value, "from = 1").map_err(|p| p.under(Seg::key(key)))?)
            }
            "to" => {
                to = Some(
                    WorkerExpr::read(value, "to = \"cores\"")
                        .map_err(|p| p.under(Seg::key(key)))?,
                )
            }
            "step" => step = Some(whole("step = 1")?),
            "factor" => factor = Some(whole("factor = 2")?),
            other => return Err(unknown_range_key(other, example)),
        }
    }
    let missing = |k: &str| {
        Problem::new(
            format!("the worker range has no `{k}`"),
            format!("give both ends, e.g. {example}"),
        )
    };
    let from = from.ok_or_else(|| missing("from"))?;
    let to = to.ok_or_else(|| missing("to"))?;
    let step = range_step(step, factor)?;
    if let (WorkerExpr::Count(a), WorkerExpr::Count(b)) = (from, to) {
        if a > b {
            return Err(Problem::new(
                format!("range goes down: from = {a} is above to = {b}"),
                format!("swap them: from = {b}, to = {a}"),
            ));
        }
    }
    Ok(WorkersSpec::Range { from, to, step })
}

/// The step of a worker range from its `step` and `factor` keys (at most one; counting up by
/// one when neither is given).
fn range_step(step: Option<i128>, factor: Option<i128>) -> Result<Step, Problem> {
    Ok(match (step, factor) {
        (Some(_), Some(_)) => {
            return Err(Problem::new(
                "a worker range takes `step` or `factor`, not both",
                "keep `step` to count up by it, or `factor` to multiply by it",
            ))
        }
        (None, Some(f)) if f < 2 => {
            return Err(Problem::new(
                format!("`factor` must be at least 2, found {f}"),
                "use factor = 2 or more, or step = 1 to count up by one",
            ))
        }
        (None, Some(f)) if f > MAX_WORKERS as i128 => {
            return Err(Problem::new(
                format!("`factor` = {f} is too large"),
                format!("use 2 to {MAX_WORKERS}"),
            ))
        }
        (None, Some(f)) => Step::Mul(f as u64),
        (Some(s), None) if s < 1 => {
            return Err(Problem::new(
                format!("`step` must be at least 1, found {s}"),
                "use step = 1 or more",
            ))
        }
        // A step beyond any count just ends the range after `from`.
        (Some(s), None) => Step::Add(u64::try_from(s).unwrap_or(u64::MAX)),
        (None, None) => Step::Add(1),
    })
}

/// The error for a key a worker range does not take.
fn unknown_range_key(other: &str, example: &str) -> Problem {
    let mean = did_you_mean(other, RANGE_KEYS.iter().copied())
        .map(|k| format!("did you mean `{k}`? "))
        .unwrap_or_default();
    Problem::new(
        format!("unknown key `{other}` in a worker range"),
        format!("{mean}a range takes `from`, `to`, and `step` or `factor`, e.g. {example}"),
    )
}

/// Parses a `--workers` command-line list such as `1,2,cores,2*cores`.
pub fn parse_list(text: &str) -> Result<WorkersSpec, Problem> {
    let items = text
        .split(',')
        .filter(|s| !s.trim().is_empty())
        .map(WorkerExpr::parse)
        .collect::<Result<Vec<_>, _>>()?;
    if items.is_empty() {
        return Err(Problem::new(
            "the worker list is empty",
            "give counts such as 1,2,cores",
        ));
    }
    Ok(WorkersSpec::List(items))
}

impl FromStr for WorkersSpec {
    type Err = Problem;

    /// The command line's form: `1,2,cores`.
    fn from_str(s: &str) -> Result<WorkersSpec, Problem> {
        parse_list(s)
    }
}

/// `--workers` as given on the command line: the parsed list, and its text for the record.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkersArg {
    pub spec: WorkersSpec,
    /// As written, e.g. `1,2,cores`.
    pub text: String,
}

impl FromStr for WorkersArg {
    type Err = Problem;

    fn from_str(s: &str) -> Result<WorkersArg, Problem> {
        Ok(WorkersArg {
            spec: parse_list(s)?,
            text: s.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expressions_resolve_against_cores() {
        let r = |s: &str| WorkerExpr::parse(s).map(|w| w.resolve(8));
        assert_eq!(r("cores"), Ok(8));
        assert_eq!(r("2*cores"), Ok(16));
        assert_eq!(r("cores*3"), Ok(24));
        assert_eq!(r("cores/2"), Ok(4));
        assert_eq!(r("cores + 1"), Ok(9));
        assert_eq!(r("cores-10"), Ok(1));
        assert_eq!(r("12"), Ok(12));
        assert!(r("core").is_err());
        assert!(r("0").is_err());
        assert!(r("cores/0").is_err());
        assert!(r("x*cores").is_err());
    }

    #[test]
    fn ranges_sort_and_dedup() {
        let spec = WorkersSpec::Range {
            from: WorkerExpr::Count(1),
            to: WorkerExpr::parse("2*cores").unwrap(),
            step: Step::Mul(2),
        };
        assert_eq!(spec.resolve(4).unwrap(), vec![1, 2, 4, 8]);
        let list: WorkersSpec = "4,cores,1,2".parse().unwrap();
        assert_eq!(list.resolve(2).unwrap(), vec![1, 2, 4]);
    }

    #[test]
    fn display_round_trips() {
        for s in ["cores", "2*cores", "cores/2", "cores+1", "cores-1", "7"] {
            assert_eq!(WorkerExpr::parse(s).unwrap().to_string(), s);
        }
    }

    fn read(text: &str) -> Result<WorkersSpec, Problem> {
        let doc = format!("workers = {text}");
        let table = DeTable::parse(&doc).unwrap();
        let value = table.get_ref().get("workers").unwrap();
        WorkersSpec::read(value.get_ref(), "workers = [1, 2, \"cores\"]")
    }

    #[test]
    fn a_bare_number_is_refused_with_the_list_and_the_range_it_could_mean() {
        let p = read("4").unwrap_err();
        assert_eq!(
            p.help,
            "workers is a list: write workers = [4], or a range { from = 1, to = 4 }"
        );
        // A bare expression can only mean one count.
        assert_eq!(read("\"cores\"").unwrap().written(), "[\"cores\"]");
    }

    #[test]
    fn problems_point_below_the_value() {
        let p = read("[1, 2.5]").unwrap_err();
        assert_eq!(p.at, vec![Seg::Index(1)]);
        assert!(
            p.help.ends_with("e.g. workers = [1, 2, \"cores\"]"),
            "{}",
            p.help
        );
        let p = read("{ from = 1, to = 4, step = \"x\" }").unwrap_err();
        assert_eq!(p.at, vec![Seg::key("step")]);
        assert_eq!(p.help, "expected a whole number, e.g. step = 1");
        let p = read("{ from = 1, to = 4, stepp = 2 }").unwrap_err();
        assert!(p.at.is_empty());
        assert!(p.help.starts_with("did you mean `step`?"), "{}", p.help);
    }

    #[test]
    fn written_keeps_the_form() {
        assert_eq!(
            read("{ from = 1, to = \"2*cores\", factor = 2 }")
                .unwrap()
                .written(),
            "{ from = 1, to = \"2*cores\", factor = 2 }"
        );
        assert_eq!(
            read("[1, \"cores/2\"]").unwrap().written(),
            "[1, \"cores/2\"]"
        );
    }
}
