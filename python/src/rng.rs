//! The core's seeded generator and the self-test checksums.

use std::collections::BTreeMap;

use numpy::{IntoPyArray, PyArray1};
use pyo3::prelude::*;

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
    /// The next `n` raw 32-bit outputs.
    fn next_u32<'py>(&mut self, py: Python<'py>, n: usize) -> Bound<'py, PyArray1<u32>> {
        let v: Vec<u32> = (0..n).map(|_| self.0.next()).collect();
        v.into_pyarray(py)
    }
    /// `n` values from U(lo, hi), float32.
    fn uniform<'py>(
        &mut self,
        py: Python<'py>,
        n: usize,
        lo: f32,
        hi: f32,
    ) -> Bound<'py, PyArray1<f32>> {
        let mut v = vec![0.0; n];
        self.0.fill_uniform(&mut v, lo, hi);
        v.into_pyarray(py)
    }
    /// `n` values from N(0, 1), float32.
    fn normal<'py>(&mut self, py: Python<'py>, n: usize) -> Bound<'py, PyArray1<f32>> {
        let mut v = vec![0.0; n];
        self.0.fill_normal(&mut v);
        v.into_pyarray(py)
    }
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
