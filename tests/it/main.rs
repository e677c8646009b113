//! The integration tests, one binary: each module is one concern (see its `//!` line), and
//! `common` holds what they share. One binary links the crate once instead of once per file.

mod common;

mod architecture;
mod authoring;
mod browser;
mod chart_selection;
mod charts;
mod cli;
mod command_output;
mod compare;
mod exporters;
mod faults;
mod fuzz_scenarios;
mod guide;
mod index;
mod interpreter_check;
mod invalid_scenarios;
mod left_out;
mod own_code;
mod python_models;
mod quiet_harness;
mod report_html;
mod resume_and_crash;
mod shard_merge;
mod timeline_and_payload;
mod valid_scenarios;
mod variants;
mod worker_limits;
mod workflows;
