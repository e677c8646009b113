//! `alloc`: allocation-heavy nested loops that build a growing vector of products — the
//! pure-Python workload where `multiprocessing.dummy` (threads under the GIL) loses to a plain
//! loop. Here it measures allocator contention between threads instead.

use super::{int, int_or, Kernel, KernelError, Kind, ParamSpec, Params, Task};
use std::sync::Arc;

pub struct Alloc;

struct AllocTask {
    size: u64,
}

impl Kernel for Alloc {
    fn name(&self) -> &'static str {
        "alloc"
    }
    fn about(&self) -> &'static str {
        "build a vector of size x size products i*j + index by pushing (checksum: their sum)"
    }
    fn kind(&self) -> Kind {
        Kind::Cpu
    }
    fn cpython(&self) -> bool {
        true
    }
    fn params(&self) -> &'static [ParamSpec] {
        &[ParamSpec {
            name: "size",
            about: "rows and columns of the product table (size^2 pushes per task)",
            default: 300,
            min: 1,
            max: 100_000,
        }]
    }
    fn prepare(&self, params: &Params) -> Result<Arc<dyn Task>, KernelError> {
        Ok(Arc::new(AllocTask {
            size: int(params, "size")? as u64,
        }))
    }
    fn task_cost_s(&self, params: &Params) -> f64 {
        1.4e-9 * int_or(params, "size", 300).powi(2)
    }
}

impl Task for AllocTask {
    fn run(&self, index: u64) -> Result<u64, KernelError> {
        // Deliberately no `with_capacity`: the growth (realloc and copy) is the work.
        let mut v: Vec<u64> = Vec::new();
        for i in 0..self.size {
            for j in 0..self.size {
                v.push(i * j + index);
            }
        }
        let v = std::hint::black_box(v);
        Ok(v.iter().fold(0u64, |a, &x| a.wrapping_add(x)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_the_product_table() {
        // size 3: sum of i*j for i, j < 3 is 9; each of the 9 entries adds the index.
        assert_eq!(AllocTask { size: 3 }.run(0), Ok(9));
        assert_eq!(AllocTask { size: 3 }.run(1), Ok(18));
    }
}
