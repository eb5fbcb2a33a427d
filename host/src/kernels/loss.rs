//! `loss.*` kernels.

use plasticore::loss;

use super::{core_err, input, param, Call, Kernel};
use crate::npy::{
    Array,
    DType::{F32, I32},
};

/// The loss kernels.
pub fn kernels() -> Vec<Kernel> {
    vec![Kernel {
        name: "loss.supcon",
        summary: "supervised contrastive loss (Khosla et al. 2020), features L2-normalised inside; anchors without positives skipped",
        inputs: vec![input("features", F32, "n,d"), input("labels", I32, "n")],
        params: vec![param("temperature", Some("0.1"), "softmax temperature, > 0")],
        output: "float32 [] (a scalar)",
        run: supcon,
    }]
}

fn supcon(c: &Call) -> Result<Array, String> {
    let t: f32 = c.param("temperature")?;
    let (n, d) = (c.dim("n"), c.dim("d"));
    let mut scratch = vec![0.0; loss::supcon_scratch_len(n)];
    let v = loss::supcon_loss(c.f32("features"), d, c.i32("labels"), t, &mut scratch)
        .map_err(core_err("loss.supcon"))?;
    Ok(Array::f32(vec![], vec![v]))
}
