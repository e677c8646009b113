//! Worker counts and limits: the `workers` spec resolved against the cores (so errors that
//! depend on the machine, such as a range that goes down on 2 cores, surface here), then the
//! models' own limits on how many threads or processes they may start.

use super::{Checker, Paths};
use crate::model::command::CommandModel;
use crate::scenario::file::Matrix;
use crate::scenario::workers::{WorkersSpec, MAX_WORKERS};
use crate::scenario::ScenarioError;

impl Checker<'_> {
    /// The resolved counts, and the spec as written (for the record).
    pub(super) fn workers(
        &self,
        p: &Paths,
        mine: &Matrix,
        top: &Matrix,
        models: &[String],
        commands: &[CommandModel],
    ) -> Result<(Vec<u64>, WorkersSpec), ScenarioError> {
        let spec = mine
            .workers
            .clone()
            .or_else(|| top.workers.clone())
            .unwrap_or_else(WorkersSpec::default_counts);
        let path = p.origin("workers", mine.workers.is_some());
        let workers = spec
            .resolve(self.opts.cores)
            .map_err(|problem| self.src.locate(&path, problem))?;
        if let Some((problem, limit)) =
            crate::scenario::process_limit(&workers, models, commands, self.opts.force)
        {
            return Err(self.err(&path, problem).with_help(format!(
                "use at most {limit} workers for that model, or leave it out of this workload (e.g. `async` takes up to {MAX_WORKERS} coroutines), or pass --force if you mean it"
            )));
        }
        Ok((workers, spec))
    }
}
