//! The user's own code as a workload, in place of a built-in kernel: a Python function that
//! the `py-*` models call once per task (`function = "work.py:digest"`), or a C-ABI function
//! in a shared library that the native models call (`library = "libwork.so"`, `symbol =
//! "work"`). Both take the task index and the workload's extra keys and return the task's
//! checksum, so every model's run is checked against the others as for a kernel.
//!
//! The `kernel` column of `runs.csv` names such a workload `function:<file or module>:<name>`
//! as written (`function:work.py:digest`) or `library:<file name>:<symbol>`
//! (`library:libwork.so:work`).

use super::library::{self, LibraryTask};
use super::{KernelError, Params, Task};
use crate::record::{Work, WorkKind};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What a workload runs when it is the user's own code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum UserCode {
    /// A Python callable, run by the `py-*` models.
    Function {
        /// As the scenario wrote it: `work.py:digest` or `package.module:digest`.
        written: String,
        /// What the CPython harness imports: `<absolute file>:<name>` or `<module>:<name>`.
        target: String,
    },
    /// A C-ABI function in a shared library, run by the native models.
    Library {
        /// The path as the scenario wrote it.
        written: String,
        /// The absolute path.
        path: PathBuf,
        symbol: String,
    },
}

impl UserCode {
    /// The workload's work, typed: a Python function as written (`work.py:digest`), or a
    /// library's file name and symbol (`libwork.so:work`).
    pub fn work(&self) -> Work {
        match self {
            UserCode::Function { written, .. } => Work {
                kind: WorkKind::Function,
                name: written.clone(),
            },
            UserCode::Library { path, symbol, .. } => Work {
                kind: WorkKind::Library,
                name: format!("{}:{symbol}", library::file_name(path)),
            },
        }
    }

    /// The workload's `kernel` column: `function:work.py:digest`, `library:libwork.so:work`.
    pub fn kernel_name(&self) -> String {
        self.work().to_string()
    }

    /// The task the native models run: the loaded library, or `None` for a Python function
    /// (only the CPython harness runs those).
    pub fn prepare(&self, params: &Params) -> Result<Option<Arc<dyn Task>>, KernelError> {
        match self {
            UserCode::Function { .. } => Ok(None),
            UserCode::Library { path, symbol, .. } => {
                Ok(Some(Arc::new(LibraryTask::open(path, symbol, params)?)))
            }
        }
    }

    pub fn is_function(&self) -> bool {
        matches!(self, UserCode::Function { .. })
    }
}

/// A `function = "..."` value, parsed: where the callable lives and its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionSpec {
    pub source: FunctionSource,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FunctionSource {
    /// A Python file, relative to the scenario's folder (or absolute).
    File(String),
    /// A dotted module name, imported from the scenario's folder or the interpreter's path.
    Module(String),
}

/// How a `function` value must look, for error messages.
pub const FUNCTION_FORMS: &str =
    "`file.py:function` (a file relative to the scenario's folder) or `package.module:function` (importable)";

impl FunctionSpec {
    /// Parses `work.py:digest`, `lib/work.py:digest` or `package.module:digest`.
    pub fn parse(written: &str) -> Result<FunctionSpec, KernelError> {
        let Some((left, name)) = written.rsplit_once(':') else {
            return Err(KernelError::Code(format!(
                "`{written}` names no function: write {FUNCTION_FORMS}"
            )));
        };
        if !is_identifier(name) {
            return Err(KernelError::Code(format!(
                "`{name}` is not a Python function name: write {FUNCTION_FORMS}"
            )));
        }
        let source = if left.ends_with(".py") || left.contains('/') {
            FunctionSource::File(left.to_string())
        } else if !left.is_empty() && left.split('.').all(is_identifier) {
            FunctionSource::Module(left.to_string())
        } else {
            return Err(KernelError::Code(format!(
                "`{left}` is neither a .py file nor a module name: write {FUNCTION_FORMS}"
            )));
        };
        Ok(FunctionSpec {
            source,
            name: name.to_string(),
        })
    }

    /// The harness's target: the file made absolute against `dir`, or the module as written.
    pub fn target(&self, dir: &Path) -> String {
        match &self.source {
            FunctionSource::File(f) => format!("{}:{}", dir.join(f).display(), self.name),
            FunctionSource::Module(m) => format!("{m}:{}", self.name),
        }
    }
}

/// A Python identifier (ASCII letters, digits and `_`, or any other letter; not starting
/// with a digit).
fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c == '_' || c.is_alphabetic())
        && chars.all(|c| c == '_' || c.is_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn function_specs() {
        let f = FunctionSpec::parse("work.py:digest").unwrap();
        assert_eq!(f.source, FunctionSource::File("work.py".into()));
        assert_eq!(f.name, "digest");
        assert_eq!(f.target(Path::new("/s")), "/s/work.py:digest");
        let m = FunctionSpec::parse("pkg.mod:run_it").unwrap();
        assert_eq!(m.source, FunctionSource::Module("pkg.mod".into()));
        assert_eq!(m.target(Path::new("/s")), "pkg.mod:run_it");
        assert_eq!(
            FunctionSpec::parse("funcs/work:f").unwrap().source,
            FunctionSource::File("funcs/work".into())
        );
        for bad in [
            "work.py",
            "work.py:",
            "work.py:1st",
            ":f",
            "a..b:f",
            "a-b:f",
        ] {
            assert!(FunctionSpec::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn kernel_column_names() {
        let f = UserCode::Function {
            written: "work.py:digest".into(),
            target: "/x/work.py:digest".into(),
        };
        assert_eq!(f.kernel_name(), "function:work.py:digest");
        let l = UserCode::Library {
            written: "target/release/libwork.so".into(),
            path: "/x/target/release/libwork.so".into(),
            symbol: "work".into(),
        };
        assert_eq!(l.kernel_name(), "library:libwork.so:work");
        // The checksum check words a mismatch of the user's code for the user.
        assert!(f.work().is_own_code() && l.work().is_own_code());
        // The column's text reads back as the same work.
        assert_eq!(Work::from(f.kernel_name().as_str()), f.work());
        assert_eq!(Work::from(l.kernel_name().as_str()), l.work());
        assert!(!Work::from("primes").is_own_code());
    }
}
