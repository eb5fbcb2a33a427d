//! N-dimensional shapes, NumPy-style reshape in C or Fortran order, and the
//! MATLAB-style `vec` of a matrix.
//!
//! A tensor here is a flat slice plus a [`Shape`] (rank ≤ [`MAX_RANK`], held
//! inline, no allocation) plus the memory [`Layout`] of the slice:
//! `RowMajor` (C: last index fastest) or `ColMajor` (Fortran/MATLAB: first
//! index fastest). For rank > 2 these mean "C-contiguous" and "F-contiguous".
//!
//! **Reshape semantics** (`numpy.reshape(x, shape, order=o)`): read the
//! elements of `x` in index order `o` and write them into the new shape in
//! the same index order `o`. So the element at multi-index J of the result is
//! the element at multi-index I of `x` with `ravel_o(I) = ravel_o(J)`. The
//! memory layouts of input and output are independent of `o`: reshaping a
//! C-contiguous array with `order = F` permutes memory; with `order = C` it
//! is a copy.
//!
//! ```
//! use plasticore::linalg::Layout;
//! use plasticore::tensor::{reshape, Shape};
//! // np.arange(6).reshape(2, 3).reshape(3, 2, order='F') == [[0, 4], [3, 2], [1, 5]]
//! let x = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0];
//! let (from, to) = (Shape::new(&[2, 3]).unwrap(), Shape::new(&[3, 2]).unwrap());
//! let mut out = [0.0; 6];
//! reshape(&x, &from, Layout::RowMajor, &to, Layout::ColMajor, &mut out, Layout::RowMajor).unwrap();
//! assert_eq!(out, [0.0, 4.0, 3.0, 2.0, 1.0, 5.0]);
//! ```

use crate::error::{check_len, Error};
use crate::linalg::{Layout, MatRef};
use crate::slices::{copy, window};

/// Largest rank a [`Shape`] holds.
pub const MAX_RANK: usize = 8;

/// A tensor shape of rank ≤ [`MAX_RANK`], stored inline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Shape {
    dims: [usize; MAX_RANK],
    rank: usize,
}

const TOO_MANY_DIMS: Error =
    Error::InvalidArgument { what: "shape", expected: "at most 8 dimensions (tensor::MAX_RANK)" };

const TOO_BIG: Error =
    Error::InvalidArgument { what: "shape", expected: "a number of elements that fits in usize" };

impl Shape {
    /// The shape with the given dimensions (rank 0 = a scalar with one element;
    /// zero dimensions are allowed, giving an empty tensor, as in NumPy).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for rank > [`MAX_RANK`] or if the
    /// element count overflows `usize`.
    pub fn new(dims: &[usize]) -> Result<Shape, Error> {
        if dims.len() > MAX_RANK {
            return Err(TOO_MANY_DIMS);
        }
        let mut s = Shape { dims: [0; MAX_RANK], rank: dims.len() };
        copy(&mut s.dims, dims);
        dims.iter().try_fold(1usize, |a, &d| a.checked_mul(d)).ok_or(TOO_BIG)?;
        Ok(s)
    }

    /// NumPy's shape argument for a tensor of `total` elements: entries ≥ 0,
    /// at most one −1, which is inferred (`np.reshape(x, (2, -1))`).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for rank > [`MAX_RANK`], entries
    /// < −1, two −1s or a −1 that cannot be inferred; [`Error::ShapeMismatch`]
    /// for a product ≠ `total`.
    /// ```
    /// let s = plasticore::tensor::Shape::infer(&[2, -1, 3], 24).unwrap();
    /// assert_eq!(s.dims(), &[2, 4, 3]);
    /// ```
    pub fn infer(spec: &[i64], total: usize) -> Result<Shape, Error> {
        if spec.len() > MAX_RANK {
            return Err(TOO_MANY_DIMS);
        }
        let bad = Error::InvalidArgument {
            what: "shape",
            expected: "dimensions >= 0 and at most one -1",
        };
        let mut dims = [0usize; MAX_RANK];
        let mut unknown = None;
        let mut known = 1usize;
        for (k, &v) in spec.iter().enumerate() {
            if v == -1 {
                if unknown.replace(k).is_some() {
                    return Err(bad);
                }
            } else {
                let v = usize::try_from(v).map_err(|_| bad)?;
                if let Some(slot) = dims.get_mut(k) {
                    *slot = v;
                }
                known = known.checked_mul(v).ok_or(TOO_BIG)?;
            }
        }
        if let Some(k) = unknown {
            if known == 0 || !total.is_multiple_of(known) {
                return Err(Error::InvalidArgument {
                    what: "shape",
                    expected: "a -1 dimension that divides the element count",
                });
            }
            if let Some(slot) = dims.get_mut(k) {
                *slot = total / known;
            }
            known = total;
        }
        check_len("shape (element count)", total, known)?;
        Shape::new(&dims[..spec.len()])
    }

    /// The dimensions.
    pub fn dims(&self) -> &[usize] {
        window(&self.dims, 0, self.rank)
    }

    /// Number of dimensions.
    pub fn rank(&self) -> usize {
        self.rank
    }

    /// Number of elements (1 for rank 0).
    pub fn len(&self) -> usize {
        self.dims().iter().product()
    }

    /// True if some dimension is 0.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Element strides of a contiguous tensor of this shape in `layout`.
    pub fn strides(&self, layout: Layout) -> [usize; MAX_RANK] {
        let mut st = [0usize; MAX_RANK];
        let mut acc = 1usize;
        let pairs = st.iter_mut().zip(&self.dims).take(self.rank);
        match layout {
            // Saturating: with a zero dimension the product of the others
            // may exceed usize, and an empty tensor never uses its strides.
            Layout::RowMajor => pairs.rev().for_each(|(s, &d)| {
                *s = acc;
                acc = acc.saturating_mul(d);
            }),
            Layout::ColMajor => pairs.for_each(|(s, &d)| {
                *s = acc;
                acc = acc.saturating_mul(d);
            }),
        }
        st
    }
}

/// Walks the multi-indices of a shape in C or F index order, tracking the
/// memory offset for given strides.
struct Odometer {
    shape: Shape,
    strides: [usize; MAX_RANK],
    idx: [usize; MAX_RANK],
    offset: usize,
    order: Layout,
}

impl Odometer {
    fn new(shape: Shape, memory: Layout, order: Layout) -> Self {
        Odometer { shape, strides: shape.strides(memory), idx: [0; MAX_RANK], offset: 0, order }
    }

    fn advance_axis(&mut self, r: usize) -> bool {
        let (Some(i), Some(&stride), Some(&dim)) =
            (self.idx.get_mut(r), self.strides.get(r), self.shape.dims.get(r))
        else {
            return false;
        };
        *i += 1;
        self.offset = self.offset.wrapping_add(stride);
        if *i < dim {
            return true;
        }
        self.offset = self.offset.wrapping_sub(stride.wrapping_mul(dim));
        *i = 0;
        false
    }

    fn step(&mut self) {
        let rank = self.shape.rank;
        match self.order {
            Layout::RowMajor => {
                for r in (0..rank).rev() {
                    if self.advance_axis(r) {
                        return;
                    }
                }
            }
            Layout::ColMajor => {
                for r in 0..rank {
                    if self.advance_axis(r) {
                        return;
                    }
                }
            }
        }
    }
}

/// `out ← numpy.reshape(x, to, order)` (module docs) for `x` of shape `from`
/// stored in `x_layout`, the result stored in `out_layout`.
///
/// # Errors
/// [`Error::ShapeMismatch`] if `x.len() != from.len()`,
/// `to.len() != from.len()` or `out.len() != to.len()`; `out` is unchanged then.
pub fn reshape(
    x: &[f32],
    from: &Shape,
    x_layout: Layout,
    to: &Shape,
    order: Layout,
    out: &mut [f32],
    out_layout: Layout,
) -> Result<(), Error> {
    check_len("x", from.len(), x.len())?;
    check_len("shape (element count)", from.len(), to.len())?;
    check_len("out", to.len(), out.len())?;
    // Rank ≤ 1 tensors have the same memory order in both layouts.
    let same = |s: &Shape, l: Layout| s.rank() <= 1 || l == order;
    if same(from, x_layout) && same(to, out_layout) {
        copy(out, x);
        return Ok(());
    }
    let mut src = Odometer::new(*from, x_layout, order);
    let mut dst = Odometer::new(*to, out_layout, order);
    for _ in 0..x.len() {
        if let (Some(o), Some(&v)) = (out.get_mut(dst.offset), x.get(src.offset)) {
            *o = v;
        }
        src.step();
        dst.step();
    }
    Ok(())
}

/// `out ← m` re-laid out in `layout` (a transpose of the storage, not of the matrix).
///
/// # Errors
/// [`Error::ShapeMismatch`] if `out.len() != rows·cols`.
pub fn to_layout(m: &MatRef<'_>, layout: Layout, out: &mut [f32]) -> Result<(), Error> {
    let (r, c) = (m.rows(), m.cols());
    check_len("out", r * c, out.len())?;
    if m.layout() == layout {
        copy(out, m.data());
        return Ok(());
    }
    for i in 0..r {
        for j in 0..c {
            if let (Some(o), Some(v)) = (out.get_mut(layout.index(i, j, r, c)), m.get(i, j)) {
                *o = v;
            }
        }
    }
    Ok(())
}

/// MATLAB's `vec(M)` = `M(:)`: the columns of `m` stacked into one vector,
/// `out[i + j·rows] = m(i, j)`, whatever the layout of `m`
/// (= `M.reshape(-1, order='F')` in NumPy).
///
/// # Errors
/// [`Error::ShapeMismatch`] if `out.len() != rows·cols`.
/// ```
/// use plasticore::linalg::{Layout, MatRef};
/// // [[1, 2, 3], [4, 5, 6]] stored row-major → vec = [1, 4, 2, 5, 3, 6]
/// let m = MatRef::new(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], 2, 3, Layout::RowMajor).unwrap();
/// let mut v = [0.0; 6];
/// plasticore::tensor::vec(&m, &mut v).unwrap();
/// assert_eq!(v, [1.0, 4.0, 2.0, 5.0, 3.0, 6.0]);
/// ```
pub fn vec(m: &MatRef<'_>, out: &mut [f32]) -> Result<(), Error> {
    to_layout(m, Layout::ColMajor, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        assert_eq!(Shape::new(&[]).unwrap().len(), 1);
        assert_eq!(Shape::new(&[2, 0, 3]).unwrap().len(), 0);
        assert_eq!(Shape::new(&[1; 9]), Err(TOO_MANY_DIMS));
        assert_eq!(Shape::infer(&[1; 9], 1), Err(TOO_MANY_DIMS));
        assert!(Shape::new(&[usize::MAX, 2]).is_err());
        // Empty, with a product of the other dimensions beyond usize: fine.
        let e = Shape::new(&[0, usize::MAX, 2]).unwrap();
        assert!(e.is_empty());
        let _ = e.strides(Layout::RowMajor);
        let mut none: [f32; 0] = [];
        reshape(
            &[],
            &e,
            Layout::RowMajor,
            &Shape::new(&[0]).unwrap(),
            Layout::ColMajor,
            &mut none,
            Layout::RowMajor,
        )
        .unwrap();
        assert!(Shape::infer(&[-1, -1], 4).is_err());
        assert!(Shape::infer(&[-2, 2], 4).is_err());
        assert!(Shape::infer(&[3, -1], 4).is_err());
        assert!(Shape::infer(&[0, -1], 0).is_err());
        assert!(matches!(Shape::infer(&[3, 2], 4), Err(Error::ShapeMismatch { .. })));
        assert_eq!(Shape::infer(&[-1], 5).unwrap().dims(), &[5]);
        assert_eq!(Shape::new(&[2, 3, 4]).unwrap().strides(Layout::RowMajor)[..3], [12, 4, 1]);
        assert_eq!(Shape::new(&[2, 3, 4]).unwrap().strides(Layout::ColMajor)[..3], [1, 2, 6]);
    }

    #[test]
    fn f_order_round_trip_and_transpose() {
        // reshape to (c, r) in F order of a C-stored (r, c) matrix, read back
        // with the inverse reshape, gives the identity; and vec of a
        // row-major matrix equals its col-major storage.
        let x: [f32; 24] = core::array::from_fn(|i| i as f32);
        let a = Shape::new(&[2, 3, 4]).unwrap();
        let b = Shape::new(&[4, 6]).unwrap();
        let mut y = [0.0; 24];
        let mut z = [0.0; 24];
        for order in [Layout::RowMajor, Layout::ColMajor] {
            for xl in [Layout::RowMajor, Layout::ColMajor] {
                reshape(&x, &a, xl, &b, order, &mut y, Layout::ColMajor).unwrap();
                reshape(&y, &b, Layout::ColMajor, &a, order, &mut z, xl).unwrap();
                assert_eq!(z, x);
            }
        }
        let m = MatRef::new(&x[..6], 2, 3, Layout::RowMajor).unwrap();
        let mut v = [0.0; 6];
        vec(&m, &mut v).unwrap();
        assert_eq!(v, [0.0, 3.0, 1.0, 4.0, 2.0, 5.0]);
        let mut back = [0.0; 6];
        let mc = MatRef::new(&v, 2, 3, Layout::ColMajor).unwrap();
        to_layout(&mc, Layout::RowMajor, &mut back).unwrap();
        assert_eq!(back, x[..6]);
    }

    proptest::proptest! {
        /// Any reshape followed by the inverse reshape (same index order,
        /// any memory layouts) is the identity; C order on C storage is a copy.
        #[test]
        fn round_trip(dims in proptest::collection::vec(1usize..4, 0..6), split in 1usize..4,
                      order_f: bool, xf: bool, of: bool) {
            extern crate std;
            let from = Shape::new(&dims).unwrap();
            let n = from.len();
            let to = if n.is_multiple_of(split) { Shape::new(&[split, n / split]).unwrap() } else { Shape::new(&[n]).unwrap() };
            let l = |f: bool| if f { Layout::ColMajor } else { Layout::RowMajor };
            let x: std::vec::Vec<f32> = (0..n).map(|i| i as f32).collect();
            let mut y = std::vec![0.0f32; n];
            let mut z = std::vec![0.0f32; n];
            reshape(&x, &from, l(xf), &to, l(order_f), &mut y, l(of)).unwrap();
            reshape(&y, &to, l(of), &from, l(order_f), &mut z, l(xf)).unwrap();
            proptest::prop_assert_eq!(&z, &x);
            reshape(&x, &from, Layout::RowMajor, &to, Layout::RowMajor, &mut y, Layout::RowMajor).unwrap();
            proptest::prop_assert_eq!(&y, &x);
        }
    }

    #[test]
    fn bad_input() {
        let s = Shape::new(&[2, 3]).unwrap();
        let t = Shape::new(&[5]).unwrap();
        let mut out = [9.0; 6];
        let r = Layout::RowMajor;
        assert!(reshape(&[0.0; 5], &s, r, &s, r, &mut out, r).is_err());
        assert!(reshape(&[0.0; 6], &s, r, &t, r, &mut out, r).is_err());
        assert!(reshape(&[0.0; 6], &s, r, &s, r, &mut out[..5], r).is_err());
        assert_eq!(out, [9.0; 6]);
        let m = MatRef::new(&[0.0; 6], 2, 3, r).unwrap();
        assert!(vec(&m, &mut out[..4]).is_err());
    }
}
