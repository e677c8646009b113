//! One `[[workload]]`: its own keys, the top-level matrix keys it does not override, and the
//! defaults for the rest, checked in the order a reader would fix them (names, what it runs,
//! models, kernel or own code and parameters, placeholders, workers).

use super::own_code::Work;
use super::{Checker, Paths};
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
        let work = self.work(&p, w, &name)?;
        let tasks = w.tasks.ok_or_else(|| {
            self.err(&p.base, format!("workload `{name}` has no `tasks`"))
                .with_help("add tasks = <how many tasks per run>, e.g. tasks = 16")
        })?;

        let models = self.model_list(&p, mine, top, commands, work.default_models())?;
        let baseline = self.baseline(&p, mine, top, &models)?;
        let (kernel_name, builtin, params, code) = match work {
            Work::Kernel(kernel_name) => {
                let (builtin, params) = self.kernel(&p, w, kernel_name, &models, commands)?;
                self.python_kernel(&p, kernel_name, &models, commands)?;
                (kernel_name.to_string(), builtin, params, None)
            }
            Work::Own(own) => {
                let models_path = p.origin("models", mine.models.is_some());
                let (code, params) = self.own_code(&p, w, &own, &models, &models_path, commands)?;
                (code.kernel_name(), None, params, Some(code))
            }
        };
        self.placeholders(&name, &models, &params, builtin, commands)?;
        let (workers, spec) = self.workers(&p, mine, top, &models, commands)?;

        Ok(Workload {
            name,
            description: w.description.clone().unwrap_or_default(),
            kernel: kernel_name,
            builtin: builtin.is_some(),
            code,
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
