//! Linear algebra, tensor layouts and the fixed-point kernels.

use crate::{cut, cut_mut, layout, opaque, sink};
use plasticore::fixed::{self, linalg as flin, Requant, Q15, Q7};
use plasticore::linalg::{self, MatMut, MatRef, Matrix, Vector};
use plasticore::tensor::{self, Shape};

#[inline(never)]
pub fn check_linalg() {
    let a = opaque([1.0f32; 64]);
    let b = opaque([2.0f32; 64]);
    let mut y = opaque([0.0f32; 64]);
    sink(linalg::dot(cut(&a), cut(&b)));
    sink(linalg::axpy(opaque(0.5), cut(&a), cut_mut(&mut y)));
    let (r, c) = (opaque(8), opaque(8));
    if let Ok(m) = MatRef::new(cut(&a), r, c, layout()) {
        sink((m.rows(), m.cols(), m.layout(), m.data().len(), m.get(opaque(3), opaque(9))));
        sink(linalg::matvec(&m, cut(&b), cut_mut(&mut y)));
        let mut o = opaque([0.0f32; 64]);
        if let Ok(mut out) = MatMut::new(cut_mut(&mut o), opaque(8), opaque(8), layout()) {
            sink((out.rows(), out.cols(), out.layout(), out.data().len()));
            if let Ok(bm) = MatRef::new(cut(&b), opaque(8), opaque(8), layout()) {
                sink(linalg::matmul(&m, &bm, &mut out));
            }
        }
        let mut flat = opaque([0.0f32; 64]);
        sink(tensor::to_layout(&m, layout(), cut_mut(&mut flat)));
        sink(tensor::vec(&m, cut_mut(&mut flat)));
    }
    let l = layout();
    sink((l.index(opaque(1), opaque(2), opaque(3), opaque(4)), l.strides(opaque(3), opaque(4))));
    let mut v = Vector::<8>::zeros();
    let w = opaque(Vector::<8>::zeros());
    v.axpy(opaque(2.0), &w);
    sink((v.dot(&w), v.as_slice().len()));
    let m = opaque(Matrix::<4, 8>::zeros());
    sink((m.matvec(&w), m.get(opaque(1), opaque(9)), m.as_mat_ref().rows()));
    let mut o4 = [0.0f32; 4];
    m.matvec_into(&opaque([1.0; 8]), &mut o4);
    sink(o4);
}

#[inline(never)]
pub fn check_tensor() {
    let x = opaque([1.0f32; 24]);
    let mut out = opaque([0.0f32; 24]);
    let dims = opaque([2usize, 3, 4]);
    let spec = opaque([-1i64, 6]);
    if let (Ok(from), Ok(to)) = (Shape::new(cut(&dims)), Shape::infer(cut(&spec), opaque(24))) {
        sink((from.dims().len(), from.rank(), from.len(), from.is_empty()));
        sink(from.strides(layout()));
        sink(tensor::reshape(cut(&x), &from, layout(), &to, layout(), cut_mut(&mut out), layout()));
    }
}

#[inline(never)]
pub fn check_fixed() {
    let a = opaque([3i16; 64]);
    let b = opaque([-2i16; 64]);
    let a8 = opaque([3i8; 64]);
    let b8 = opaque([-2i8; 64]);
    sink(flin::dot(cut(&a), cut(&b)));
    sink(flin::dot(cut(&a8), cut(&b8)));
    let mut y = opaque([0i16; 64]);
    let mut y8 = opaque([0i8; 64]);
    sink(flin::matvec(cut(&a), opaque(8), opaque(8), cut(&b), opaque(40), cut_mut(&mut y)));
    sink(flin::matvec(cut(&a8), opaque(8), opaque(8), cut(&b8), opaque(3), cut_mut(&mut y8)));
    let mut bt = opaque([0i16; 64]);
    sink(flin::matmul(
        cut(&a),
        cut(&b),
        opaque(8),
        opaque(8),
        opaque(8),
        opaque(7),
        cut_mut(&mut bt),
        cut_mut(&mut y),
    ));
    let mut bt8 = opaque([0i8; 64]);
    sink(flin::matmul(
        cut(&a8),
        cut(&b8),
        opaque(8),
        opaque(8),
        opaque(8),
        opaque(7),
        cut_mut(&mut bt8),
        cut_mut(&mut y8),
    ));
    sink(fixed::round_shift(opaque(i64::MAX), opaque(70)));
    let x = opaque([0.5f32; 16]);
    let mut q = opaque([0 as Q15; 16]);
    let mut q7 = opaque([0 as Q7; 16]);
    let mut f = opaque([0.0f32; 16]);
    sink(fixed::quantize(cut(&x), opaque(1e-3), cut_mut(&mut q)));
    sink(fixed::quantize(cut(&x), opaque(1e-3), cut_mut(&mut q7)));
    sink(fixed::dequantize(cut(&q), opaque(1e-3), cut_mut(&mut f)));
    sink(fixed::dequantize(cut(&q7), opaque(1e-3), cut_mut(&mut f)));
    if let Ok(r) = Requant::new(opaque(1 << 30), opaque(-3)) {
        sink((r.apply(opaque(i32::MIN)), r.multiplier(), r.shift()));
    }
    if let Ok(r) = Requant::from_real(opaque(0.37)) {
        sink(r.apply(opaque(i32::MAX)));
    }
}
