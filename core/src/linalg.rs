//! Dense linear algebra over slices: dot, axpy, matvec, matmul, with explicit
//! row-major (C) or column-major (Fortran) layouts, plus const-generic
//! [`Vector`] and [`Matrix`] types whose sizes are compile-time facts.
//!
//! **Summation order.** Every reduction uses the same fixed order: eight
//! interleaved partial sums `acc[l] = Σ_k a[8k+l]·b[8k+l]`, the tail added to
//! lanes 0.., then `((acc0+acc1)+(acc2+acc3)) + ((acc4+acc5)+(acc6+acc7))`.
//! No fused multiply-add is used. The result is therefore bit-identical on
//! every target and for every layout: [`matvec`] row `i` equals
//! [`dot`]`(row_i, x)` to the bit, whatever the matrix layout.

use crate::error::{check_len, check_nonempty, Error};

/// Lanes of the fixed reduction order.
const LANES: usize = 8;

/// How a matrix is laid out in its slice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Layout {
    /// C order: element (i, j) at `i * cols + j`.
    RowMajor,
    /// Fortran / MATLAB order: element (i, j) at `i + j * rows`.
    ColMajor,
}

impl Layout {
    /// Flat index of element (i, j) of a `rows × cols` matrix.
    #[inline]
    pub fn index(self, i: usize, j: usize, rows: usize, cols: usize) -> usize {
        match self {
            Layout::RowMajor => i * cols + j,
            Layout::ColMajor => i + j * rows,
        }
    }

    /// (row stride, column stride) of a `rows × cols` matrix.
    #[inline]
    pub fn strides(self, rows: usize, cols: usize) -> (usize, usize) {
        match self {
            Layout::RowMajor => (cols, 1),
            Layout::ColMajor => (1, rows),
        }
    }
}

/// A borrowed `rows × cols` matrix with a layout; the length is checked once, at construction.
#[derive(Debug, Clone, Copy)]
pub struct MatRef<'a> {
    data: &'a [f32],
    rows: usize,
    cols: usize,
    layout: Layout,
}

impl<'a> MatRef<'a> {
    /// Wraps `data` as a `rows × cols` matrix. Errors if `data.len() != rows * cols`
    /// or a dimension is zero.
    pub fn new(data: &'a [f32], rows: usize, cols: usize, layout: Layout) -> Result<Self, Error> {
        check_nonempty("rows", rows)?;
        check_nonempty("cols", cols)?;
        let n = rows.checked_mul(cols).ok_or(Error::InvalidArgument {
            what: "rows * cols",
            expected: "a size that fits in usize",
        })?;
        check_len("matrix data", n, data.len())?;
        Ok(MatRef {
            data,
            rows,
            cols,
            layout,
        })
    }
    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.rows
    }
    /// Number of columns.
    pub fn cols(&self) -> usize {
        self.cols
    }
    /// The layout.
    pub fn layout(&self) -> Layout {
        self.layout
    }
    /// The underlying slice.
    pub fn data(&self) -> &'a [f32] {
        self.data
    }
    /// Element (i, j), or `None` out of bounds.
    pub fn get(&self, i: usize, j: usize) -> Option<f32> {
        if i < self.rows && j < self.cols {
            self.data
                .get(self.layout.index(i, j, self.rows, self.cols))
                .copied()
        } else {
            None
        }
    }
}

/// A mutable `rows × cols` matrix with a layout.
#[derive(Debug)]
pub struct MatMut<'a> {
    data: &'a mut [f32],
    rows: usize,
    cols: usize,
    layout: Layout,
}

impl<'a> MatMut<'a> {
    /// Wraps `data` as a `rows × cols` matrix; errors as [`MatRef::new`].
    pub fn new(
        data: &'a mut [f32],
        rows: usize,
        cols: usize,
        layout: Layout,
    ) -> Result<Self, Error> {
        MatRef::new(data, rows, cols, layout)?;
        Ok(MatMut {
            data,
            rows,
            cols,
            layout,
        })
    }
    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.rows
    }
    /// Number of columns.
    pub fn cols(&self) -> usize {
        self.cols
    }
    /// The layout.
    pub fn layout(&self) -> Layout {
        self.layout
    }
    /// The underlying slice.
    pub fn data(&mut self) -> &mut [f32] {
        self.data
    }
}

/// Fixed-order reduction of eight lanes.
#[inline(always)]
fn reduce(acc: [f32; LANES]) -> f32 {
    ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]))
}

/// Σ a_i b_i over the common length, in the crate's fixed order. Lengths are
/// the caller's business (the shorter one wins); public kernels check them.
#[inline]
pub(crate) fn dot_unchecked(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0.0f32; LANES];
    let ca = a.chunks_exact(LANES);
    let cb = b.chunks_exact(LANES);
    let (ta, tb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        acc[0] += x[0] * y[0];
        acc[1] += x[1] * y[1];
        acc[2] += x[2] * y[2];
        acc[3] += x[3] * y[3];
        acc[4] += x[4] * y[4];
        acc[5] += x[5] * y[5];
        acc[6] += x[6] * y[6];
        acc[7] += x[7] * y[7];
    }
    for ((l, x), y) in acc.iter_mut().zip(ta).zip(tb) {
        *l += x * y;
    }
    reduce(acc)
}

/// Σ_k a[k·sa] b[k·sb] for k < n, in the same order as [`dot_unchecked`]
/// (so a strided dot equals the contiguous one bit for bit). Out-of-range
/// indices are the caller's invariant; they are skipped rather than panicking.
#[inline]
fn dot_strided(a: &[f32], sa: usize, b: &[f32], sb: usize, n: usize) -> f32 {
    if sa == 1 && sb == 1 {
        return dot_unchecked(&a[..n.min(a.len())], &b[..n.min(b.len())]);
    }
    let mut acc = [0.0f32; LANES];
    let mut ia = a.iter().step_by(sa.max(1));
    let mut ib = b.iter().step_by(sb.max(1));
    for k in 0..n {
        match (ia.next(), ib.next()) {
            (Some(x), Some(y)) => acc[k % LANES] += x * y,
            _ => break,
        }
    }
    reduce(acc)
}

/// Dot product Σ a_i b_i.
///
/// Errors: [`Error::ShapeMismatch`] if the lengths differ. An empty pair gives 0.
///
/// ```
/// let s = plasticore::linalg::dot(&[1.0, 2.0, 3.0], &[4.0, 5.0, 6.0]).unwrap();
/// assert_eq!(s, 32.0);
/// ```
pub fn dot(a: &[f32], b: &[f32]) -> Result<f32, Error> {
    check_len("b", a.len(), b.len())?;
    Ok(dot_unchecked(a, b))
}

/// y ← αx + y (BLAS saxpy).
///
/// Errors: [`Error::ShapeMismatch`] if the lengths differ; `y` is untouched then.
pub fn axpy(alpha: f32, x: &[f32], y: &mut [f32]) -> Result<(), Error> {
    check_len("y", x.len(), y.len())?;
    for (yi, xi) in y.iter_mut().zip(x) {
        *yi += alpha * xi;
    }
    Ok(())
}

/// out ← M x for a `rows × cols` matrix M in either layout.
///
/// Row i of the result equals `dot(row_i(M), x)` bit for bit, in both layouts.
/// Errors: [`Error::ShapeMismatch`] if `x.len() != cols` or `out.len() != rows`.
pub fn matvec(m: &MatRef<'_>, x: &[f32], out: &mut [f32]) -> Result<(), Error> {
    check_len("x", m.cols, x.len())?;
    check_len("out", m.rows, out.len())?;
    match m.layout {
        Layout::RowMajor => {
            for (o, row) in out.iter_mut().zip(m.data.chunks_exact(m.cols)) {
                *o = dot_unchecked(row, x);
            }
        }
        Layout::ColMajor => {
            for (i, o) in out.iter_mut().enumerate() {
                *o = dot_strided(m.data.get(i..).unwrap_or(&[]), m.rows, x, 1, m.cols);
            }
        }
    }
    Ok(())
}

/// out ← A B for `A: m × k`, `B: k × n`, `out: m × n`, each in its own layout.
///
/// Element (i, j) equals `dot(row_i(A), col_j(B))` bit for bit.
/// Errors: [`Error::ShapeMismatch`] if the inner or outer dimensions disagree.
pub fn matmul(a: &MatRef<'_>, b: &MatRef<'_>, out: &mut MatMut<'_>) -> Result<(), Error> {
    check_len("b rows", a.cols, b.rows)?;
    check_len("out rows", a.rows, out.rows)?;
    check_len("out cols", b.cols, out.cols)?;
    let k = a.cols;
    let (ars, acs) = a.layout.strides(a.rows, a.cols);
    let (brs, bcs) = b.layout.strides(b.rows, b.cols);
    let (m, n) = (out.rows, out.cols);
    for i in 0..m {
        let arow = a.data.get(i * ars..).unwrap_or(&[]);
        for j in 0..n {
            let bcol = b.data.get(j * bcs..).unwrap_or(&[]);
            let v = dot_strided(arow, acs, bcol, brs, k);
            let idx = out.layout.index(i, j, m, n);
            if let Some(o) = out.data.get_mut(idx) {
                *o = v;
            }
        }
    }
    Ok(())
}

/// A vector of `N` f32 with its size in the type.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Vector<const N: usize>(pub [f32; N]);

impl<const N: usize> Vector<N> {
    /// The zero vector.
    pub const fn zeros() -> Self {
        Vector([0.0; N])
    }
    /// Dot product; sizes agree by construction.
    pub fn dot(&self, other: &Vector<N>) -> f32 {
        dot_unchecked(&self.0, &other.0)
    }
    /// self ← αx + self.
    pub fn axpy(&mut self, alpha: f32, x: &Vector<N>) {
        for (yi, xi) in self.0.iter_mut().zip(&x.0) {
            *yi += alpha * xi;
        }
    }
    /// The elements as a slice.
    pub fn as_slice(&self) -> &[f32] {
        &self.0
    }
}

impl<const N: usize> Default for Vector<N> {
    fn default() -> Self {
        Self::zeros()
    }
}

/// A row-major `R × C` matrix with its shape in the type: no run-time shape checks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Matrix<const R: usize, const C: usize>(pub [[f32; C]; R]);

impl<const R: usize, const C: usize> Matrix<R, C> {
    /// The zero matrix.
    pub const fn zeros() -> Self {
        Matrix([[0.0; C]; R])
    }
    /// out ← M x. Row i equals `dot(row_i, x)` bit for bit (same order as [`matvec`]).
    pub fn matvec(&self, x: &Vector<C>) -> Vector<R> {
        let mut out = Vector::<R>::zeros();
        for (o, row) in out.0.iter_mut().zip(&self.0) {
            *o = dot_unchecked(row, &x.0);
        }
        out
    }
    /// out ← M x into a caller buffer (no `R`-sized return value on the stack).
    pub fn matvec_into(&self, x: &[f32; C], out: &mut [f32; R]) {
        for (o, row) in out.iter_mut().zip(&self.0) {
            *o = dot_unchecked(row, x);
        }
    }
    /// Element (i, j), or `None` out of bounds.
    pub fn get(&self, i: usize, j: usize) -> Option<f32> {
        self.0.get(i).and_then(|r| r.get(j)).copied()
    }
    /// A run-time view of the same data (row-major).
    pub fn as_mat_ref(&self) -> MatRef<'_> {
        MatRef {
            data: self.0.as_flattened(),
            rows: R,
            cols: C,
            layout: Layout::RowMajor,
        }
    }
}

impl<const R: usize, const C: usize> Default for Matrix<R, C> {
    fn default() -> Self {
        Self::zeros()
    }
}
