//! The `kernel` column, typed: what one task of a workload does.

use serde::{Deserialize, Serialize};

/// What one task of a workload does: a built-in (or command) kernel, or the user's own
/// code, a Python function or a native library's symbol.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum WorkKind {
    #[default]
    Kernel,
    Function,
    Library,
}

/// The `kernel` column, typed: what kind of work, and its name. The column's text is the
/// name, prefixed `function:` or `library:` for the user's own code (`function:work.py:digest`,
/// `library:libwork.so:work`); it is parsed once where rows are read back.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Work {
    pub kind: WorkKind,
    /// The kernel's name, or the code as named after its prefix (`work.py:digest`).
    pub name: String,
}

impl Work {
    pub fn kernel(name: impl Into<String>) -> Work {
        Work {
            kind: WorkKind::Kernel,
            name: name.into(),
        }
    }

    /// Whether the work is the user's own code rather than a kernel.
    pub fn is_own_code(&self) -> bool {
        self.kind != WorkKind::Kernel
    }
}

impl std::fmt::Display for Work {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.kind {
            WorkKind::Kernel => f.write_str(&self.name),
            WorkKind::Function => write!(f, "function:{}", self.name),
            WorkKind::Library => write!(f, "library:{}", self.name),
        }
    }
}

impl std::str::FromStr for Work {
    type Err = std::convert::Infallible;

    /// The column's text: every text is some work (a kernel unless prefixed).
    fn from_str(s: &str) -> Result<Work, Self::Err> {
        let (kind, name) = if let Some(name) = s.strip_prefix("function:") {
            (WorkKind::Function, name)
        } else if let Some(name) = s.strip_prefix("library:") {
            (WorkKind::Library, name)
        } else {
            (WorkKind::Kernel, s)
        };
        Ok(Work {
            kind,
            name: name.to_string(),
        })
    }
}

impl From<&str> for Work {
    fn from(s: &str) -> Work {
        let Ok(work) = s.parse();
        work
    }
}

impl Serialize for Work {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Work {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Work, D::Error> {
        Ok(Work::from(String::deserialize(deserializer)?.as_str()))
    }
}
