//! Dense linear algebra over slices: dot, axpy, matvec, matmul, with explicit
//! row-major (C) or column-major (Fortran) layouts, plus const-generic
//! [`Vector`] and [`Matrix`] types whose sizes are compile-time facts.
//!
//! **Summation order.** Every reduction has a fixed order. [`dot`] uses eight
//! interleaved partial sums `acc[l] = Σ_k a[8k+l]·b[8k+l]`, the tail added to
//! lanes 0.., then `((acc0+acc1)+(acc2+acc3)) + ((acc4+acc5)+(acc6+acc7))`;
//! [`matvec`] and [`matmul`] sum
//! each output sequentially (CMSIS-DSP's order), blocking rows so that each
//! x_j is loaded once per block. No fused multiply-add is used. The
//! results are therefore bit-identical on every target and for every layout.

use crate::error::{check_len, check_nonempty, Error};
use crate::slices::{rows, rows_mut, split};

#[cfg(plasticore_arm_fpu)]
#[allow(unsafe_code)]
mod fpu;

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
    ///
    /// # Errors
    /// [`Error::Empty`] for a zero dimension; [`Error::InvalidArgument`] if `rows·cols`
    /// overflows; [`Error::ShapeMismatch`] if `data.len() != rows·cols`.
    pub fn new(data: &'a [f32], rows: usize, cols: usize, layout: Layout) -> Result<Self, Error> {
        check_nonempty("rows", rows)?;
        check_nonempty("cols", cols)?;
        let n = rows.checked_mul(cols).ok_or(Error::InvalidArgument {
            what: "rows * cols",
            expected: "a size that fits in usize",
        })?;
        check_len("matrix data", n, data.len())?;
        Ok(MatRef { data, rows, cols, layout })
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
            self.data.get(self.layout.index(i, j, self.rows, self.cols)).copied()
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
    /// Wraps `data` as a `rows × cols` matrix.
    ///
    /// # Errors
    /// As [`MatRef::new`].
    pub fn new(
        data: &'a mut [f32],
        rows: usize,
        cols: usize,
        layout: Layout,
    ) -> Result<Self, Error> {
        MatRef::new(data, rows, cols, layout)?;
        Ok(MatMut { data, rows, cols, layout })
    }
    /// The matrix, read only (its sizes, layout and elements).
    pub fn as_ref(&self) -> MatRef<'_> {
        MatRef { data: self.data, rows: self.rows, cols: self.cols, layout: self.layout }
    }
    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.as_ref().rows()
    }
    /// Number of columns.
    pub fn cols(&self) -> usize {
        self.as_ref().cols()
    }
    /// The layout.
    pub fn layout(&self) -> Layout {
        self.as_ref().layout()
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
    let n = a.len().min(b.len());
    let (a, b) = (split(a, n).0, split(b, n).0);
    let mut acc = [0.0f32; LANES];
    #[cfg(plasticore_arm_fpu)]
    let (ta, tb) = {
        let done = fpu::dot_lanes(a, b, &mut acc);
        (split(a, done).1, split(b, done).1)
    };
    #[cfg(not(plasticore_arm_fpu))]
    let (ta, tb) = {
        // Arrays of 8, not `chunks_exact`: no bounds checks, and no division in
        // `Zip` for the no-panic check to trip on at any opt-level.
        let (ca, ta) = a.as_chunks::<LANES>();
        let (cb, tb) = b.as_chunks::<LANES>();
        for (x, y) in ca.iter().zip(cb) {
            acc[0] += x[0] * y[0];
            acc[1] += x[1] * y[1];
            acc[2] += x[2] * y[2];
            acc[3] += x[3] * y[3];
            acc[4] += x[4] * y[4];
            acc[5] += x[5] * y[5];
            acc[6] += x[6] * y[6];
            acc[7] += x[7] * y[7];
        }
        (ta, tb)
    };
    for ((l, x), y) in acc.iter_mut().zip(ta).zip(tb) {
        *l += x * y;
    }
    reduce(acc)
}

/// Σ_k a[k·sa] b[k·sb] for k < n, summed sequentially in k (the order of
/// [`matvec`]). Out-of-range indices are the caller's invariant; they end the sum
/// rather than panic.
fn dot_seq_strided(a: &[f32], sa: usize, b: &[f32], sb: usize, n: usize) -> f32 {
    let mut acc = 0.0f32;
    for t in 0..n {
        let (Some(x), Some(y)) = (a.get(t * sa), b.get(t * sb)) else {
            break;
        };
        acc += x * y;
    }
    acc
}

/// Dot product Σ a_i b_i.
///
/// # Errors
/// [`Error::ShapeMismatch`] if the lengths differ. An empty pair gives 0.
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
/// # Errors
/// [`Error::ShapeMismatch`] if the lengths differ; `y` is untouched then.
pub fn axpy(alpha: f32, x: &[f32], y: &mut [f32]) -> Result<(), Error> {
    check_len("y", x.len(), y.len())?;
    for (yi, xi) in y.iter_mut().zip(x) {
        *yi += alpha * xi;
    }
    Ok(())
}

/// `acc + Σ_j m_j x_j`, added to `acc` one term at a time in j (the order of
/// [`matvec`]'s rows).
#[inline(always)]
fn add_seq(mut acc: f32, m: &[f32], x: &[f32]) -> f32 {
    for (&mj, &xj) in m.iter().zip(x) {
        acc += mj * xj;
    }
    acc
}

/// Rows computed together by [`matvec`]: each x_j is loaded once per block.
const MV_BLOCK: usize = 8;

/// out_i = Σ_j m_ij x_j, each row summed sequentially in j (as CMSIS-DSP's
/// `arm_mat_vec_mult_f32` does), rows in blocks of [`MV_BLOCK`] sharing the
/// loads of x. Row-major.
#[cfg(not(plasticore_arm_fpu))]
#[inline(always)]
fn matvec_row_major(m: &[f32], cols: usize, x: &[f32], out: &mut [f32]) {
    let blocks = out.len() / MV_BLOCK;
    let (ob, ot) = out.split_at_mut(blocks * MV_BLOCK);
    let (mb, mt) = m.split_at((blocks * MV_BLOCK * cols).min(m.len()));
    let x = &x[..cols.min(x.len())];
    for (o, block) in
        ob.as_chunks_mut::<MV_BLOCK>().0.iter_mut().zip(rows(mb, MV_BLOCK.saturating_mul(cols)))
    {
        let mut r = rows(block, cols);
        let mut row = || r.next().unwrap_or(&[]);
        let rs = [row(), row(), row(), row(), row(), row(), row(), row()];
        if rs.iter().any(|r| r.len() != x.len()) {
            continue; // cannot happen: every chunk has `cols` elements
        }
        let mut acc = [0.0f32; MV_BLOCK];
        let it = x.iter().zip(rs[0]).zip(rs[1]).zip(rs[2]).zip(rs[3]);
        let it = it.zip(rs[4]).zip(rs[5]).zip(rs[6]).zip(rs[7]);
        for ((((((((&xj, &m0), &m1), &m2), &m3), &m4), &m5), &m6), &m7) in it {
            acc[0] += m0 * xj;
            acc[1] += m1 * xj;
            acc[2] += m2 * xj;
            acc[3] += m3 * xj;
            acc[4] += m4 * xj;
            acc[5] += m5 * xj;
            acc[6] += m6 * xj;
            acc[7] += m7 * xj;
        }
        crate::slices::copy(o, &acc);
    }
    for (o, row) in ot.iter_mut().zip(rows(mt, cols)) {
        *o = add_seq(0.0, row, x);
    }
}

/// [`matvec_row_major`] on an FPU core: rows in blocks of [`fpu::ROWS`]
/// summed by `VLDM`/`VMLA` over whole groups of four columns, then each row's
/// last columns in turn, then the rows left over; the same sums in the same order.
#[cfg(plasticore_arm_fpu)]
#[inline(always)]
fn matvec_row_major(m: &[f32], cols: usize, x: &[f32], out: &mut [f32]) {
    let blocks = out.len() / fpu::ROWS;
    let (ob, ot) = out.split_at_mut(blocks * fpu::ROWS);
    let (mb, mt) = m.split_at((blocks * fpu::ROWS * cols).min(m.len()));
    let x = &x[..cols.min(x.len())];
    for (o, block) in ob
        .as_chunks_mut::<{ fpu::ROWS }>()
        .0
        .iter_mut()
        .zip(rows(mb, fpu::ROWS.saturating_mul(cols)))
    {
        let done = fpu::matvec_rows4(block, cols, x, o);
        for (oi, row) in o.iter_mut().zip(rows(block, cols)) {
            *oi = add_seq(*oi, split(row, done).1, split(x, done).1);
        }
    }
    for (o, row) in ot.iter_mut().zip(rows(mt, cols)) {
        *o = add_seq(0.0, row, x);
    }
}

/// The same sums as [`matvec_row_major`], in the same order, for a column-major M:
/// a block of [`MV_BLOCK`] rows is kept in registers while the columns stream by.
#[inline(always)]
fn matvec_col_major(m: &[f32], rows: usize, x: &[f32], out: &mut [f32]) {
    let blocks = out.len() / MV_BLOCK;
    for (b, o) in out.as_chunks_mut::<MV_BLOCK>().0.iter_mut().enumerate() {
        let mut acc = [0.0f32; MV_BLOCK];
        for (&xj, col) in x.iter().zip(m.chunks_exact(rows.max(1))) {
            if let Some(c) = col.get(b * MV_BLOCK..(b + 1) * MV_BLOCK) {
                for (a, &mij) in acc.iter_mut().zip(c) {
                    *a += mij * xj;
                }
            }
        }
        *o = acc;
    }
    let tail = blocks * MV_BLOCK;
    for (i, o) in out.iter_mut().enumerate().skip(tail) {
        let (mut a, mut at) = (0.0f32, i);
        for &xj in x {
            a += m.get(at).copied().unwrap_or(0.0) * xj;
            at += rows;
        }
        *o = a;
    }
}

/// out ← M x for a `rows × cols` matrix M in either layout.
///
/// Each row is summed sequentially over j (the order of CMSIS-DSP's
/// `arm_mat_vec_mult_f32`), so the result is bit-identical for both layouts
/// and on every target.
///
/// # Errors
/// [`Error::ShapeMismatch`] if `x.len() != cols`
/// or `out.len() != rows`; `out` is untouched then.
pub fn matvec(m: &MatRef<'_>, x: &[f32], out: &mut [f32]) -> Result<(), Error> {
    check_len("x", m.cols, x.len())?;
    check_len("out", m.rows, out.len())?;
    match m.layout {
        Layout::RowMajor => matvec_row_major(m.data, m.cols, x, out),
        Layout::ColMajor => matvec_col_major(m.data, m.rows, x, out),
    }
    Ok(())
}

/// out ← A B for `A: m × k`, `B: k × n`, `out: m × n`, each in its own layout.
///
/// Element (i, j) is Σ_k a_ik b_kj summed sequentially in k, the order of
/// [`matvec`], whatever the layouts: row-major A with row-major B runs as
/// `m` column-major matrix-vector products (Bᵀ's rows are B's columns),
/// row-major A with column-major B as `m` row-major ones, anything else
/// through a strided loop with the same order. The result is bit-identical
/// for every combination of layouts.
///
/// # Errors
/// [`Error::ShapeMismatch`] if the inner or outer dimensions disagree.
pub fn matmul(a: &MatRef<'_>, b: &MatRef<'_>, out: &mut MatMut<'_>) -> Result<(), Error> {
    check_len("b rows", a.cols, b.rows)?;
    check_len("out rows", a.rows, out.rows)?;
    check_len("out cols", b.cols, out.cols)?;
    let (m, k, n) = (a.rows, a.cols, b.cols);
    match (a.layout, b.layout, out.layout) {
        (Layout::RowMajor, Layout::RowMajor, Layout::RowMajor) => {
            for (arow, orow) in rows(a.data, k).zip(rows_mut(out.data, n)) {
                // out_i = Bᵀ a_i with Bᵀ column-major (n × k).
                matvec_col_major(b.data, n, arow, orow);
            }
        }
        (Layout::RowMajor, Layout::ColMajor, Layout::RowMajor) => {
            for (arow, orow) in rows(a.data, k).zip(rows_mut(out.data, n)) {
                // out_i = Bᵀ a_i with Bᵀ row-major (n × k).
                matvec_row_major(b.data, k, arow, orow);
            }
        }
        _ => {
            let (ars, acs) = a.layout.strides(m, k);
            let (brs, bcs) = b.layout.strides(k, n);
            for i in 0..m {
                let arow = a.data.get(i * ars..).unwrap_or(&[]);
                for j in 0..n {
                    let bcol = b.data.get(j * bcs..).unwrap_or(&[]);
                    let v = dot_seq_strided(arow, acs, bcol, brs, k);
                    if let Some(o) = out.data.get_mut(out.layout.index(i, j, m, n)) {
                        *o = v;
                    }
                }
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
    /// out ← M x, bit-identical to [`matvec`] on the same data.
    pub fn matvec(&self, x: &Vector<C>) -> Vector<R> {
        let mut out = Vector::<R>::zeros();
        self.matvec_into(&x.0, &mut out.0);
        out
    }
    /// out ← M x into a caller buffer (no `R`-sized return value on the stack).
    pub fn matvec_into(&self, x: &[f32; C], out: &mut [f32; R]) {
        matvec_row_major(self.0.as_flattened(), C, x, out);
    }
    /// Element (i, j), or `None` out of bounds.
    pub fn get(&self, i: usize, j: usize) -> Option<f32> {
        self.0.get(i).and_then(|r| r.get(j)).copied()
    }
    /// A run-time view of the same data (row-major).
    pub fn as_mat_ref(&self) -> MatRef<'_> {
        MatRef { data: self.0.as_flattened(), rows: R, cols: C, layout: Layout::RowMajor }
    }
}

impl<const R: usize, const C: usize> Default for Matrix<R, C> {
    fn default() -> Self {
        Self::zeros()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;
    use proptest::prelude::*;

    fn rand_vec(seed: u64, n: usize) -> [f32; 64] {
        let mut r = Rng::new(seed);
        let mut v = [0.0f32; 64];
        r.fill_uniform(&mut v[..n], -1.0, 1.0);
        v
    }

    fn dot64(a: &[f32], b: &[f32]) -> f64 {
        a.iter().zip(b).map(|(&x, &y)| x as f64 * y as f64).sum()
    }

    /// Transposes a row-major r × c matrix into `out` (row-major c × r).
    fn transpose(m: &[f32], r: usize, c: usize, out: &mut [f32]) {
        for i in 0..r {
            for j in 0..c {
                out[j * r + i] = m[i * c + j];
            }
        }
    }

    #[test]
    fn dot_matches_f64_reference_at_every_length() {
        for n in 0..=64 {
            let (a, b) = (rand_vec(1, n), rand_vec(2, n));
            let got = dot(&a[..n], &b[..n]).unwrap() as f64;
            assert!((got - dot64(&a[..n], &b[..n])).abs() < 1e-5, "n = {n}");
        }
    }

    #[test]
    fn unchecked_dot_sums_the_common_length() {
        // Integers: every partial sum is exact, so the order cannot matter.
        assert_eq!(dot_unchecked(&[1.0; 16], &[1.0; 9]), 9.0);
        assert_eq!(dot_unchecked(&[2.0; 3], &[3.0; 40]), 18.0);
        assert_eq!(dot_unchecked(&[1.0; 25], &[1.0; 33]), 25.0);
    }

    #[test]
    fn shape_errors_leave_outputs_untouched() {
        assert_eq!(
            dot(&[1.0, 2.0], &[1.0]),
            Err(Error::ShapeMismatch { what: "b", expected: 2, found: 1 })
        );
        let mut y = [5.0; 3];
        assert!(axpy(1.0, &[1.0; 2], &mut y).is_err());
        assert_eq!(y, [5.0; 3]);
        assert!(MatRef::new(&[0.0; 5], 2, 3, Layout::RowMajor).is_err());
        assert_eq!(
            MatRef::new(&[], 0, 3, Layout::RowMajor).unwrap_err(),
            Error::Empty { what: "rows" }
        );
        assert!(MatRef::new(&[0.0; 4], usize::MAX, 2, Layout::RowMajor).is_err());
        let m = MatRef::new(&[1.0; 6], 2, 3, Layout::RowMajor).unwrap();
        let mut out = [9.0; 2];
        assert!(matvec(&m, &[1.0; 2], &mut out).is_err());
        assert!(matvec(&m, &[1.0; 3], &mut out[..1]).is_err());
        assert_eq!(out, [9.0; 2]);
        let mut o = [0.0; 4];
        let mut om = MatMut::new(&mut o, 2, 2, Layout::RowMajor).unwrap();
        assert!(matmul(&m, &m, &mut om).is_err());
    }

    #[test]
    fn axpy_is_alpha_x_plus_y() {
        let mut y = [1.0, 2.0, 3.0];
        axpy(2.0, &[1.0, -1.0, 0.5], &mut y).unwrap();
        assert_eq!(y, [3.0, 0.0, 4.0]);
    }

    #[test]
    fn layout_indexing_matches_numpy() {
        // np.arange(6).reshape(2, 3, order=...) element (1, 2).
        assert_eq!(Layout::RowMajor.index(1, 2, 2, 3), 5);
        assert_eq!(Layout::ColMajor.index(1, 2, 2, 3), 5);
        assert_eq!(Layout::ColMajor.index(1, 0, 2, 3), 1);
        assert_eq!(Layout::RowMajor.index(1, 0, 2, 3), 3);
    }

    #[test]
    fn const_generic_types_agree_with_slice_kernels() {
        let mut r = Rng::new(3);
        let mut m = Matrix::<5, 7>::zeros();
        for row in m.0.iter_mut() {
            r.fill_uniform(row, -1.0, 1.0);
        }
        let mut x = Vector::<7>::zeros();
        r.fill_uniform(&mut x.0, -1.0, 1.0);
        let y = m.matvec(&x);
        let mut want = [0.0; 5];
        matvec(&m.as_mat_ref(), &x.0, &mut want).unwrap();
        assert_eq!(y.0, want);
        assert_eq!(x.dot(&x), dot(&x.0, &x.0).unwrap());
        assert_eq!(m.get(4, 6), Some(m.0[4][6]));
        assert_eq!(m.get(5, 0), None);
    }

    proptest! {
        #[test]
        fn matvec_is_bit_identical_across_layouts_and_close_to_f64(
            r in 1usize..20, c in 1usize..20, seed in 0u64..1000
        ) {
            let mut g = Rng::new(seed);
            let mut a = [0.0f32; 400];
            g.fill_uniform(&mut a[..r * c], -2.0, 2.0);
            let mut x = [0.0f32; 20];
            g.fill_uniform(&mut x[..c], -2.0, 2.0);
            let mut at = [0.0f32; 400];
            transpose(&a[..r * c], r, c, &mut at[..r * c]);
            let row = MatRef::new(&a[..r * c], r, c, Layout::RowMajor).unwrap();
            let col = MatRef::new(&at[..r * c], r, c, Layout::ColMajor).unwrap();
            let (mut o1, mut o2) = ([0.0f32; 20], [0.0f32; 20]);
            matvec(&row, &x[..c], &mut o1[..r]).unwrap();
            matvec(&col, &x[..c], &mut o2[..r]).unwrap();
            prop_assert_eq!(o1, o2);
            for i in 0..r {
                let want = dot64(&a[i * c..(i + 1) * c], &x[..c]);
                prop_assert!((o1[i] as f64 - want).abs() < 1e-4);
            }
        }

        #[test]
        fn matmul_is_bit_identical_across_layouts_and_close_to_f64(
            m in 1usize..10, k in 1usize..10, n in 1usize..10, seed in 0u64..1000
        ) {
            let mut g = Rng::new(seed);
            let (mut a, mut b) = ([0.0f32; 100], [0.0f32; 100]);
            g.fill_uniform(&mut a[..m * k], -1.0, 1.0);
            g.fill_uniform(&mut b[..k * n], -1.0, 1.0);
            let (mut at, mut bt) = ([0.0f32; 100], [0.0f32; 100]);
            transpose(&a[..m * k], m, k, &mut at[..m * k]);
            transpose(&b[..k * n], k, n, &mut bt[..k * n]);
            let mut reference = [0.0f32; 100];
            {
                let am = MatRef::new(&a[..m * k], m, k, Layout::RowMajor).unwrap();
                let bm = MatRef::new(&b[..k * n], k, n, Layout::RowMajor).unwrap();
                let mut om = MatMut::new(&mut reference[..m * n], m, n, Layout::RowMajor).unwrap();
                matmul(&am, &bm, &mut om).unwrap();
            }
            for i in 0..m {
                for j in 0..n {
                    let want: f64 = (0..k).map(|t| a[i * k + t] as f64 * b[t * n + j] as f64).sum();
                    prop_assert!((reference[i * n + j] as f64 - want).abs() < 1e-5);
                }
            }
            for (la, lb, lo) in [
                (Layout::RowMajor, Layout::ColMajor, Layout::RowMajor),
                (Layout::ColMajor, Layout::RowMajor, Layout::RowMajor),
                (Layout::ColMajor, Layout::ColMajor, Layout::ColMajor),
                (Layout::RowMajor, Layout::RowMajor, Layout::ColMajor),
            ] {
                let ad: &[f32] = if la == Layout::RowMajor { &a[..m * k] } else { &at[..m * k] };
                let bd: &[f32] = if lb == Layout::RowMajor { &b[..k * n] } else { &bt[..k * n] };
                let mut o = [0.0f32; 100];
                let am = MatRef::new(ad, m, k, la).unwrap();
                let bm = MatRef::new(bd, k, n, lb).unwrap();
                let mut om = MatMut::new(&mut o[..m * n], m, n, lo).unwrap();
                matmul(&am, &bm, &mut om).unwrap();
                for i in 0..m {
                    for j in 0..n {
                        prop_assert_eq!(o[lo.index(i, j, m, n)], reference[i * n + j]);
                    }
                }
            }
        }
    }
}
