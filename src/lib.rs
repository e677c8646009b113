//! parabench: a declarative concurrency-workload runner. A scenario file names workloads,
//! concurrency models, worker counts and repeats; `parabench run` executes the whole matrix
//! and writes tidy CSV, a Markdown report and speedup charts. The pipeline is
//! [`app::run::run_scenario`]; `ARCHITECTURE.md` maps the modules and what each may import.
//!
//! Layers, lowest first (a module imports only from layers below it): [`record`], [`hash`],
//! [`text`], [`chart_kinds`] |
//! [`kernel`], [`measure`] | [`model`] | [`scenario`] | [`plan`] | [`run`], [`report`] |
//! [`merge`], [`compare`] | [`app`] | `cli` and `main`, the only places that know clap.

pub mod app;
pub mod chart_kinds;
pub mod cli;
pub mod compare;
pub mod error;
pub mod hash;
pub mod kernel;
pub mod measure;
pub mod merge;
pub mod model;
pub mod plan;
pub mod record;
pub mod report;
pub mod run;
pub mod scenario;
pub mod text;

pub use error::Error;
