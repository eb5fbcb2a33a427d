//! `plasticore._native`: the Python face of plasticore.
//!
//! - `kernels` and `run` (module `registry`) go through the CLI's kernel registry
//!   (`plasticore_host::kernels`): the same contracts, shape checks and
//!   one-line errors as `plasticore run`, on NumPy arrays. A C-contiguous
//!   input of the declared dtype is read in place; other layouts are copied
//!   into C order first.
//! - Classes for the stateful parts: `LshIndex` (module `index`),
//!   `PlasticNet` and `Blob` (`hebbian`), `OpenAIES` and `Evolution` (`es`),
//!   and the seeded generator `Rng` (`rng`).
//! - `evaluate` and `episodes` run episodes of a network;
//!   `evaluate_candidates` is the unit of work a distributed ES evaluator
//!   (Ray) hands out.
//!
//! Every error is a `ValueError` carrying the message the CLI prints.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

mod es;
mod hebbian;
mod index;
mod registry;
mod rng;

/// A `ValueError` with `msg`, the line the CLI prints after `error: `.
pub(crate) fn err(msg: impl std::fmt::Display) -> PyErr {
    PyValueError::new_err(msg.to_string())
}

/// A `ValueError` with the whole chain of an `anyhow` error.
pub(crate) fn anyhow_err(e: anyhow::Error) -> PyErr {
    err(format!("{e:#}"))
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(registry::kernels, m)?)?;
    m.add_function(wrap_pyfunction!(registry::run, m)?)?;
    m.add_function(wrap_pyfunction!(rng::selftest_checksums, m)?)?;
    m.add_function(wrap_pyfunction!(hebbian::evaluate, m)?)?;
    m.add_function(wrap_pyfunction!(hebbian::episodes, m)?)?;
    m.add_function(wrap_pyfunction!(hebbian::coeff_len, m)?)?;
    m.add_function(wrap_pyfunction!(es::evaluate_candidates, m)?)?;
    m.add_class::<rng::Rng>()?;
    m.add_class::<index::LshIndex>()?;
    m.add_class::<hebbian::Blob>()?;
    m.add_class::<hebbian::PlasticNet>()?;
    m.add_class::<es::OpenAIES>()?;
    m.add_class::<es::Evolution>()?;
    Ok(())
}
