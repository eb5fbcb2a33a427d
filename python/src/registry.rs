//! The kernel registry of `plasticore run` on NumPy arrays.

use std::collections::BTreeMap;

use numpy::ndarray::ArrayViewD;
use numpy::{
    Element, IntoPyArray, PyArrayDescrMethods, PyArrayDyn, PyArrayMethods, PyReadonlyArrayDyn,
    PyUntypedArray, PyUntypedArrayMethods,
};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use plasticore_host::kernels::{self as registry, Call, Kernel};
use plasticore_host::npy::{Array, DType, Data, NdArray};

use crate::err;

/// Every kernel of the registry: name, summary, inputs (name, dtypes,
/// shape), parameters (name, default, help) and output, as `plasticore run
/// --list` prints them.
#[pyfunction]
pub(crate) fn kernels(py: Python<'_>) -> PyResult<Bound<'_, PyList>> {
    let out = PyList::empty(py);
    for k in registry::all() {
        let d = PyDict::new(py);
        d.set_item("name", k.name)?;
        d.set_item("summary", k.summary)?;
        let inputs = PyList::empty(py);
        for i in &k.inputs {
            let e = PyDict::new(py);
            e.set_item("name", i.name)?;
            let dtypes: Vec<&str> =
                std::iter::once(i.dtype).chain(i.also.iter().copied()).map(DType::name).collect();
            e.set_item("dtypes", dtypes)?;
            e.set_item("shape", i.shape)?;
            inputs.append(e)?;
        }
        d.set_item("inputs", inputs)?;
        let params = PyList::empty(py);
        for p in &k.params {
            let e = PyDict::new(py);
            e.set_item("name", p.name)?;
            e.set_item("default", p.default)?;
            e.set_item("help", p.help)?;
            params.append(e)?;
        }
        d.set_item("params", params)?;
        d.set_item("output", k.output)?;
        out.append(d)?;
    }
    Ok(out)
}

/// A NumPy input held for the duration of a call: read in place when
/// C-contiguous, else copied into C order.
enum Held<'py> {
    F32(PyReadonlyArrayDyn<'py, f32>),
    I32(PyReadonlyArrayDyn<'py, i32>),
    U8(PyReadonlyArrayDyn<'py, u8>),
    I8(PyReadonlyArrayDyn<'py, i8>),
    I16(PyReadonlyArrayDyn<'py, i16>),
    I64(PyReadonlyArrayDyn<'py, i64>),
}

/// The array's elements in C order: borrowed if contiguous, else copied.
fn c_order<'a, T: Element + Clone>(a: &'a PyReadonlyArrayDyn<'_, T>) -> std::borrow::Cow<'a, [T]> {
    match a.as_slice() {
        Ok(s) if a.is_c_contiguous() => std::borrow::Cow::Borrowed(s),
        _ => {
            let v: ArrayViewD<'_, T> = a.as_array();
            std::borrow::Cow::Owned(v.iter().cloned().collect())
        }
    }
}

impl Held<'_> {
    fn view(&self) -> NdArray<'_> {
        macro_rules! arm {
            ($a:expr, $v:ident) => {
                NdArray { shape: $a.shape().to_vec(), data: Data::$v(c_order($a)) }
            };
        }
        match self {
            Held::F32(a) => arm!(a, F32),
            Held::I32(a) => arm!(a, I32),
            Held::U8(a) => arm!(a, U8),
            Held::I8(a) => arm!(a, I8),
            Held::I16(a) => arm!(a, I16),
            Held::I64(a) => arm!(a, I64),
        }
    }
}

/// Takes input `name` of kernel `k` from a Python object (an ndarray, or
/// anything `numpy.asarray` accepts), refusing dtypes the registry cannot hold.
fn hold<'py>(k: &Kernel, name: &str, obj: &Bound<'py, PyAny>) -> PyResult<Held<'py>> {
    let py = obj.py();
    let arr = match obj.cast::<PyUntypedArray>() {
        Ok(a) => a.clone(),
        Err(_) => {
            let np = py.import("numpy")?;
            np.call_method1("asarray", (obj,))?
                .cast_into::<PyUntypedArray>()
                .map_err(|e| err(e.to_string()))?
        }
    };
    let dt = arr.dtype();
    macro_rules! take {
        ($t:ty, $v:ident) => {
            if dt.is_equiv_to(&numpy::dtype::<$t>(py)) {
                return Ok(Held::$v(arr.cast::<PyArrayDyn<$t>>()?.readonly()));
            }
        };
    }
    take!(f32, F32);
    take!(i32, I32);
    take!(u8, U8);
    take!(i8, I8);
    take!(i16, I16);
    take!(i64, I64);
    let want = k
        .inputs
        .iter()
        .find(|s| s.name == name)
        .map(|s| format!("{} [{}]", s.dtypes(), s.shape))
        .unwrap_or_default();
    Err(err(format!("input '{name}': expected {want}, got dtype {}", dt.str()?.to_str()?)))
}

fn to_numpy<'py>(py: Python<'py>, a: Array) -> PyResult<Bound<'py, PyAny>> {
    let shape = a.shape.clone();
    macro_rules! arm {
        ($v:expr) => {
            $v.into_owned().into_pyarray(py).reshape(shape)?.into_any()
        };
    }
    Ok(match a.data {
        Data::F32(v) => arm!(v),
        Data::I32(v) => arm!(v),
        Data::U8(v) => arm!(v),
        Data::I8(v) => arm!(v),
        Data::I16(v) => arm!(v),
        Data::I64(v) => arm!(v),
    })
}

/// A keyword parameter as the CLI's `--param KEY=VALUE` text.
pub(crate) fn param_text(v: &Bound<'_, PyAny>) -> PyResult<String> {
    if let Ok(b) = v.extract::<bool>() {
        return Ok(if b { "true" } else { "false" }.into());
    }
    Ok(v.str()?.to_str()?.to_string())
}

/// Runs kernel `name` of the registry: keyword arguments named after its
/// inputs are arrays, the others its parameters. Returns the output array.
/// The computation runs without the GIL.
#[pyfunction]
#[pyo3(signature = (name, /, **kwargs))]
pub(crate) fn run<'py>(
    py: Python<'py>,
    name: &str,
    kwargs: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyAny>> {
    let k = registry::find(name)
        .ok_or_else(|| err(format!("unknown kernel '{name}' (plasticore.kernels() lists them)")))?;
    let mut held: Vec<(String, Held<'py>)> = Vec::new();
    let mut params = BTreeMap::new();
    if let Some(kw) = kwargs {
        for (key, value) in kw.iter() {
            let key: String = key.extract()?;
            if k.inputs.iter().any(|s| s.name == key) {
                let h = hold(&k, &key, &value)?;
                held.push((key, h));
            } else {
                params.insert(key, param_text(&value)?);
            }
        }
    }
    let inputs: BTreeMap<String, NdArray<'_>> =
        held.iter().map(|(n, h)| (n.clone(), h.view())).collect();
    let call = Call::new(&k, inputs, params).map_err(err)?;
    let out = py.detach(|| registry::execute(&k, &call)).map_err(err)?;
    to_numpy(py, out)
}
