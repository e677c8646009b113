//! Variants: versions of the code under test, from `[[variant]]` tables or `--variant`. A
//! variant is checked like the keys it overrides: the scenario's tree is checked again with
//! the variant's `library`, `symbol`, `function` and `python` in place of the workloads' and
//! the scenario's, and a problem found there points at the variant's key (or, given on the
//! command line, names the `--variant`).

use super::{key, Checker};
use crate::scenario::diag::{did_you_mean, Seg};
use crate::scenario::file::RawTable;
use crate::scenario::{Scenario, ScenarioError, Variant};
use std::collections::BTreeSet;

/// The keys a `--variant` may set (an environment variable is `env.NAME`).
const CLI_KEYS: &[&str] = &[
    "library",
    "symbol",
    "function",
    "python",
    "workloads",
    "env",
];

/// Reads `name:key=value,key=value,env.NAME=VALUE` into a variant's table. Relative paths
/// (`library`, and a `python` with a `/`) are made absolute against the current folder, where
/// the command line was typed.
pub(super) fn from_command_line(arg: &str) -> Result<RawTable, String> {
    let example = "e.g. --variant new:library=pr/libwork.so,env.MALLOC_ARENA_MAX=2";
    let (name, rest) = arg
        .split_once(':')
        .ok_or_else(|| format!("--variant `{arg}`: expected name:key=value,... ({example})"))?;
    let name = name.trim();
    if name.is_empty() {
        return Err(format!(
            "--variant `{arg}`: the variant has no name before `:` ({example})"
        ));
    }
    let mut t = RawTable {
        name: Some(name.to_string()),
        from_command_line: true,
        ..RawTable::default()
    };
    for part in rest.split(',').filter(|p| !p.trim().is_empty()) {
        let (k, v) = part.split_once('=').ok_or_else(|| {
            format!("--variant {name}: `{part}` has no `=`: write key=value ({example})")
        })?;
        let (k, v) = (k.trim(), v.trim().to_string());
        let absolute = |p: &str| {
            std::path::absolute(p)
                .map(|a| a.display().to_string())
                .unwrap_or_else(|_| p.to_string())
        };
        match k {
            "library" => t.library = Some(absolute(&v)),
            "symbol" => t.symbol = Some(v),
            "function" => t.function = Some(v),
            "python" if v.contains('/') => t.python = Some(absolute(&v)),
            "python" => t.python = Some(v),
            "workloads" => t.only_workloads = Some(v.split('+').map(str::to_string).collect()),
            _ if k.starts_with("env.") && k.len() > 4 => t
                .env
                .get_or_insert_with(Vec::new)
                .push((k[4..].to_string(), v)),
            _ => {
                let mean = did_you_mean(k, CLI_KEYS.iter().copied())
                    .map(|m| format!("did you mean `{m}`? "))
                    .unwrap_or_default();
                return Err(format!(
                    "--variant {name}: unknown key `{k}`; {mean}keys are library, symbol, \
                     function, python, workloads (joined with +) and env.NAME"
                ));
            }
        }
    }
    if t.library.is_none()
        && t.symbol.is_none()
        && t.function.is_none()
        && t.python.is_none()
        && t.env.is_none()
    {
        // A variant that changes nothing is an A/A control: allowed, and said in the report.
        t.env = Some(Vec::new());
    }
    Ok(t)
}

impl Checker<'_> {
    /// Every variant, checked: names unique, its workloads known, each override applying to
    /// something, and the tree with its overrides in place valid.
    pub(super) fn variants(
        &self,
        raw: &RawTable,
        base: &Scenario,
        text: &str,
        stem: &str,
    ) -> Result<Vec<Variant>, ScenarioError> {
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for (i, v) in raw.variants.iter().enumerate() {
            let at = |k: &str| -> Vec<Seg> {
                let mut p = vec![key("variant"), Seg::Index(i)];
                if !k.is_empty() {
                    p.push(key(k));
                }
                p
            };
            let fail = |k: &str, message: String, help: String| -> ScenarioError {
                if v.from_command_line {
                    let name = v.name.as_deref().unwrap_or("?");
                    ScenarioError::whole_file(self.src.file, format!("--variant {name}: {message}"))
                        .with_help(help)
                } else {
                    self.err(&at(k), message).with_help(help)
                }
            };
            let Some(name) = v.name.as_deref() else {
                return Err(fail(
                    "",
                    "the variant has no name".into(),
                    "add name = \"base\" (the `variant` column; the first variant is the base)"
                        .into(),
                ));
            };
            if !v.from_command_line {
                self.file_name(&at("name"), name)?;
            }
            if !seen.insert(name.to_string()) {
                return Err(fail(
                    "name",
                    format!("two variants are named `{name}`"),
                    "give each variant its own name".into(),
                ));
            }
            let known: Vec<&str> = raw
                .workloads
                .iter()
                .filter_map(|w| w.name.as_deref())
                .collect();
            if let Some(only) = &v.only_workloads {
                for w in only {
                    if !known.contains(&w.as_str()) {
                        let mean = did_you_mean(w, known.iter().copied())
                            .map(|m| format!("did you mean `{m}`? "))
                            .unwrap_or_default();
                        return Err(fail(
                            "workloads",
                            format!("variant `{name}` names no workload `{w}`"),
                            format!("{mean}the workloads are: {}", known.join(", ")),
                        ));
                    }
                }
            }
            let in_scope = |w: &RawTable| {
                v.only_workloads
                    .as_ref()
                    .is_none_or(|only| w.name.as_ref().is_some_and(|n| only.contains(n)))
            };
            let scope = || raw.workloads.iter().filter(|w| in_scope(w));
            for (k, set, has) in [
                (
                    "library",
                    v.library.is_some(),
                    scope().any(|w| w.library.is_some()),
                ),
                (
                    "symbol",
                    v.symbol.is_some(),
                    scope().any(|w| w.library.is_some()),
                ),
                (
                    "function",
                    v.function.is_some(),
                    scope().any(|w| w.function.is_some()),
                ),
            ] {
                if set && !has {
                    let work = if k == "function" {
                        "a Python function"
                    } else {
                        "a library"
                    };
                    return Err(fail(
                        k,
                        format!("variant `{name}` sets `{k}`, but no workload it applies to runs {work}"),
                        format!("remove `{k}`, or give a workload a `{}` (or name it in `workloads`)", if k == "symbol" { "library" } else { k }),
                    ));
                }
            }
            if v.python.is_some() && base.interpreters.is_empty() {
                return Err(fail(
                    "python",
                    format!("variant `{name}` sets `python`, but no model of the scenario runs on Python"),
                    "remove `python`, or run py-* models (e.g. models = [\"py-threads\", \"py-processes\"])".into(),
                ));
            }
            for (var, _) in v.env.iter().flatten() {
                if var.is_empty() || var.contains('=') || var.contains('\0') {
                    return Err(fail(
                        "env",
                        format!("`{var}` cannot be the name of an environment variable"),
                        "use a name without `=`, e.g. MALLOC_ARENA_MAX".into(),
                    ));
                }
            }
            let mut tree = raw.clone();
            tree.variants.clear();
            for w in tree.workloads.iter_mut().filter(|w| in_scope(w)) {
                if w.library.is_some() {
                    if let Some(l) = &v.library {
                        w.library = Some(l.clone());
                    }
                    if let Some(s) = &v.symbol {
                        w.symbol = Some(s.clone());
                    }
                }
                if w.function.is_some() {
                    if let Some(f) = &v.function {
                        w.function = Some(f.clone());
                    }
                }
            }
            if let Some(p) = &v.python {
                tree.python = Some(p.clone());
                tree.python_wins = true;
            }
            let checked = self.scenario(&tree, text, stem).map_err(|e| {
                // Point at the variant's key that made the difference.
                let k = ["library", "symbol", "function", "python"]
                    .into_iter()
                    .find(|k| {
                        e.key.ends_with(k)
                            && match *k {
                                "library" => v.library.is_some(),
                                "symbol" => v.symbol.is_some(),
                                "function" => v.function.is_some(),
                                _ => v.python.is_some(),
                            }
                    })
                    .or(if v.python.is_some() {
                        Some("python")
                    } else if v.symbol.is_some() {
                        Some("symbol")
                    } else {
                        None
                    })
                    .unwrap_or("");
                let help = e.help.clone().unwrap_or_default();
                let err = fail(k, format!("variant `{name}`: {}", e.message), help);
                match e.note() {
                    Some(n) => err.with_note(n.to_string()),
                    None => err,
                }
            })?;
            let code = checked
                .workloads
                .iter()
                .zip(&base.workloads)
                .filter(|(mine, theirs)| mine.code != theirs.code)
                .filter_map(|(mine, _)| Some((mine.name.clone(), mine.code.clone()?)))
                .collect();
            let mut interpreters = checked.interpreters;
            for i in &mut interpreters {
                i.runs = format!("{} (variant `{name}`)", i.runs);
            }
            let mut overrides = Vec::new();
            for (k, value) in [
                ("library", &v.library),
                ("symbol", &v.symbol),
                ("function", &v.function),
                ("python", &v.python),
            ] {
                if let Some(value) = value {
                    overrides.push(format!("{k}={value}"));
                }
            }
            for (var, value) in v.env.iter().flatten() {
                overrides.push(format!("env.{var}={value}"));
            }
            if let Some(only) = &v.only_workloads {
                overrides.push(format!("workloads={}", only.join("+")));
            }
            out.push(Variant {
                name: name.to_string(),
                env: v.env.clone().unwrap_or_default(),
                code,
                commands: checked.commands,
                interpreters,
                overrides,
            });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_command_line_variant_reads_keys_and_environment_variables() {
        let t = from_command_line("new:symbol=work2,env.MALLOC_ARENA_MAX=2,workloads=a+b").unwrap();
        assert_eq!(t.name.as_deref(), Some("new"));
        assert_eq!(t.symbol.as_deref(), Some("work2"));
        assert_eq!(t.env, Some(vec![("MALLOC_ARENA_MAX".into(), "2".into())]));
        assert_eq!(t.only_workloads, Some(vec!["a".into(), "b".into()]));
        assert!(t.from_command_line);
    }

    #[test]
    fn a_command_line_variant_without_equals_or_with_an_unknown_key_is_refused() {
        let e = from_command_line("new:library").unwrap_err();
        assert!(e.contains("`library` has no `=`"), "{e}");
        let e = from_command_line("new:libary=x.so").unwrap_err();
        assert!(
            e.contains("unknown key `libary`; did you mean `library`?"),
            "{e}"
        );
        let e = from_command_line("library=x.so").unwrap_err();
        assert!(e.contains("expected name:key=value"), "{e}");
    }
}
