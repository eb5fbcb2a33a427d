//! The kernel registry behind `plasticore run`.
//!
//! Each kernel declares its inputs (name, dtype, symbolic shape), its
//! parameters (with defaults) and its output. [`Call::new`] checks the files a
//! user passed against that declaration — dtype, rank, and that a symbol such
//! as `n` has one value across all inputs — before the kernel runs, so every
//! mistake becomes one line naming the input and what was expected.
//!
//! To add kernels: write `host/src/kernels/<group>.rs` with
//! `pub fn kernels() -> Vec<Kernel>` and add it to [`all`].

use std::collections::BTreeMap;

use crate::npy::{shape_str, Array, DType, NdArray};

mod attention;
mod fixed;
mod hebbian;
mod linalg;
mod loss;
mod lsh;
mod nn;
mod radioactive;
mod stats;
mod tensor;

/// Every kernel `plasticore run` knows, in listing order.
pub fn all() -> Vec<Kernel> {
    let mut v = Vec::new();
    v.extend(linalg::kernels());
    v.extend(fixed::kernels());
    v.extend(lsh::kernels());
    v.extend(nn::kernels());
    v.extend(attention::kernels());
    v.extend(stats::kernels());
    v.extend(loss::kernels());
    v.extend(radioactive::kernels());
    v.extend(tensor::kernels());
    v.extend(hebbian::kernels());
    v
}

/// Finds a kernel by name.
pub fn find(name: &str) -> Option<Kernel> {
    all().into_iter().find(|k| k.name == name)
}

/// A declared input.
#[derive(Debug, Clone, Copy)]
pub struct InputSpec {
    /// Name used with `--input NAME=FILE.npy`.
    pub name: &'static str,
    /// Required dtype.
    pub dtype: DType,
    /// Other dtypes accepted instead (the kernel checks that inputs agree).
    pub also: &'static [DType],
    /// Symbolic shape, comma separated: `"n,d"`; a number is a fixed size;
    /// a leading `"...,"` allows any number of leading axes; `""` is a scalar.
    pub shape: &'static str,
}

/// A declared parameter.
#[derive(Debug, Clone, Copy)]
pub struct ParamSpec {
    /// Name used with `--param NAME=VALUE`.
    pub name: &'static str,
    /// Default, if optional.
    pub default: Option<&'static str>,
    /// What it means and which values it takes.
    pub help: &'static str,
}

/// A kernel of the registry.
#[derive(Clone)]
pub struct Kernel {
    /// `group.name`.
    pub name: &'static str,
    /// One line.
    pub summary: &'static str,
    /// Declared inputs.
    pub inputs: Vec<InputSpec>,
    /// Declared parameters.
    pub params: Vec<ParamSpec>,
    /// Output dtype and shape, for `--list`.
    pub output: &'static str,
    /// Computes the output from checked inputs.
    pub run: fn(&Call) -> Result<Array, String>,
}

/// Shorthand for an [`InputSpec`].
pub const fn input(name: &'static str, dtype: DType, shape: &'static str) -> InputSpec {
    InputSpec { name, dtype, also: &[], shape }
}

/// An input that is `int8` or `int16` (a fixed-point kernel).
pub const fn input_fixed(name: &'static str, shape: &'static str) -> InputSpec {
    InputSpec { name, dtype: DType::I8, also: &[DType::I16], shape }
}

impl InputSpec {
    /// Whether `d` is accepted.
    pub fn accepts(&self, d: DType) -> bool {
        self.dtype == d || self.also.contains(&d)
    }
    /// The accepted dtypes, `|`-separated.
    pub fn dtypes(&self) -> String {
        std::iter::once(self.dtype)
            .chain(self.also.iter().copied())
            .map(|d| d.name())
            .collect::<Vec<_>>()
            .join(" | ")
    }
}

/// Shorthand for a [`ParamSpec`].
pub const fn param(
    name: &'static str,
    default: Option<&'static str>,
    help: &'static str,
) -> ParamSpec {
    ParamSpec { name, default, help }
}

/// Checked inputs, bound dimension symbols and parameters of one invocation.
/// The inputs may borrow their elements (from NumPy arrays, read in place).
pub struct Call<'a> {
    kernel: &'static str,
    inputs: BTreeMap<String, NdArray<'a>>,
    params: BTreeMap<String, String>,
    dims: BTreeMap<String, usize>,
}

fn shape_symbols(spec: &str) -> (bool, Vec<&str>) {
    let mut syms: Vec<&str> = spec.split(',').map(str::trim).filter(|s| !s.is_empty()).collect();
    let ellipsis = syms.first() == Some(&"...");
    if ellipsis {
        syms.remove(0);
    }
    (ellipsis, syms)
}

impl<'a> Call<'a> {
    /// Checks `inputs` and `params` against the kernel's declaration.
    pub fn new(
        k: &Kernel,
        inputs: BTreeMap<String, NdArray<'a>>,
        params: BTreeMap<String, String>,
    ) -> Result<Call<'a>, String> {
        for name in inputs.keys() {
            if !k.inputs.iter().any(|s| s.name == name) {
                let known: Vec<_> = k.inputs.iter().map(|s| s.name).collect();
                return Err(format!(
                    "{}: unknown input '{name}' (inputs: {})",
                    k.name,
                    known.join(", ")
                ));
            }
        }
        for name in params.keys() {
            if !k.params.iter().any(|s| s.name == name) {
                let known: Vec<_> = k.params.iter().map(|s| s.name).collect();
                return Err(format!(
                    "{}: unknown parameter '{name}' (parameters: {})",
                    k.name,
                    if known.is_empty() { "none".to_string() } else { known.join(", ") }
                ));
            }
        }
        let mut dims: BTreeMap<String, usize> = BTreeMap::new();
        let mut from: BTreeMap<String, &str> = BTreeMap::new();
        for spec in &k.inputs {
            let want = format!("{} [{}]", spec.dtypes(), spec.shape);
            let a = inputs.get(spec.name).ok_or_else(|| {
                format!("{}: missing input '{}' (expected {want})", k.name, spec.name)
            })?;
            if !spec.accepts(a.dtype()) {
                return Err(format!(
                    "input '{}': expected {want}, got dtype {}",
                    spec.name,
                    a.dtype()
                ));
            }
            let (ellipsis, syms) = shape_symbols(spec.shape);
            let rank_ok =
                if ellipsis { a.shape.len() >= syms.len() } else { a.shape.len() == syms.len() };
            if !rank_ok {
                return Err(format!(
                    "input '{}': expected {want}, got shape {}",
                    spec.name,
                    shape_str(&a.shape)
                ));
            }
            let tail = &a.shape[a.shape.len() - syms.len()..];
            for (&sym, &d) in syms.iter().zip(tail) {
                if let Ok(fixed) = sym.parse::<usize>() {
                    if fixed != d {
                        return Err(format!(
                            "input '{}': expected {want}, got shape {}",
                            spec.name,
                            shape_str(&a.shape)
                        ));
                    }
                } else if let Some(&prev) = dims.get(sym) {
                    if prev != d {
                        return Err(format!(
                            "input '{}': dimension {sym} = {d} does not match {sym} = {prev} of input '{}' (expected {want})",
                            spec.name, from[sym]
                        ));
                    }
                } else {
                    dims.insert(sym.to_string(), d);
                    from.insert(sym.to_string(), spec.name);
                }
            }
        }
        Ok(Call { kernel: k.name, inputs, params, dims })
    }

    /// The checked array of input `name` (declared, so present).
    pub fn array(&self, name: &str) -> &NdArray<'a> {
        &self.inputs[name]
    }
    /// float32 elements of input `name`, C order.
    pub fn f32(&self, name: &str) -> &[f32] {
        self.array(name).as_f32().unwrap_or(&[])
    }
    /// int32 elements of input `name`.
    pub fn i32(&self, name: &str) -> &[i32] {
        self.array(name).as_i32().unwrap_or(&[])
    }
    /// uint8 elements of input `name`.
    pub fn u8(&self, name: &str) -> &[u8] {
        self.array(name).as_u8().unwrap_or(&[])
    }
    /// Shape of input `name`.
    pub fn shape(&self, name: &str) -> &[usize] {
        &self.array(name).shape
    }
    /// The value bound to dimension symbol `sym`.
    pub fn dim(&self, sym: &str) -> usize {
        self.dims.get(sym).copied().unwrap_or(0)
    }
    /// Parameter `name` parsed as `T` (the declared default if not given).
    pub fn param<T: std::str::FromStr>(&self, name: &str) -> Result<T, String> {
        let raw = self.param_str(name)?;
        raw.parse::<T>().map_err(|_| {
            format!("parameter '{name}': cannot parse '{raw}' as {}", std::any::type_name::<T>())
        })
    }
    /// Parameter `name` as text (the declared default if not given).
    pub fn param_str(&self, name: &str) -> Result<String, String> {
        if let Some(v) = self.params.get(name) {
            return Ok(v.clone());
        }
        find(self.kernel)
            .and_then(|k| k.params.iter().find(|p| p.name == name).and_then(|p| p.default))
            .map(str::to_string)
            .ok_or_else(|| format!("{}: missing parameter '{name}'", self.kernel))
    }
    /// A boolean parameter: `true`/`false`/`1`/`0`.
    pub fn flag(&self, name: &str) -> Result<bool, String> {
        match self.param_str(name)?.as_str() {
            "true" | "1" | "True" => Ok(true),
            "false" | "0" | "False" => Ok(false),
            v => Err(format!("parameter '{name}': expected true or false, got '{v}'")),
        }
    }
}

/// Kernels whose float inputs may hold NaN or ±∞ by contract: `nn.softmax`
/// masks −∞ (and rejects NaN itself), `tensor.reshape` only moves values.
const NON_FINITE_INPUTS_OK: &[&str] = &["nn.softmax", "tensor.reshape"];
/// The first element of a result that is not finite where the kernel's
/// contract promises a finite value: `stats.per_capita` is NaN for its first
/// 6 days by contract, `stats.kl` is +∞ when `p` has mass where `q` has none.
fn unexpected_non_finite(k: &Kernel, out: &Array) -> Option<usize> {
    let v = out.as_f32()?;
    match k.name {
        "stats.per_capita" => {
            let skip = 6 * out.shape.get(1).copied().unwrap_or(1);
            v.iter().skip(skip).position(|x| !x.is_finite()).map(|i| i + skip)
        }
        "stats.kl" => v.iter().position(|x| x.is_nan() || *x == f32::NEG_INFINITY),
        _ => v.iter().position(|x| !x.is_finite()),
    }
}

/// Runs a kernel on checked inputs, as `plasticore run` does: NaN or ±∞ in
/// a float input is refused (unless the kernel's contract takes them), and a
/// non-finite result from finite inputs — an overflow of f32 — is reported
/// as an error rather than written.
pub fn execute(k: &Kernel, call: &Call) -> Result<Array, String> {
    let mut inputs_finite = true;
    for (name, a) in &call.inputs {
        if let Some(i) = a.as_f32().and_then(|v| v.iter().position(|x| !x.is_finite())) {
            if !NON_FINITE_INPUTS_OK.contains(&k.name) {
                return Err(format!("input '{name}': non-finite value (NaN or inf) at index {i}"));
            }
            inputs_finite = false;
        }
    }
    let out = (k.run)(call)?;
    if inputs_finite {
        if let Some(i) = unexpected_non_finite(k, &out) {
            return Err(format!(
                "{}: the result overflows float32 at index {i} (inputs too large)",
                k.name
            ));
        }
    }
    Ok(out)
}

/// Turns a core error into a message naming the kernel.
pub fn core_err(kernel: &str) -> impl Fn(plasticore::Error) -> String + '_ {
    move |e| format!("{kernel}: {e}")
}

/// Renders `run --list`.
pub fn list() -> String {
    let mut s = String::new();
    for k in all() {
        s.push_str(&format!("{}\n    {}\n", k.name, k.summary));
        for i in &k.inputs {
            s.push_str(&format!("    input  {:<10} {} [{}]\n", i.name, i.dtypes(), i.shape));
        }
        for p in &k.params {
            let d = p.default.map(|d| format!(" (default {d})")).unwrap_or_default();
            s.push_str(&format!("    param  {:<10} {}{d}\n", p.name, p.help));
        }
        s.push_str(&format!("    output {}\n", k.output));
    }
    s
}
