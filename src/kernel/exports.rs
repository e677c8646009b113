//! What a shared library exports, read from its ELF dynamic symbol table without loading it:
//! `dlopen` would run the library's constructors, and validation runs no user code. Used to
//! check, before anything runs, that a native workload's `symbol` is a function the library
//! defines and that the file is a shared library for this machine.

use super::KernelError;
use object::{Object, ObjectKind, ObjectSymbol, SymbolKind};
use std::collections::BTreeSet;
use std::path::Path;

/// The functions a shared library defines and exports.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Exports {
    pub functions: BTreeSet<String>,
}

impl Exports {
    /// Reads the dynamic symbol table of `path`. Errors say what the file is instead and how
    /// to build a shared library.
    pub fn read(path: &Path) -> Result<Exports, KernelError> {
        let shown = path.display();
        let data = std::fs::read(path)
            .map_err(|e| KernelError::Code(format!("cannot read {shown}: {e}")))?;
        let build = "build one with `cc -shared -fPIC -O2 -o libwork.so work.c`, or a Rust crate with crate-type = [\"cdylib\"]";
        let file = object::File::parse(&*data).map_err(|e| {
            KernelError::Code(format!(
                "{shown} is not a shared library this machine can load ({e}); {build}"
            ))
        })?;
        if file.kind() != ObjectKind::Dynamic {
            return Err(KernelError::Code(format!(
                "{shown} is not a shared library (it is {}); {build}",
                match file.kind() {
                    ObjectKind::Executable => "an executable",
                    ObjectKind::Relocatable => "an object file (.o)",
                    ObjectKind::Core => "a core dump",
                    _ => "of an unknown kind",
                }
            )));
        }
        if let Some(host) = host_architecture() {
            if file.architecture() != host {
                return Err(KernelError::Code(format!(
                    "{shown} is built for {:?}, and this machine runs {:?}: build it here",
                    file.architecture(),
                    host
                )));
            }
        }
        // Functions, including GNU indirect functions (which `is_definition` leaves out).
        let functions = file
            .dynamic_symbols()
            .filter(|s| s.kind() == SymbolKind::Text && !s.is_undefined() && !s.is_local())
            .filter_map(|s| s.name().ok().map(str::to_string))
            .collect();
        Ok(Exports { functions })
    }

    pub fn has(&self, name: &str) -> bool {
        self.functions.contains(name)
    }
}

/// This machine's architecture as `object` names it, where parabench knows it.
fn host_architecture() -> Option<object::Architecture> {
    use object::Architecture as A;
    match std::env::consts::ARCH {
        "x86_64" => Some(A::X86_64),
        "aarch64" => Some(A::Aarch64),
        "x86" => Some(A::I386),
        "arm" => Some(A::Arm),
        "riscv64" => Some(A::Riscv64),
        "powerpc64" => Some(A::PowerPc64),
        "s390x" => Some(A::S390x),
        "loongarch64" => Some(A::LoongArch64),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_file_is_refused_with_the_fix() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("libwork.so");
        std::fs::write(&p, "not elf").unwrap();
        let e = Exports::read(&p).unwrap_err();
        assert!(matches!(e, KernelError::Code(_)), "{e:?}");
        assert!(e.to_string().contains("cc -shared"), "{e}");
    }

    #[test]
    fn libc_exports_its_functions() {
        // Whatever libc this test links against lists `strlen` and not an object symbol.
        let candidates = [
            "/lib/x86_64-linux-gnu/libc.so.6",
            "/lib/aarch64-linux-gnu/libc.so.6",
            "/usr/lib64/libc.so.6",
            "/lib64/libc.so.6",
        ];
        let Some(libc) = candidates.iter().map(Path::new).find(|p| p.is_file()) else {
            return;
        };
        let e = Exports::read(libc).unwrap();
        assert!(e.has("strlen"));
        assert!(!e.has("environ"), "a data symbol is not a function");
    }
}
