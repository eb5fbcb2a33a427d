//! The core's seeded generator and the self-test checksums.

use std::collections::BTreeMap;

use numpy::{IntoPyArray, PyArray1};
use pyo3::prelude::*;

use plasticore_host::limits::MAX_BUFFER;

use crate::err;

/// The core's seeded generator (xoshiro-style, the same stream on the host
/// and on every board): for reproducing the firmware's self-test inputs.
#[pyclass(module = "plasticore")]
pub(crate) struct Rng(plasticore::rng::Rng);

#[pymethods]
impl Rng {
    #[new]
    fn new(seed: u64) -> Self {
        Rng(plasticore::rng::Rng::new(seed))
    }
    /// The next `n` raw 32-bit outputs (`n` ≤ 2²⁸).
    fn next_u32<'py>(&mut self, py: Python<'py>, n: usize) -> PyResult<Bound<'py, PyArray1<u32>>> {
        let v: Vec<u32> = (0..values(n)?).map(|_| self.0.next()).collect();
        Ok(v.into_pyarray(py))
    }
    /// `n` values from U(lo, hi), float32 (`n` ≤ 2²⁸).
    fn uniform<'py>(
        &mut self,
        py: Python<'py>,
        n: usize,
        lo: f32,
        hi: f32,
    ) -> PyResult<Bound<'py, PyArray1<f32>>> {
        let mut v = vec![0.0; values(n)?];
        self.0.fill_uniform(&mut v, lo, hi);
        Ok(v.into_pyarray(py))
    }
    /// `n` values from N(0, 1), float32 (`n` ≤ 2²⁸).
    fn normal<'py>(&mut self, py: Python<'py>, n: usize) -> PyResult<Bound<'py, PyArray1<f32>>> {
        let mut v = vec![0.0; values(n)?];
        self.0.fill_normal(&mut v);
        Ok(v.into_pyarray(py))
    }
}

/// `n` if one call may draw that many values ([`MAX_BUFFER`]).
fn values(n: usize) -> PyResult<usize> {
    if n > MAX_BUFFER {
        return Err(err(format!("Rng: n = {n}: at most {MAX_BUFFER} values per call")));
    }
    Ok(n)
}

/// The self-test checksums the host computes — `{(kernel, shape): checksum}`,
/// FNV-1a over each case's output bits. The QEMU tests require every
/// emulated board to produce these same values.
#[pyfunction]
pub(crate) fn selftest_checksums(py: Python<'_>) -> BTreeMap<(String, String), u32> {
    py.detach(|| {
        plasticore_host::report::host_checksums()
            .into_iter()
            .map(|(k, (sum, _))| (k, sum))
            .collect()
    })
}
