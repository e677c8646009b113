//! The workload's kernel and its parameters. A built-in kernel takes exactly its declared
//! parameters, each a whole number in its range (defaults filled in); a kernel that is not
//! built in is allowed when only command models run it, and its parameters pass through to
//! their templates as text. CPython models run only the kernels `kernels.py` implements.

use super::{Checker, Paths};
use crate::kernel::{self, Kernel, ParamValue, Params};
use crate::model::{self, command::CommandModel};
use crate::scenario::diag::did_you_mean;
use crate::scenario::file::RawTable;
use crate::scenario::keys::{self, Place};
use crate::scenario::ScenarioError;

impl Checker<'_> {
    /// The built-in kernel (if `name` is one) and the resolved parameters.
    pub(super) fn kernel(
        &self,
        p: &Paths,
        w: &RawTable,
        name: &str,
        models: &[String],
        commands: &[CommandModel],
    ) -> Result<(Option<&'static dyn Kernel>, Params), ScenarioError> {
        let builtin = kernel::find(name);
        let params = match builtin {
            Some(k) => self.builtin_params(p, w, k)?,
            None => {
                if let Some(m) = models
                    .iter()
                    .find(|m| !commands.iter().any(|c| &c.name == *m))
                {
                    return Err(self
                        .err(&p.at("kernel"), format!("unknown kernel `{name}`"))
                        .with_help(format!(
                            "{}`parabench list kernels` shows them all; a kernel of your own runs only under [[model]] commands, not `{m}`",
                            did_you_mean(name, kernel::names())
                                .map(|k| format!("did you mean `{k}`? "))
                                .unwrap_or_default()
                        )));
                }
                self.passed_params(p, w)?
            }
        };
        Ok((builtin, params))
    }

    fn builtin_params(
        &self,
        p: &Paths,
        w: &RawTable,
        k: &dyn Kernel,
    ) -> Result<Params, ScenarioError> {
        let mut params = Params::new();
        for spec in k.params() {
            params.insert(spec.name.to_string(), ParamValue::Int(spec.default));
        }
        for (pname, value) in &w.params {
            let Some(spec) = k.params().iter().find(|s| s.name == pname) else {
                return Err(self.unknown_param(p, k, pname));
            };
            let v = value
                .as_integer()
                .filter(|v| (spec.min..=spec.max).contains(v));
            let Some(v) = v else {
                return Err(self
                    .err(
                        &p.at(pname),
                        format!("`{pname}` = {value} is not valid for kernel `{}`", k.name()),
                    )
                    .with_help(format!(
                        "expected an integer from {} to {} ({})",
                        spec.min, spec.max, spec.about
                    )));
            };
            params.insert(pname.clone(), ParamValue::Int(v));
        }
        Ok(params)
    }

    /// A key that is neither a workload key nor one of the kernel's parameters.
    fn unknown_param(&self, p: &Paths, k: &dyn Kernel, pname: &str) -> ScenarioError {
        let own: Vec<&str> = k.params().iter().map(|s| s.name).collect();
        let takes = if own.is_empty() {
            "no parameters".to_string()
        } else {
            let list: Vec<String> = own.iter().map(|s| format!("`{s}`")).collect();
            format!("parameters {}", list.join(", "))
        };
        let workload_keys = keys::names(Place::Workload);
        let takes = format!("kernel `{}` takes {takes}", k.name());
        let known = own.iter().chain(&workload_keys).copied();
        // The key it most likely is, or where it belongs, is the fix; only without either
        // does the help list the workload's keys.
        let help = match (
            did_you_mean(pname, known),
            keys::belongs_elsewhere(pname, Place::Workload),
        ) {
            (Some(m), _) => format!("did you mean `{m}`? {takes}"),
            (None, Some(fix)) => fix,
            (None, None) => format!(
                "{takes}; {} {}",
                Place::Workload.keys_are(),
                workload_keys.join(", ")
            ),
        };
        self.err_key(
            &p.at(pname),
            format!("unknown key `{pname}` for kernel `{}`", k.name()),
        )
        .with_help(help)
    }

    /// Parameters of a kernel of the user's own: passed to command templates as text.
    fn passed_params(&self, p: &Paths, w: &RawTable) -> Result<Params, ScenarioError> {
        let mut params = Params::new();
        for (pname, value) in &w.params {
            let v = match scalar(value) {
                Some(v) => v,
                None => {
                    return Err(self
                        .err(
                            &p.at(pname),
                            format!("parameter `{pname}` must be a number, boolean or string"),
                        )
                        .with_help("parameters are passed to command templates as text"))
                }
            };
            params.insert(pname.clone(), v);
        }
        Ok(params)
    }

    /// The CPython models among `models` must implement the kernel.
    pub(super) fn python_kernel(
        &self,
        p: &Paths,
        kernel: &str,
        models: &[String],
        commands: &[CommandModel],
    ) -> Result<(), ScenarioError> {
        let py = models.iter().find(|m| {
            model::python::is_py_model(m) && commands.iter().any(|c| &c.name == *m && c.pass_params)
        });
        match py {
            Some(py) if !crate::kernel::find(kernel).is_some_and(|k| k.cpython()) => Err(self
                .err(
                    &p.at("kernel"),
                    format!("model `{py}` cannot run kernel `{kernel}`"),
                )
                .with_help(
                    "use a kernel the CPython models run (`parabench list kernels` marks them `py-*`), \
                     or a [[model]] command of your own",
                )),
            _ => Ok(()),
        }
    }
}

/// A scalar TOML value as a parameter; `None` for arrays, tables and dates, which no kernel,
/// command, function or library takes.
pub(super) fn scalar(value: &toml::Value) -> Option<ParamValue> {
    Some(match value {
        toml::Value::Integer(i) => ParamValue::Int(*i),
        toml::Value::Float(f) => ParamValue::Float(*f),
        toml::Value::Boolean(b) => ParamValue::Bool(*b),
        toml::Value::String(s) => ParamValue::Str(s.clone()),
        _ => return None,
    })
}
