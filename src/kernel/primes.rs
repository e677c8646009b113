//! `primes`: count the primes below `limit` by trial division — pure CPU work with no memory
//! traffic to speak of, the classic "threads don't help under the GIL" workload.

use super::{int, int_or, Kernel, KernelError, Kind, ParamSpec, Params, Task};
use std::sync::Arc;

pub struct Primes;

struct PrimesTask {
    limit: u64,
}

impl Kernel for Primes {
    fn name(&self) -> &'static str {
        "primes"
    }
    fn about(&self) -> &'static str {
        "count primes below `limit` by trial division (checksum: the count)"
    }
    fn kind(&self) -> Kind {
        Kind::Cpu
    }
    fn cpython(&self) -> bool {
        true
    }
    fn params(&self) -> &'static [ParamSpec] {
        &[ParamSpec {
            name: "limit",
            about: "count primes below this number",
            default: 50_000,
            min: 2,
            max: 1_000_000_000,
        }]
    }
    fn prepare(&self, params: &Params) -> Result<Arc<dyn Task>, KernelError> {
        Ok(Arc::new(PrimesTask {
            limit: int(params, "limit")? as u64,
        }))
    }
    fn task_cost_s(&self, params: &Params) -> f64 {
        // Trial division up to the square root: about limit^1.5 / ln(limit) steps of ~1 ns.
        let l = int_or(params, "limit", 50_000).max(3.0);
        1e-9 * l.powf(1.5) / l.ln()
    }
}

impl Task for PrimesTask {
    fn run(&self, _index: u64) -> Result<u64, KernelError> {
        Ok((2..self.limit).filter(|&n| is_prime(n)).count() as u64)
    }
}

/// Trial division by every odd number up to the square root.
pub fn is_prime(n: u64) -> bool {
    if n < 4 {
        return n >= 2;
    }
    if n % 2 == 0 {
        return false;
    }
    let mut d = 3;
    while d * d <= n {
        if n % d == 0 {
            return false;
        }
        d += 2;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_known_values() {
        assert_eq!(PrimesTask { limit: 10 }.run(0), Ok(4));
        assert_eq!(PrimesTask { limit: 100 }.run(7), Ok(25));
        assert_eq!(PrimesTask { limit: 10_000 }.run(0), Ok(1229));
    }
}
