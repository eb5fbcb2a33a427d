//! linalg and softmax against NumPy (tests/data/linalg/gen_linalg.py).

use plasticore::linalg::{self, Layout, MatMut, MatRef};
use plasticore::nn;
use plasticore_tests::{assert_close, load_f32};

#[test]
fn dot_matches_numpy() {
    let (_, a) = load_f32("linalg/dot_a.npy");
    let (_, b) = load_f32("linalg/dot_b.npy");
    let (_, want) = load_f32("linalg/dot_out.npy");
    assert_close(&[linalg::dot(&a, &b).unwrap()], &want, 1e-5, "dot");
}

#[test]
fn matvec_matches_numpy_in_both_layouts() {
    let (s, m) = load_f32("linalg/matvec_m.npy");
    let (_, x) = load_f32("linalg/matvec_x.npy");
    let (_, want) = load_f32("linalg/matvec_out.npy");
    let (r, c) = (s[0], s[1]);
    let mut out = vec![0.0; r];
    linalg::matvec(&MatRef::new(&m, r, c, Layout::RowMajor).unwrap(), &x, &mut out).unwrap();
    assert_close(&out, &want, 1e-5, "matvec C");
    // The same matrix stored column by column (what np.asfortranarray holds in memory).
    let mut mf = vec![0.0; r * c];
    for i in 0..r {
        for j in 0..c {
            mf[i + j * r] = m[i * c + j];
        }
    }
    let mut out_f = vec![0.0; r];
    linalg::matvec(&MatRef::new(&mf, r, c, Layout::ColMajor).unwrap(), &x, &mut out_f).unwrap();
    assert_eq!(out, out_f, "layouts give the same bits");
}

#[test]
fn matmul_matches_numpy() {
    let (sa, a) = load_f32("linalg/matmul_a.npy");
    let (sb, b) = load_f32("linalg/matmul_b.npy");
    let (_, want) = load_f32("linalg/matmul_out.npy");
    let (m, k, n) = (sa[0], sa[1], sb[1]);
    let mut out = vec![0.0; m * n];
    let am = MatRef::new(&a, m, k, Layout::RowMajor).unwrap();
    let bm = MatRef::new(&b, k, n, Layout::RowMajor).unwrap();
    linalg::matmul(&am, &bm, &mut MatMut::new(&mut out, m, n, Layout::RowMajor).unwrap()).unwrap();
    assert_close(&out, &want, 1e-5, "matmul");
}

#[test]
fn softmax_matches_numpy_including_masked_rows() {
    let (s, x) = load_f32("linalg/softmax_x.npy");
    let (_, want) = load_f32("linalg/softmax_out.npy");
    let mut out = vec![0.0; x.len()];
    nn::softmax_rows(&x, *s.last().unwrap(), &mut out).unwrap();
    assert_close(&out, &want, 1e-5, "softmax");
}
