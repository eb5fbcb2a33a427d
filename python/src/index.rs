//! `LshIndex`: the core's run-time-sized index over storage the object owns.

use numpy::{
    IntoPyArray, PyArray1, PyArray2, PyArrayMethods, PyReadonlyArray1, PyReadonlyArray2,
    PyUntypedArrayMethods,
};
use pyo3::prelude::*;

use plasticore::lsh::{IndexParams, DEFAULT_BITS, DEFAULT_PROBES, DEFAULT_TABLES};
use plasticore_host::lsh_index::{new_index, query_rows, HostIndex};

use crate::err;

/// Query results: ids and cosines.
type Neighbours1<'py> = (Bound<'py, PyArray1<i64>>, Bound<'py, PyArray1<f32>>);
/// Batch query results: ids and cosines, one row per query.
type Neighbours2<'py> = (Bound<'py, PyArray2<i64>>, Bound<'py, PyArray2<f32>>);

/// A fixed-capacity LSH index of float32 vectors (the core's `LshIndexInner`
/// over `Vec`s this object owns): random-hyperplane tables, multiprobe
/// queries, re-ranking by cosine. The same index as the `lsh.index` kernel
/// builds for the same seed and settings.
#[pyclass(module = "plasticore")]
pub(crate) struct LshIndex {
    idx: HostIndex,
}

impl LshIndex {
    /// `what` has `got` values where the index takes `dim`.
    fn check_dim(&self, what: &str, got: usize) -> PyResult<()> {
        let d = self.idx.dim();
        if got == d {
            return Ok(());
        }
        Err(err(format!("{what}: {got} values, but the index takes {d}")))
    }

    /// Ids (−1 where fewer were found), cosines and the count found of
    /// each row of `qs`.
    fn query_rows(
        &self,
        qs: &[f32],
        k: usize,
        probes: usize,
    ) -> PyResult<(Vec<i64>, Vec<f32>, Vec<usize>)> {
        let (res, stats) =
            query_rows(&self.idx, qs, k, probes).map_err(|e| err(format!("LshIndex: {e}")))?;
        let ids = res.iter().map(|r| if r.id == u32::MAX { -1 } else { r.id as i64 }).collect();
        let cos = res.iter().map(|r| r.cosine).collect();
        Ok((ids, cos, stats.iter().map(|s| s.found).collect()))
    }
}

#[pymethods]
impl LshIndex {
    /// An empty index for `dim`-dimensional vectors holding up to `capacity`
    /// items, with `tables` tables of `bits`-bit codes whose planes are drawn
    /// from `seed`.
    #[new]
    #[pyo3(signature = (dim, capacity, tables = DEFAULT_TABLES, bits = DEFAULT_BITS, seed = 0))]
    fn new(dim: usize, capacity: usize, tables: usize, bits: usize, seed: u64) -> PyResult<Self> {
        let params = IndexParams { dim, tables, bits, capacity };
        let idx = new_index(params, seed).map_err(|e| err(format!("LshIndex: {e}")))?;
        Ok(LshIndex { idx })
    }
    /// Vector dimension.
    #[getter]
    fn dim(&self) -> usize {
        self.idx.dim()
    }
    /// Maximum number of items.
    #[getter]
    fn capacity(&self) -> usize {
        self.idx.capacity()
    }
    fn __len__(&self) -> usize {
        self.idx.len()
    }
    fn __contains__(&self, id: i64) -> bool {
        u32::try_from(id).is_ok_and(|i| self.idx.contains(i))
    }
    /// Inserts one vector (`[dim]`, float32); returns its id.
    fn insert(&mut self, x: PyReadonlyArray1<'_, f32>) -> PyResult<u32> {
        let x = x.as_array().to_vec();
        self.idx.insert(&x).map_err(err)
    }
    /// Inserts the rows of `xs` (`[n, dim]`, float32) in one pass (one sort
    /// per table); returns their ids. Nothing changes on error.
    fn insert_all<'py>(
        &mut self,
        py: Python<'py>,
        xs: PyReadonlyArray2<'py, f32>,
    ) -> PyResult<Bound<'py, PyArray1<u32>>> {
        let (n, d) = (xs.shape()[0], xs.shape()[1]);
        self.check_dim("LshIndex.insert_all: rows", d)?;
        let flat: Vec<f32> = xs.as_array().iter().copied().collect();
        let mut ids = vec![0u32; n];
        self.idx.insert_all(&flat, &mut ids).map_err(err)?;
        Ok(ids.into_pyarray(py))
    }
    /// Removes item `id`.
    fn remove(&mut self, id: u32) -> PyResult<()> {
        self.idx.remove(id).map_err(err)
    }
    /// Re-centres the hashing on the mean of the stored items (re-hashes them).
    fn recenter(&mut self) -> PyResult<()> {
        self.idx.recenter().map_err(err)
    }
    /// Removes every item.
    fn clear(&mut self) -> PyResult<()> {
        self.idx.clear();
        Ok(())
    }
    /// The `k` stored items nearest to `q` (`[dim]`) by cosine among the
    /// candidates of `probes` buckets, nearest first: `(ids, cosines)`, as
    /// many as were found (at most `k`).
    #[pyo3(signature = (q, k = 10, probes = DEFAULT_PROBES))]
    fn query<'py>(
        &self,
        py: Python<'py>,
        q: PyReadonlyArray1<'py, f32>,
        k: usize,
        probes: usize,
    ) -> PyResult<Neighbours1<'py>> {
        self.check_dim("LshIndex.query: q", q.len())?;
        let q = q.as_array().to_vec();
        let (mut ids, mut cos, found) = self.query_rows(&q, k, probes)?;
        let n = found.first().copied().unwrap_or(0);
        ids.truncate(n);
        cos.truncate(n);
        Ok((ids.into_pyarray(py), cos.into_pyarray(py)))
    }
    /// [`LshIndex.query`] for each row of `qs` (`[q, dim]`): `(ids [q, k],
    /// cosines [q, k])`, padded with id −1 and cosine −inf where fewer than
    /// `k` were found. The same ids as the `lsh.index` kernel.
    #[pyo3(signature = (qs, k = 10, probes = DEFAULT_PROBES))]
    fn query_batch<'py>(
        &self,
        py: Python<'py>,
        qs: PyReadonlyArray2<'py, f32>,
        k: usize,
        probes: usize,
    ) -> PyResult<Neighbours2<'py>> {
        let (n, d) = (qs.shape()[0], qs.shape()[1]);
        self.check_dim("LshIndex.query_batch: rows", d)?;
        let flat: Vec<f32> = qs.as_array().iter().copied().collect();
        let (ids, cos, _) =
            if n == 0 { (vec![], vec![], vec![]) } else { self.query_rows(&flat, k, probes)? };
        Ok((ids.into_pyarray(py).reshape([n, k])?, cos.into_pyarray(py).reshape([n, k])?))
    }
    /// Checks the internal invariants (tables sorted, each live item once,
    /// codes those of the stored vectors); raises `ValueError` if broken.
    fn check(&mut self) -> PyResult<()> {
        self.idx.check_invariants().map_err(err)
    }
}
