//! A native workload for parabench, in Rust: `work(index, params)` is called once per task
//! by every native model. The same interface as `../native-c/work.c` (read its header for the
//! whole contract); here `work_init` parses the params text once into a `OnceLock`.
//!
//! Build: `cargo build --release` (the library is `target/release/libwork.so`), then
//! `parabench run scenarios/examples/native-rust.toml`.

use std::ffi::{c_char, c_int, CStr};
use std::sync::OnceLock;

/// `rounds`, read from the params by `work_init`.
static ROUNDS: OnceLock<u64> = OnceLock::new();

/// The integer value of `key` in the params text (`key=value` lines).
fn param(params: &str, key: &str) -> Option<u64> {
    params
        .lines()
        .filter_map(|line| line.split_once('='))
        .find(|(k, _)| *k == key)
        .and_then(|(_, v)| v.parse().ok())
}

/// Runs once per process before the first task; a non-zero return fails the cell.
///
/// # Safety
/// `params` is parabench's NUL-terminated params text.
#[no_mangle]
pub unsafe extern "C" fn work_init(params: *const c_char) -> c_int {
    let text = unsafe { CStr::from_ptr(params) }.to_string_lossy();
    match param(&text, "rounds").unwrap_or(1_000_000) {
        0 => 1,
        rounds => {
            let _ = ROUNDS.set(rounds);
            0
        }
    }
}

/// `rounds` steps of xorshift64* seeded with the task index (the same numbers as the C
/// example, so both report the same checksums).
#[no_mangle]
pub extern "C" fn work(index: u64, _params: *const c_char) -> u64 {
    let rounds = *ROUNDS.get().unwrap_or(&1_000_000);
    let mut x = index.wrapping_mul(0x9E37_79B9_7F4A_7C15).wrapping_add(1);
    for _ in 0..rounds {
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        x = x.wrapping_mul(0x2545_F491_4F6C_DD1D);
    }
    x >> 32
}

/// Nothing: the cost of one call into the library.
#[no_mangle]
pub extern "C" fn noop(index: u64, _params: *const c_char) -> u64 {
    index
}
