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
    let example = "e.g. --variant new:library=pr/libwork.so,env.OMP_NUM_THREADS=1";
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

/// Where a variant's problem is reported: at its key in the file, or naming the `--variant`.
struct At<'c, 'a> {
    checker: &'c Checker<'a>,
    index: usize,
    variant: &'c RawTable,
}

impl At<'_, '_> {
    fn path(&self, k: &str) -> Vec<Seg> {
        let mut p = vec![key("variant"), Seg::Index(self.index)];
        if !k.is_empty() {
            p.push(key(k));
        }
        p
    }

    fn fail(&self, k: &str, message: String, help: String) -> ScenarioError {
        if self.variant.from_command_line {
            let name = self.variant.name.as_deref().unwrap_or("?");
            ScenarioError::whole_file(
                self.checker.src.file,
                format!("--variant {name}: {message}"),
            )
            .with_help(help)
        } else {
            self.checker.err(&self.path(k), message).with_help(help)
        }
    }
}

/// Whether a variant's overrides apply to workload `w` (its `workloads`, or every one).
fn in_scope(v: &RawTable, w: &RawTable) -> bool {
    v.only_workloads
        .as_ref()
        .is_none_or(|only| w.name.as_ref().is_some_and(|n| only.contains(n)))
}

/// The scenario's tree with the variant's overrides in place.
fn tree_of(raw: &RawTable, v: &RawTable) -> RawTable {
    let mut tree = raw.clone();
    tree.variants.clear();
    for w in tree.workloads.iter_mut().filter(|w| in_scope(v, w)) {
        if w.library.is_some() {
            w.library = v.library.clone().or(w.library.take());
            w.symbol = v.symbol.clone().or(w.symbol.take());
        }
        if w.function.is_some() {
            w.function = v.function.clone().or(w.function.take());
        }
    }
    if let Some(p) = &v.python {
        tree.python = Some(p.clone());
        tree.python_wins = true;
    }
    tree
}

/// The variant's key a problem found in its tree points at: the overridden key the problem
/// is about, else its `python` or `symbol`, else the table.
fn culprit(v: &RawTable, e: &ScenarioError) -> &'static str {
    let set = |k: &str| match k {
        "library" => v.library.is_some(),
        "symbol" => v.symbol.is_some(),
        "function" => v.function.is_some(),
        _ => v.python.is_some(),
    };
    ["library", "symbol", "function", "python"]
        .into_iter()
        .find(|k| e.key.ends_with(k) && set(k))
        .or_else(|| ["python", "symbol"].into_iter().find(|k| set(k)))
        .unwrap_or("")
}

/// What a variant overrides, as written (`library=pr/libwork.so`), for the report.
fn overrides_of(v: &RawTable) -> Vec<String> {
    let mut out = Vec::new();
    for (k, value) in [
        ("library", &v.library),
        ("symbol", &v.symbol),
        ("function", &v.function),
        ("python", &v.python),
    ] {
        if let Some(value) = value {
            out.push(format!("{k}={value}"));
        }
    }
    for (var, value) in v.env.iter().flatten() {
        out.push(format!("env.{var}={value}"));
    }
    if let Some(only) = &v.only_workloads {
        out.push(format!("workloads={}", only.join("+")));
    }
    out
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
        for (index, v) in raw.variants.iter().enumerate() {
            let at = At {
                checker: self,
                index,
                variant: v,
            };
            let name = self.variant_name(&at, &mut seen)?;
            self.variant_keys(&at, raw, base, &name)?;
            let checked = self.scenario(&tree_of(raw, v), text, stem).map_err(|e| {
                let err = at.fail(
                    culprit(v, &e),
                    format!("variant `{name}`: {}", e.message),
                    e.help.clone().unwrap_or_default(),
                );
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
            out.push(Variant {
                name,
                env: v.env.clone().unwrap_or_default(),
                code,
                commands: checked.commands,
                interpreters,
                overrides: overrides_of(v),
            });
        }
        Ok(out)
    }

    /// The variant's name: present, usable as a file name, and not taken.
    fn variant_name(
        &self,
        at: &At<'_, '_>,
        seen: &mut BTreeSet<String>,
    ) -> Result<String, ScenarioError> {
        let name = at.variant.name.clone().ok_or_else(|| {
            at.fail(
                "",
                "the variant has no name".into(),
                "add name = \"base\" (the `variant` column; the first variant is the base)".into(),
            )
        })?;
        if !at.variant.from_command_line {
            self.file_name(&at.path("name"), &name)?;
        }
        if !seen.insert(name.clone()) {
            return Err(at.fail(
                "name",
                format!("two variants are named `{name}`"),
                "give each variant its own name".into(),
            ));
        }
        Ok(name)
    }

    /// The variant's `workloads` exist, each override applies to some workload, and its
    /// environment variables have usable names.
    fn variant_keys(
        &self,
        at: &At<'_, '_>,
        raw: &RawTable,
        base: &Scenario,
        name: &str,
    ) -> Result<(), ScenarioError> {
        let v = at.variant;
        let known: Vec<&str> = raw
            .workloads
            .iter()
            .filter_map(|w| w.name.as_deref())
            .collect();
        for w in v.only_workloads.iter().flatten() {
            if !known.contains(&w.as_str()) {
                let mean = did_you_mean(w, known.iter().copied())
                    .map(|m| format!("did you mean `{m}`? "))
                    .unwrap_or_default();
                return Err(at.fail(
                    "workloads",
                    format!("variant `{name}` names no workload `{w}`"),
                    format!("{mean}the workloads are: {}", known.join(", ")),
                ));
            }
        }
        let scope = || raw.workloads.iter().filter(|w| in_scope(v, w));
        let library = scope().any(|w| w.library.is_some());
        let function = scope().any(|w| w.function.is_some());
        for (k, set, has, work, key_of_work) in [
            (
                "library",
                v.library.is_some(),
                library,
                "a library",
                "library",
            ),
            (
                "symbol",
                v.symbol.is_some(),
                library,
                "a library",
                "library",
            ),
            (
                "function",
                v.function.is_some(),
                function,
                "a Python function",
                "function",
            ),
        ] {
            if set && !has {
                return Err(at.fail(
                    k,
                    format!("variant `{name}` sets `{k}`, but no workload it applies to runs {work}"),
                    format!("remove `{k}`, or give a workload a `{key_of_work}` (or name it in `workloads`)"),
                ));
            }
        }
        if v.python.is_some() && base.interpreters.is_empty() {
            return Err(at.fail(
                "python",
                format!("variant `{name}` sets `python`, but no model of the scenario runs on Python"),
                "remove `python`, or run py-* models (e.g. models = [\"py-threading\", \"py-multiprocessing\"])".into(),
            ));
        }
        for (var, _) in v.env.iter().flatten() {
            if var.is_empty() || var.contains('=') || var.contains('\0') {
                return Err(at.fail(
                    "env",
                    format!("`{var}` cannot be the name of an environment variable"),
                    "use a name without `=`, e.g. OMP_NUM_THREADS".into(),
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_command_line_variant_reads_keys_and_environment_variables() {
        let t = from_command_line("new:symbol=work2,env.OMP_NUM_THREADS=1,workloads=a+b").unwrap();
        assert_eq!(t.name.as_deref(), Some("new"));
        assert_eq!(t.symbol.as_deref(), Some("work2"));
        assert_eq!(t.env, Some(vec![("OMP_NUM_THREADS".into(), "1".into())]));
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
