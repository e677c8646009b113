//! Placeholders: every `{name}` in the template of a command model a workload uses must be one
//! that workload can fill — a built-in placeholder, one of its parameters, or a value its
//! kernel's service provides (the `http` kernel's `{url}`).

use super::{key, Checker};
use crate::kernel::{Kernel, Params};
use crate::model::command::{self, CommandModel};
use crate::scenario::diag::{suggest, Seg};
use crate::scenario::ScenarioError;

impl Checker<'_> {
    pub(super) fn placeholders(
        &self,
        workload: &str,
        models: &[String],
        params: &Params,
        builtin: Option<&dyn Kernel>,
        commands: &[CommandModel],
    ) -> Result<(), ScenarioError> {
        for (mi, c) in commands.iter().enumerate() {
            if !models.contains(&c.name) {
                continue;
            }
            let mut allowed: Vec<&str> = command::BUILTIN_PLACEHOLDERS.to_vec();
            allowed.extend(params.keys().map(String::as_str));
            allowed.extend(builtin.map_or(&[][..], |k| k.service_params()));
            if self.has_variants {
                allowed.push(crate::scenario::VARIANT_PLACEHOLDER);
            }
            for (j, arg) in c.argv.iter().enumerate() {
                // Syntax was checked with the [[model]] table; here only names matter.
                for ph in command::placeholders(arg).unwrap_or_default() {
                    if !allowed.contains(&ph.as_str()) {
                        let help = if ph == crate::scenario::VARIANT_PLACEHOLDER {
                            "`{variant}` is the name of the variant a run measures: add [[variant]] tables (or --variant name:...), or remove it".to_string()
                        } else {
                            suggest(&ph, "placeholders here are", &allowed)
                        };
                        return Err(self
                            .err(
                                &[key("model"), Seg::Index(mi), key("command"), Seg::Index(j)],
                                format!(
                                    "unknown placeholder `{{{ph}}}` (for workload `{workload}`)"
                                ),
                            )
                            .with_help(help));
                    }
                }
            }
        }
        Ok(())
    }
}
