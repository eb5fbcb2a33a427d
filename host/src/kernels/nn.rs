//! `nn.*` kernels.

use plasticore::nn;

use super::{core_err, input, Call, Kernel};
use crate::npy::{Array, DType::F32};

/// The nn kernels.
pub fn kernels() -> Vec<Kernel> {
    vec![Kernel {
        name: "nn.softmax",
        summary: "softmax over the last axis (NaN/+inf rejected; an all -inf row gives 1/n)",
        inputs: vec![input("x", F32, "...,n")],
        params: vec![],
        output: "float32 [..., n]",
        run: softmax,
    }]
}

fn softmax(c: &Call) -> Result<Array, String> {
    let x = c.f32("x");
    let mut out = vec![0.0; x.len()];
    nn::softmax_rows(x, c.dim("n"), &mut out).map_err(core_err("nn.softmax"))?;
    Ok(Array::f32(c.shape("x").to_vec(), out))
}
