//! Worker counts: plain integers and core expressions (`"cores"`, `"2*cores"`, `"cores/2"`,
//! `"cores+1"`), as a list or as a range (`{ from = 1, to = "2*cores", step = 1 }` or
//! `{ from = 1, to = 64, factor = 2 }`). Expressions resolve against the logical cores this
//! process may use, so one scenario file scales from a laptop to a 128-core server.

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::fmt;

/// Largest worker count anyone could mean; more is a typo, not a benchmark.
pub const MAX_WORKERS: u64 = 100_000;

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
    /// integer. The error text says what is accepted.
    pub fn parse(text: &str) -> Result<WorkerExpr, String> {
        let s: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        if let Ok(n) = s.parse::<i64>() {
            return WorkerExpr::count(n);
        }
        let bad = || {
            format!(
                "invalid worker expression `{text}`: expected an integer >= 1 or a core \
                 expression such as \"cores\", \"2*cores\", \"cores/2\" or \"cores+1\""
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

    fn count(n: i64) -> Result<WorkerExpr, String> {
        if n < 1 {
            Err(format!(
                "worker count must be at least 1, found {n}: use a positive integer or \"cores\""
            ))
        } else if n as u64 > MAX_WORKERS {
            Err(format!(
                "worker count {n} is above the limit of {MAX_WORKERS}: use a smaller count"
            ))
        } else {
            Ok(WorkerExpr::Count(n as u64))
        }
    }
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

impl<'de> Deserialize<'de> for WorkerExpr {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = WorkerExpr;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "a worker count: an integer >= 1 or a string such as \"cores\" or \"2*cores\"",
                )
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<WorkerExpr, E> {
                WorkerExpr::count(v).map_err(E::custom)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<WorkerExpr, E> {
                WorkerExpr::count(v.min(i64::MAX as u64) as i64).map_err(E::custom)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<WorkerExpr, E> {
                WorkerExpr::parse(v).map_err(E::custom)
            }
        }
        d.deserialize_any(V)
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
    /// Resolves to a sorted, deduplicated list of counts. Errors (e.g. `from > to` once cores
    /// are known) come back as text for the caller to locate.
    pub fn resolve(&self, cores: u64) -> Result<Vec<u64>, String> {
        let mut out = match self {
            WorkersSpec::List(items) => items.iter().map(|w| w.resolve(cores)).collect(),
            WorkersSpec::Range { from, to, step } => {
                let (a, b) = (from.resolve(cores), to.resolve(cores));
                if a > b {
                    return Err(format!(
                        "range goes down: from = {from} ({a}) is above to = {to} ({b}) on \
                         {cores} cores; swap them"
                    ));
                }
                if b > MAX_WORKERS {
                    return Err(format!(
                        "worker count {b} (to = {to}) is above the limit of {MAX_WORKERS}: use a smaller count"
                    ));
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
            return Err("the worker list is empty: give at least one count, e.g. [1, 2]".into());
        }
        if let Some(&big) = out.iter().find(|&&n| n > MAX_WORKERS) {
            return Err(format!(
                "worker count {big} is above the limit of {MAX_WORKERS}: use a smaller count"
            ));
        }
        out.sort_unstable();
        out.dedup();
        Ok(out)
    }
}

impl<'de> Deserialize<'de> for WorkersSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = WorkersSpec;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "a list of worker counts like [1, 2, \"cores\"] or a range like \
                     { from = 1, to = \"2*cores\", step = 1 }",
                )
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<WorkersSpec, A::Error> {
                let mut v = Vec::new();
                while let Some(w) = seq.next_element::<WorkerExpr>()? {
                    v.push(w);
                }
                if v.is_empty() {
                    return Err(de::Error::custom(
                        "the worker list is empty: give at least one count, e.g. [1, 2]",
                    ));
                }
                Ok(WorkersSpec::List(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<WorkersSpec, E> {
                Ok(WorkersSpec::List(vec![
                    WorkerExpr::count(v).map_err(E::custom)?
                ]))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<WorkersSpec, E> {
                Ok(WorkersSpec::List(vec![
                    WorkerExpr::parse(v).map_err(E::custom)?
                ]))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<WorkersSpec, A::Error> {
                let (mut from, mut to, mut step, mut factor) = (None, None, None, None);
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "from" => from = Some(map.next_value::<WorkerExpr>()?),
                        "to" => to = Some(map.next_value::<WorkerExpr>()?),
                        "step" => step = Some(map.next_value::<u64>()?),
                        "factor" => factor = Some(map.next_value::<u64>()?),
                        other => {
                            return Err(de::Error::custom(format!(
                                "unknown key `{other}` in a worker range: expected `from`, \
                                 `to`, and `step` or `factor`"
                            )))
                        }
                    }
                }
                let from = from.ok_or_else(|| de::Error::missing_field("from"))?;
                let to = to.ok_or_else(|| de::Error::missing_field("to"))?;
                let step = match (step, factor) {
                    (Some(_), Some(_)) => {
                        return Err(de::Error::custom(
                            "a worker range takes `step` or `factor`, not both",
                        ))
                    }
                    (None, Some(f)) if f < 2 => {
                        return Err(de::Error::custom(format!(
                            "`factor` must be at least 2, found {f}: use factor = 2 or more, or step = 1 to count up by one"
                        )))
                    }
                    (None, Some(f)) if f > MAX_WORKERS => {
                        return Err(de::Error::custom(format!(
                            "`factor` = {f} is too large: use 2 to {MAX_WORKERS}"
                        )))
                    }
                    (None, Some(f)) => Step::Mul(f),
                    (Some(0), None) => {
                        return Err(de::Error::custom("`step` must be at least 1, found 0"))
                    }
                    (Some(s), None) => Step::Add(s),
                    (None, None) => Step::Add(1),
                };
                if let (WorkerExpr::Count(a), WorkerExpr::Count(b)) = (from, to) {
                    if a > b {
                        return Err(de::Error::custom(format!(
                            "range goes down: from = {a} is above to = {b}; swap them"
                        )));
                    }
                }
                Ok(WorkersSpec::Range { from, to, step })
            }
        }
        d.deserialize_any(V)
    }
}

/// Parses a `--workers` command-line list such as `1,2,cores,2*cores`.
pub fn parse_list(text: &str) -> Result<WorkersSpec, String> {
    let items = text
        .split(',')
        .filter(|s| !s.trim().is_empty())
        .map(WorkerExpr::parse)
        .collect::<Result<Vec<_>, _>>()?;
    if items.is_empty() {
        return Err("the worker list is empty: give counts such as 1,2,cores".into());
    }
    Ok(WorkersSpec::List(items))
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
        let list = parse_list("4,cores,1,2").unwrap();
        assert_eq!(list.resolve(2).unwrap(), vec![1, 2, 4]);
    }

    #[test]
    fn display_round_trips() {
        for s in ["cores", "2*cores", "cores/2", "cores+1", "cores-1", "7"] {
            assert_eq!(WorkerExpr::parse(s).unwrap().to_string(), s);
        }
    }
}
