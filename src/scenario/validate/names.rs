//! Names that become file and folder names (the scenario's names its output folder, a
//! workload's its charts) must stay inside the output folder, and workload names must be
//! unique so that no workload's files overwrite another's.

use super::{Checker, Paths};
use crate::scenario::diag::Seg;
use crate::scenario::ScenarioError;
use std::collections::BTreeSet;

impl Checker<'_> {
    /// `name` must be usable as one file name: no path separators, no leading dot.
    pub(super) fn file_name(&self, path: &[Seg], name: &str) -> Result<(), ScenarioError> {
        let ok = !name.is_empty()
            && name.len() <= 100
            && !name.starts_with('.')
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if ok {
            Ok(())
        } else {
            Err(self
                .err(path, format!("`{name}` cannot be used as a file name"))
                .with_help("use letters, digits, `-`, `_` and `.` only (it names output files, and must not leave the output folder)"))
        }
    }

    /// The name of workload `i`: required, and a file name.
    pub(super) fn workload_name(
        &self,
        p: &Paths,
        name: Option<&String>,
    ) -> Result<String, ScenarioError> {
        let name = name.ok_or_else(|| {
            self.err(&p.base, "missing key `name`")
                .with_help("every [[workload]] needs a name, e.g. name = \"primes\"")
        })?;
        self.file_name(&p.at("name"), name)?;
        Ok(name.clone())
    }

    /// Records workload `i`'s name, refusing one seen before.
    pub(super) fn unique(
        &self,
        seen: &mut BTreeSet<String>,
        i: usize,
        name: &str,
    ) -> Result<(), ScenarioError> {
        if seen.insert(name.to_string()) {
            return Ok(());
        }
        Err(self
            .err(
                &Paths::workload(i).at("name"),
                format!("duplicate workload name `{name}`"),
            )
            .with_help("workload names name the output files: make each one unique"))
    }
}
