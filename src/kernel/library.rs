//! A native workload: a C-ABI function in the user's shared library, called once per task as
//! `uint64_t work(uint64_t index, const char *params)`. The library is loaded with
//! `libloading` (`dlopen` with `RTLD_NOW | RTLD_LOCAL`, so a missing dependency fails at load,
//! not in the middle of a run) once per process that runs tasks: the cell process for the
//! in-process models, each worker process for `processes`.
//!
//! `params` is the workload's extra keys in one text form, built once per process and passed
//! to every call as the same pointer: one `key=value` line per key, keys in byte order, each
//! line ending in `\n`; integers in decimal, floats in plain decimal notation, the shortest that
//! reads back to the same number (`0.5`, `0.0000001`; `3.0` is `3`), booleans `true` / `false`, strings as written (validation
//! refuses a string with a newline or a NUL byte). A workload without extra keys passes `""`.
//!
//! Optional hooks, found by name beside the symbol: `int <symbol>_init(const char *params)`
//! runs once in each such process after loading and before the first task (a non-zero return
//! fails the cell's runs with that number), and `void <symbol>_fini(void)` once when the
//! process is done with the library (after its last run, outside any measurement). The task
//! function is called from many threads at once and must be thread-safe.
//!
//! A crash inside the library (a segfault, an abort) takes down the process that called it;
//! the cell isolation turns that into a failed run naming the signal, and the matrix goes on.

use super::{KernelError, ParamValue, Params, Task};
use std::ffi::{c_char, c_int, CString};
use std::path::Path;

/// `uint64_t work(uint64_t index, const char *params)`.
type TaskFn = unsafe extern "C" fn(u64, *const c_char) -> u64;
/// `int work_init(const char *params)`.
type InitFn = unsafe extern "C" fn(*const c_char) -> c_int;
/// `void work_fini(void)`.
type FiniFn = unsafe extern "C" fn();

/// The task of a native workload: the loaded library and its function.
pub struct LibraryTask {
    func: TaskFn,
    /// The parameters' text, alive as long as the task (every call gets this pointer).
    params: CString,
    fini: Option<FiniFn>,
    /// Keeps the library mapped while `func` and `fini` may be called; unloaded last.
    _library: libloading::os::unix::Library,
}

/// The name of a hook beside `symbol`: `work_init`, `work_fini`.
pub fn hook(symbol: &str, which: &str) -> String {
    format!("{symbol}_{which}")
}

impl LibraryTask {
    /// Loads `path`, finds `symbol` (and its `_init` / `_fini` hooks if present) and runs the
    /// init hook. Errors name the library and say what to do.
    pub fn open(path: &Path, symbol: &str, params: &Params) -> Result<LibraryTask, KernelError> {
        let text = params_text(params)?;
        let shown = path.display();
        let flags = libloading::os::unix::RTLD_NOW | libloading::os::unix::RTLD_LOCAL;
        // SAFETY: loading a library runs its constructors: that is the user's code, which the
        // scenario asks parabench to run (as it runs a command). The process is a cell or
        // worker process of its own, so a crash there fails only this cell's runs.
        let library = unsafe { libloading::os::unix::Library::open(Some(path), flags) }
            .map_err(|e| KernelError::Setup(format!("cannot load the library {shown}: {e}")))?;
        // SAFETY: the symbol is declared with the documented signature; a library that
        // exports it with another one is the user's bug, as in any C program.
        let func: TaskFn = unsafe { library.get::<TaskFn>(symbol.as_bytes()) }
            .map(|s| *s)
            .map_err(|e| {
                KernelError::Setup(format!(
                    "the library {shown} has no function `{symbol}`: {e}"
                ))
            })?;
        // SAFETY: as above, for the optional hooks.
        let init = unsafe { library.get::<InitFn>(hook(symbol, "init").as_bytes()) }
            .ok()
            .map(|s| *s);
        // SAFETY: as above.
        let fini = unsafe { library.get::<FiniFn>(hook(symbol, "fini").as_bytes()) }
            .ok()
            .map(|s| *s);
        if let Some(init) = init {
            // SAFETY: the documented hook signature; `text` outlives the call.
            let code = unsafe { init(text.as_ptr()) };
            if code != 0 {
                return Err(KernelError::Setup(format!(
                    "`{}` in {shown} returned {code}: a non-zero return means the library could not start, so no task ran",
                    hook(symbol, "init")
                )));
            }
        }
        Ok(LibraryTask {
            func,
            params: text,
            fini,
            _library: library,
        })
    }
}

impl Task for LibraryTask {
    #[inline]
    fn run(&self, index: u64) -> Result<u64, KernelError> {
        // SAFETY: `func` comes from the library this task keeps loaded; `params` is a valid
        // NUL-terminated string for the task's whole life.
        Ok(unsafe { (self.func)(index, self.params.as_ptr()) })
    }
}

impl Drop for LibraryTask {
    fn drop(&mut self) {
        if let Some(fini) = self.fini {
            // SAFETY: the documented hook, called once, while the library is still loaded
            // (the library field is dropped after this).
            unsafe { fini() }
        }
    }
}

/// The parameters in the documented text form: one `key=value\n` per key, keys sorted.
pub fn params_text(params: &Params) -> Result<CString, KernelError> {
    let mut text = String::new();
    for (key, value) in params {
        if let Some(problem) = unpassable(value) {
            return Err(KernelError::Setup(format!(
                "parameter `{key}` cannot be passed to a library: {problem}"
            )));
        }
        text.push_str(key);
        text.push('=');
        text.push_str(&value.to_string());
        text.push('\n');
    }
    CString::new(text).map_err(|_| KernelError::Setup("a parameter holds a NUL byte".to_string()))
}

/// Why a value has no place in the `key=value` lines, if it has none.
pub fn unpassable(value: &ParamValue) -> Option<&'static str> {
    match value {
        ParamValue::Str(s) if s.contains('\n') || s.contains('\r') => {
            Some("it holds a line break, and each parameter is one `key=value` line")
        }
        ParamValue::Str(s) if s.contains('\0') => Some("it holds a NUL byte"),
        ParamValue::Float(f) if !f.is_finite() => Some("it is not a finite number"),
        _ => None,
    }
}

/// The library file as the scenario wrote it, for the `kernel` column: its file name.
pub fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_are_sorted_key_value_lines() {
        let p = Params::from([
            ("size".to_string(), ParamValue::Int(1000)),
            ("alpha".to_string(), ParamValue::Float(0.5)),
            ("mode".to_string(), ParamValue::Str("fast".into())),
            ("check".to_string(), ParamValue::Bool(true)),
            ("tiny".to_string(), ParamValue::Float(1e-7)),
        ]);
        assert_eq!(
            params_text(&p).unwrap().to_str().unwrap(),
            "alpha=0.5\ncheck=true\nmode=fast\nsize=1000\ntiny=0.0000001\n"
        );
        assert_eq!(params_text(&Params::new()).unwrap().as_bytes(), b"");
    }

    #[test]
    fn line_breaks_and_nul_cannot_be_passed() {
        for bad in ["a\nb", "a\0b"] {
            let p = Params::from([("s".to_string(), ParamValue::Str(bad.into()))]);
            assert!(params_text(&p).is_err(), "{bad:?}");
        }
        let p = Params::from([("f".to_string(), ParamValue::Float(f64::NAN))]);
        assert!(params_text(&p).is_err());
    }

    #[test]
    fn a_missing_library_says_which() {
        let e = LibraryTask::open(Path::new("/nonexistent/libnope.so"), "work", &Params::new())
            .err()
            .unwrap();
        assert!(matches!(e, KernelError::Setup(_)), "{e:?}");
        assert!(e.to_string().contains("/nonexistent/libnope.so"), "{e}");
    }
}
