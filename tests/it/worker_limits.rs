//! Extreme worker specifications must be refused with a located error (exit 2), never crash,
//! loop or exhaust memory. Each case runs `parabench validate` in a child shell with a memory
//! limit and a timeout, so a bug shows up as a failed test rather than a stuck machine.

use crate::common;

use crate::common::{scenario, tempdir, Ran};
use std::time::Duration;

/// Validates a one-workload scenario whose top-level `workers` is `workers`, with at most
/// 1 GB of address space and 20 s.
fn validate_limited(workers: &str) -> Ran {
    let tmp = tempdir();
    let file = scenario()
        .set("workers", workers)
        .models(&["threads"])
        .kernel_workload("n", "noop", 2)
        .write(tmp.path(), "limits.toml");
    let bin = assert_cmd::cargo::cargo_bin("parabench");
    let mut cmd = assert_cmd::Command::new("sh");
    cmd.arg("-c")
        .arg("ulimit -v 1000000; exec \"$0\" validate \"$1\"")
        .arg(bin)
        .arg(&file)
        .env("RUST_BACKTRACE", "0")
        .timeout(Duration::from_secs(20));
    let out = cmd.output().expect("sh runs");
    Ran {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[track_caller]
fn refused(workers: &str, says: &str) {
    let out = validate_limited(workers);
    assert!(
        !out.stderr.contains("panicked"),
        "{workers}: {}",
        out.describe()
    );
    out.expect_code(2);
    assert!(out.stderr.contains("limits.toml:1:"), "{}", out.describe());
    assert!(out.stderr.contains("`workers"), "{}", out.describe());
    assert!(out.stderr.contains(says), "{workers}: {}", out.describe());
}

#[track_caller]
fn accepted(workers: &str, cells: usize) {
    let out = validate_limited(workers);
    assert!(
        !out.stderr.contains("panicked"),
        "{workers}: {}",
        out.describe()
    );
    out.expect_code(0);
    assert!(
        out.stdout.contains(&format!(
            "1 workload, {}",
            if cells == 1 {
                "1 cell".to_string()
            } else {
                format!("{cells} cells")
            }
        )),
        "{workers}: {}",
        out.describe()
    );
}

#[test]
fn thread_models_stop_at_4096_threads_but_async_coroutines_go_further() {
    // `validate_limited` uses the `threads` model.
    refused("[4097]", "the `threads` model would start 4097 OS threads");
    let tmp = tempdir();
    let file = scenario()
        .set("workers", "[10000]")
        .models(&["async"])
        .kernel_workload("n", "sleep", 10000)
        .write(tmp.path(), "many.toml");
    common::validate(&[&file]).expect_code(0);
}

#[test]
fn ordinary_specs_pass_under_the_limits() {
    accepted("[1, 2]", 2);
    accepted("{ from = 1, to = 64, factor = 2 }", 7);
    accepted("{ from = 4000, to = 4096, step = 48 }", 3);
    accepted("\"cores-100\"", 1); // never below 1
}

#[test]
fn large_but_representable_specs_are_refused() {
    refused("[100001]", "above the limit of 100000");
    refused("[9223372036854775807]", "above the limit of 100000");
    refused("\"200000*cores\"", "above the limit of 100000");
    refused(
        "{ from = 1, to = 500000, step = 100000 }",
        "above the limit of 100000",
    );
}

#[test]
fn a_range_to_a_huge_core_expression_is_refused_without_allocating_it() {
    refused(
        "{ from = 1, to = \"1000000000*cores\", step = 1 }",
        "above the limit of 100000",
    );
}

#[test]
fn a_huge_range_factor_is_refused() {
    refused(
        "{ from = 2, to = 4096, factor = 9223372036854775808 }",
        "factor",
    );
}

#[test]
fn a_huge_range_step_stops_the_range() {
    // 1, then 1 + step is far above `to`: only one count.
    accepted("{ from = 1, to = 2, step = 18446744073709551615 }", 1);
}

#[test]
fn huge_core_expressions_are_refused() {
    refused(
        "[\"18446744073709551615*cores\"]",
        "above the limit of 100000",
    );
    refused(
        "[\"cores+9223372036854775807\"]",
        "above the limit of 100000",
    );
}

#[test]
fn a_huge_core_subtraction_bottoms_out_at_one_worker() {
    // `cores-K` is never below 1 worker, however large K (2^63 here, beyond i64).
    accepted("[\"cores-9223372036854775808\"]", 1);
}

#[test]
fn a_non_ascii_operator_in_a_core_expression_is_refused() {
    refused("[1, \"cores–1\"]", "invalid worker expression");
    refused("[\"cores×2\"]", "invalid worker expression");
}

#[test]
fn a_non_ascii_operator_on_the_command_line_is_a_usage_error() {
    let tmp = tempdir();
    let out = common::run_scenario(
        &common::valid("scripted.toml"),
        &tmp.path().join("out"),
        &["--workers", "cores×2"],
    );
    assert!(!out.stderr.contains("panicked"), "{}", out.describe());
    out.expect_code(2);
    assert!(out.stderr.contains("--workers"), "{}", out.describe());
    assert!(!tmp.path().join("out").exists());
}
