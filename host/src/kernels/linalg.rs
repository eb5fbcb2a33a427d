//! `linalg.*` kernels.

use plasticore::linalg::{self, Layout, MatMut, MatRef};

use super::{core_err, input, Call, Kernel};
use crate::npy::{Array, DType::F32};

/// The linalg kernels.
pub fn kernels() -> Vec<Kernel> {
    vec![
        Kernel {
            name: "linalg.dot",
            summary: "dot product sum_i a_i b_i",
            inputs: vec![input("a", F32, "n"), input("b", F32, "n")],
            params: vec![],
            output: "float32 [] (a scalar)",
            run: dot,
        },
        Kernel {
            name: "linalg.matvec",
            summary: "matrix-vector product m @ x",
            inputs: vec![input("m", F32, "r,c"), input("x", F32, "c")],
            params: vec![],
            output: "float32 [r]",
            run: matvec,
        },
        Kernel {
            name: "linalg.matmul",
            summary: "matrix product a @ b",
            inputs: vec![input("a", F32, "m,k"), input("b", F32, "k,n")],
            params: vec![],
            output: "float32 [m, n]",
            run: matmul,
        },
    ]
}

fn dot(c: &Call) -> Result<Array, String> {
    let v = linalg::dot(c.f32("a"), c.f32("b")).map_err(core_err("linalg.dot"))?;
    Ok(Array::f32(vec![], vec![v]))
}

fn matvec(c: &Call) -> Result<Array, String> {
    let (r, cols) = (c.dim("r"), c.dim("c"));
    let m =
        MatRef::new(c.f32("m"), r, cols, Layout::RowMajor).map_err(core_err("linalg.matvec"))?;
    let mut out = vec![0.0; r];
    linalg::matvec(&m, c.f32("x"), &mut out).map_err(core_err("linalg.matvec"))?;
    Ok(Array::f32(vec![r], out))
}

fn matmul(c: &Call) -> Result<Array, String> {
    let (m, k, n) = (c.dim("m"), c.dim("k"), c.dim("n"));
    let e = core_err("linalg.matmul");
    let a = MatRef::new(c.f32("a"), m, k, Layout::RowMajor).map_err(&e)?;
    let b = MatRef::new(c.f32("b"), k, n, Layout::RowMajor).map_err(&e)?;
    let mut out = vec![0.0; m * n];
    let mut o = MatMut::new(&mut out, m, n, Layout::RowMajor).map_err(&e)?;
    linalg::matmul(&a, &b, &mut o).map_err(&e)?;
    Ok(Array::f32(vec![m, n], out))
}
