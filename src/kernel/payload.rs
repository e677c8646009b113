//! `payload`: each task builds `bytes` bytes and hands them back to the coordinator, which
//! checksums what it received — the cost of getting a result home. Threads, rayon and async
//! models move the buffer (a pointer) to the coordinating thread; `processes` writes it into
//! a pipe that the coordinator reads; CPython pools pickle it through theirs.

use super::{data_checksum, int, Kernel, KernelError, Kind, ParamSpec, Params, Task};
use std::sync::Arc;

pub struct Payload;

struct PayloadTask {
    bytes: usize,
}

impl Kernel for Payload {
    fn name(&self) -> &'static str {
        "payload"
    }
    fn about(&self) -> &'static str {
        "return `bytes` bytes to the coordinator, which checksums them: result IPC cost (checksum: CRC-32 of the bytes received)"
    }
    fn kind(&self) -> Kind {
        Kind::Overhead
    }
    fn cpython(&self) -> bool {
        true
    }
    fn params(&self) -> &'static [ParamSpec] {
        &[ParamSpec {
            name: "bytes",
            about: "bytes each task returns",
            default: 65_536,
            min: 0,
            // Models keep a few buffers per worker in flight; 256 MiB each is plenty.
            max: 1 << 28,
        }]
    }
    fn prepare(&self, params: &Params) -> Result<Arc<dyn Task>, KernelError> {
        Ok(Arc::new(PayloadTask {
            bytes: int(params, "bytes")? as usize,
        }))
    }
}

/// `len` bytes whose k-th value is `(index + k) % 256` (the `file` kernel's pattern, which
/// kernels.py builds the same way).
pub fn pattern(index: u64, len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len);
    out.extend((0..len.min(256)).map(|k| (index as usize).wrapping_add(k) as u8));
    // The pattern repeats every 256 bytes, so the rest is doubling copies of the start.
    while out.len() < len {
        let take = (len - out.len()).min(out.len());
        out.extend_from_within(..take);
    }
    out
}

impl Task for PayloadTask {
    fn run(&self, index: u64) -> Result<u64, KernelError> {
        Ok(data_checksum(&self.data(index)?))
    }

    fn returns_data(&self) -> bool {
        true
    }

    fn data(&self, index: u64) -> Result<Vec<u8>, KernelError> {
        Ok(pattern(index, self.bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pattern_is_the_index_plus_the_position() {
        for len in [0, 1, 255, 256, 257, 1000, 70_000] {
            for index in [0, 7, 255, 256, 1000] {
                let p = pattern(index, len);
                assert_eq!(p.len(), len);
                assert!(p
                    .iter()
                    .enumerate()
                    .all(|(k, &b)| b as u64 == (index + k as u64) % 256));
            }
        }
    }

    #[test]
    fn checksum_is_the_crc32_of_the_bytes() {
        // Python: zlib.crc32(bytes(range(10))) == 1164760902.
        let task = PayloadTask { bytes: 10 };
        assert_eq!(task.run(0), Ok(1_164_760_902));
        assert_eq!(data_checksum(b""), 0);
        assert_eq!(task.data(3).unwrap(), (3..13).collect::<Vec<u8>>());
    }
}
