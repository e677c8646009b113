//! `spin`: a fixed arithmetic loop (a 64-bit linear congruential generator) of `iters` steps,
//! seeded with the task index. Pure register work, cheap to reproduce exactly in any language.

use super::{int, int_or, Kernel, KernelError, Kind, ParamSpec, Params, Task};
use std::sync::Arc;

pub struct Spin;

struct SpinTask {
    iters: u64,
}

/// Knuth's MMIX LCG constants; the CPython kernel uses the same with `& (2**64 - 1)`.
const MUL: u64 = 6364136223846793005;
const INC: u64 = 1442695040888963407;

impl Kernel for Spin {
    fn name(&self) -> &'static str {
        "spin"
    }
    fn about(&self) -> &'static str {
        "`iters` steps of a 64-bit LCG seeded with the task index (checksum: top 32 bits)"
    }
    fn kind(&self) -> Kind {
        Kind::Cpu
    }
    fn cpython(&self) -> bool {
        true
    }
    fn params(&self) -> &'static [ParamSpec] {
        &[ParamSpec {
            name: "iters",
            about: "loop iterations per task",
            default: 10_000_000,
            min: 1,
            max: 1_000_000_000_000,
        }]
    }
    fn prepare(&self, params: &Params) -> Result<Arc<dyn Task>, KernelError> {
        Ok(Arc::new(SpinTask {
            iters: int(params, "iters")? as u64,
        }))
    }
    fn task_cost_s(&self, params: &Params) -> f64 {
        1.3e-9 * int_or(params, "iters", 10_000_000)
    }
}

impl Task for SpinTask {
    fn run(&self, index: u64) -> Result<u64, KernelError> {
        let mut x = index;
        for _ in 0..self.iters {
            x = x.wrapping_mul(MUL).wrapping_add(INC);
        }
        Ok(x >> 32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_hand_computed_steps() {
        let one = 0u64.wrapping_mul(MUL).wrapping_add(INC);
        assert_eq!(SpinTask { iters: 1 }.run(0), Ok(one >> 32));
        assert_ne!(SpinTask { iters: 5 }.run(1), SpinTask { iters: 5 }.run(2));
    }
}
