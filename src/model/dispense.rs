//! Task indices handed out from one shared counter: the "each worker takes the next task"
//! loop that the in-flight-slot models (`async`, `async-multi`, `async-blocking`) and the
//! chunked `processes` model share. Workers that finish early simply take more.

use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Debug)]
pub struct Dispenser {
    next: AtomicU64,
    total: u64,
}

impl Dispenser {
    /// Hands out the indices `0..total`.
    pub fn new(total: u64) -> Dispenser {
        Dispenser {
            next: AtomicU64::new(0),
            total,
        }
    }

    /// The next task index, or `None` once every task has been taken.
    #[inline]
    pub fn next(&self) -> Option<u64> {
        let i = self.next.fetch_add(1, Ordering::Relaxed);
        (i < self.total).then_some(i)
    }

    /// The next `size` indices (fewer at the end), or `None` once every task has been taken.
    pub fn next_chunk(&self, size: u64) -> Option<Range<u64>> {
        let start = self.next.fetch_add(size, Ordering::Relaxed);
        (start < self.total).then(|| start..(start + size).min(self.total))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_index_exactly_once() {
        let d = Dispenser::new(10);
        let mut got: Vec<u64> = std::iter::from_fn(|| d.next()).collect();
        assert_eq!(got, (0..10).collect::<Vec<_>>());
        let d = Dispenser::new(10);
        got = std::iter::from_fn(|| d.next_chunk(4)).flatten().collect();
        assert_eq!(got, (0..10).collect::<Vec<_>>());
        assert_eq!(Dispenser::new(0).next(), None);
    }
}
