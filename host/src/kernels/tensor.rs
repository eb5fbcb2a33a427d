//! `tensor.*` kernels.

use plasticore::linalg::Layout;
use plasticore::tensor::{self, Shape};

use super::{core_err, input, param, Call, Kernel};
use crate::npy::{Array, DType::F32};

/// The tensor kernels.
pub fn kernels() -> Vec<Kernel> {
    vec![Kernel {
        name: "tensor.reshape",
        summary: "numpy.reshape(x, shape, order): elements read and written in C or F index order (rank <= 8)",
        inputs: vec![input("x", F32, "...")],
        params: vec![
            param("shape", None, "comma-separated new shape, one -1 inferred (e.g. 2,-1,3)"),
            param("order", Some("C"), "C (row-major index order) or F (column-major)"),
        ],
        output: "float32 [shape]",
        run: reshape,
    }]
}

/// Parses `2,-1,3` (parentheses, brackets and spaces allowed; empty = scalar).
fn parse_shape(s: &str) -> Result<Vec<i64>, String> {
    let t = s.trim().trim_matches(|c| matches!(c, '(' | ')' | '[' | ']'));
    t.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            p.parse::<i64>().map_err(|_| {
                format!("parameter 'shape': '{p}' is not an integer (expected e.g. 2,-1,3)")
            })
        })
        .collect()
}

fn reshape(c: &Call) -> Result<Array, String> {
    let e = core_err("tensor.reshape");
    let spec = parse_shape(&c.param_str("shape")?)?;
    let order = match c.param_str("order")?.as_str() {
        "C" | "c" => Layout::RowMajor,
        "F" | "f" => Layout::ColMajor,
        o => return Err(format!("parameter 'order': expected C or F, got '{o}'")),
    };
    let x = c.f32("x");
    let from = Shape::new(c.shape("x")).map_err(&e)?;
    let to = Shape::infer(&spec, x.len()).map_err(&e)?;
    let mut out = vec![0.0; x.len()];
    tensor::reshape(x, &from, Layout::RowMajor, &to, order, &mut out, Layout::RowMajor)
        .map_err(&e)?;
    Ok(Array::f32(to.dims().to_vec(), out))
}
