//! `LshIndex`: the core's run-time-sized index over storage the object owns.

use numpy::{
    IntoPyArray, PyArray1, PyArray2, PyArrayMethods, PyReadonlyArray1, PyReadonlyArray2,
    PyUntypedArrayMethods,
};
use pyo3::prelude::*;

use plasticore::lsh::index::{
    index_planes, Entry, LshIndexMut, Neighbor, Probe, QueryScratch, DEFAULT_BITS, DEFAULT_PROBES,
    DEFAULT_TABLES,
};

use crate::err;

/// Query results: ids and cosines.
type Neighbours1<'py> = (Bound<'py, PyArray1<i64>>, Bound<'py, PyArray1<f32>>);
/// Batch query results: ids and cosines, one row per query.
type Neighbours2<'py> = (Bound<'py, PyArray2<i64>>, Bound<'py, PyArray2<f32>>);

/// A fixed-capacity LSH index of float32 vectors (the core's
/// `LshIndexMut` over storage this object owns): random-hyperplane tables,
/// multiprobe queries, re-ranking by cosine. The same index as the
/// `lsh.index` kernel builds for the same seed and settings.
#[pyclass(module = "plasticore")]
pub(crate) struct LshIndex {
    d: usize,
    tables: usize,
    bits: usize,
    planes: Vec<f32>,
    center: Vec<f32>,
    vectors: Vec<f32>,
    live: Vec<bool>,
    entries: Vec<Entry>,
}

impl LshIndex {
    fn with<R>(
        &mut self,
        f: impl FnOnce(&mut LshIndexMut<'_>) -> Result<R, plasticore::Error>,
    ) -> PyResult<R> {
        let mut idx = LshIndexMut::reopen(
            self.d,
            self.tables,
            self.bits,
            &self.planes,
            &mut self.center,
            &mut self.vectors,
            &mut self.live,
            &mut self.entries,
        )
        .map_err(err)?;
        f(&mut idx).map_err(err)
    }

    /// `what` has `got` values where the index takes `dim`.
    fn check_dim(&self, what: &str, got: usize) -> PyResult<()> {
        if got == self.d {
            return Ok(());
        }
        Err(err(format!(
            "{what}: {got} values, but the index takes {}",
            self.d
        )))
    }

    fn query_rows(
        &mut self,
        qs: &[f32],
        k: usize,
        probes: usize,
    ) -> PyResult<(Vec<i64>, Vec<f32>, Vec<usize>)> {
        let (t, b, cap) = (self.tables, self.bits, self.live.len());
        let (mut proj, mut order) = (vec![0.0f32; t * b], vec![0u8; t * b]);
        let mut heap = vec![Probe::default(); t + 2 * probes];
        let mut seen = vec![false; cap];
        let mut res = vec![Neighbor::NONE; k];
        let (mut ids, mut cos, mut found) = (vec![], vec![], vec![]);
        let d = self.d;
        self.with(|idx| {
            let mut sc = QueryScratch {
                proj: &mut proj,
                order: &mut order,
                heap: &mut heap,
                seen: &mut seen,
            };
            for q in qs.chunks(d) {
                let st = idx.query(q, probes, &mut sc, &mut res)?;
                found.push(st.found);
                for r in &res {
                    ids.push(if r.id == u32::MAX { -1 } else { r.id as i64 });
                    cos.push(r.cosine);
                }
            }
            Ok(())
        })?;
        Ok((ids, cos, found))
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
        let np = tables
            .checked_mul(dim)
            .and_then(|v| v.checked_mul(bits))
            .filter(|&v| v <= 1 << 28)
            .ok_or_else(|| err("LshIndex: tables * dim * bits is too large"))?;
        let vlen = capacity
            .checked_mul(dim)
            .filter(|&v| v <= 1 << 32)
            .ok_or_else(|| err("LshIndex: capacity * dim is too large"))?;
        let elen = capacity
            .checked_mul(tables)
            .filter(|&v| v <= 1 << 32)
            .ok_or_else(|| err("LshIndex: capacity * tables is too large"))?;
        let mut planes = vec![0.0; np];
        index_planes(seed, &mut planes);
        let mut s = LshIndex {
            d: dim,
            tables,
            bits,
            planes,
            center: vec![0.0; dim],
            vectors: vec![0.0; vlen],
            live: vec![false; capacity],
            entries: vec![Entry::default(); elen],
        };
        s.with(|_| Ok(()))?;
        Ok(s)
    }
    /// Vector dimension.
    #[getter]
    fn dim(&self) -> usize {
        self.d
    }
    /// Maximum number of items.
    #[getter]
    fn capacity(&self) -> usize {
        self.live.len()
    }
    fn __len__(&self) -> usize {
        self.live.iter().filter(|&&l| l).count()
    }
    fn __contains__(&self, id: i64) -> bool {
        usize::try_from(id)
            .ok()
            .and_then(|i| self.live.get(i).copied())
            .unwrap_or(false)
    }
    /// Inserts one vector (`[dim]`, float32); returns its id.
    fn insert(&mut self, x: PyReadonlyArray1<'_, f32>) -> PyResult<u32> {
        let x = x.as_array().to_vec();
        self.with(|idx| idx.insert(&x))
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
        self.with(|idx| idx.insert_all(&flat, &mut ids))?;
        Ok(ids.into_pyarray(py))
    }
    /// Removes item `id`.
    fn remove(&mut self, id: u32) -> PyResult<()> {
        self.with(|idx| idx.remove(id))
    }
    /// Re-centres the hashing on the mean of the stored items (re-hashes them).
    fn recenter(&mut self) -> PyResult<()> {
        self.with(|idx| {
            idx.recenter();
            Ok(())
        })
    }
    /// Removes every item.
    fn clear(&mut self) -> PyResult<()> {
        self.with(|idx| {
            idx.clear();
            Ok(())
        })
    }
    /// The `k` stored items nearest to `q` (`[dim]`) by cosine among the
    /// candidates of `probes` buckets, nearest first: `(ids, cosines)`, as
    /// many as were found (at most `k`).
    #[pyo3(signature = (q, k = 10, probes = DEFAULT_PROBES))]
    fn query<'py>(
        &mut self,
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
        &mut self,
        py: Python<'py>,
        qs: PyReadonlyArray2<'py, f32>,
        k: usize,
        probes: usize,
    ) -> PyResult<Neighbours2<'py>> {
        let (n, d) = (qs.shape()[0], qs.shape()[1]);
        self.check_dim("LshIndex.query_batch: rows", d)?;
        let flat: Vec<f32> = qs.as_array().iter().copied().collect();
        let (ids, cos, _) = if n == 0 {
            (vec![], vec![], vec![])
        } else {
            self.query_rows(&flat, k, probes)?
        };
        Ok((
            ids.into_pyarray(py).reshape([n, k])?,
            cos.into_pyarray(py).reshape([n, k])?,
        ))
    }
    /// Checks the internal invariants (tables sorted, each live item once,
    /// codes those of the stored vectors); raises `ValueError` if broken.
    fn check(&mut self) -> PyResult<()> {
        let mut r = Ok(());
        self.with(|idx| {
            r = idx.check_invariants();
            Ok(())
        })?;
        r.map_err(err)
    }
}
