//! One `[[workload]]`: its own keys, the top-level matrix keys it does not override, and the
//! defaults for the rest, checked in the order a reader would fix them (names, models, kernel
//! and parameters, placeholders, workers).

use super::{Checker, Paths};
use crate::kernel;
use crate::model::command::CommandModel;
use crate::scenario::file::{Matrix, RawTable};
use crate::scenario::keys::{DEFAULT_REPEATS, DEFAULT_WARMUP};
use crate::scenario::{ScenarioError, Workload};

impl Checker<'_> {
    pub(super) fn workload(
        &self,
        i: usize,
        w: &RawTable,
        top: &Matrix,
        commands: &[CommandModel],
    ) -> Result<Workload, ScenarioError> {
        let p = Paths::workload(i);
        let mine = &w.matrix;
        let name = self.workload_name(&p, w.name.as_ref())?;
        let kernel_name = w.kernel.clone().ok_or_else(|| {
            self.err(&p.base, format!("workload `{name}` has no `kernel`"))
                .with_help(format!(
                    "add kernel = \"...\"; built-in kernels: {}",
                    kernel::names().join(", ")
                ))
        })?;
        let tasks = w.tasks.ok_or_else(|| {
            self.err(&p.base, format!("workload `{name}` has no `tasks`"))
                .with_help("add tasks = <how many tasks per run>, e.g. tasks = 16")
        })?;

        let models = self.model_list(&p, mine, top, commands)?;
        let baseline = self.baseline(&p, mine, top, &models)?;
        let (builtin, params) = self.kernel(&p, w, &kernel_name, &models, commands)?;
        self.python_kernel(&p, &kernel_name, &models, commands)?;
        self.placeholders(&name, &models, &params, builtin, commands)?;
        let (workers, spec) = self.workers(&p, mine, top, &models, commands)?;

        Ok(Workload {
            name,
            description: w.description.clone().unwrap_or_default(),
            kernel: kernel_name,
            builtin: builtin.is_some(),
            tasks,
            params,
            repeats: mine.repeats.or(top.repeats).unwrap_or(DEFAULT_REPEATS),
            warmup: mine.warmup.or(top.warmup).unwrap_or(DEFAULT_WARMUP),
            workers,
            workers_spec: spec.written(),
            models,
            baseline,
            scaling: mine.scaling.or(top.scaling).unwrap_or_default(),
            timeout_s: mine.timeout_s.or(top.timeout_s),
        })
    }
}
