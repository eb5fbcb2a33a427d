//! `radioactive.*` kernels (Sablayrolles et al. 2020).

use plasticore::radioactive;

use super::{core_err, input, param, Call, Kernel};
use crate::npy::{Array, DType::F32};

/// The radioactive-data kernels.
pub fn kernels() -> Vec<Kernel> {
    vec![
        Kernel {
            name: "radioactive.mark",
            summary: "move each feature along the unit carrier u by `strength`, then renormalise it to its original norm",
            inputs: vec![input("features", F32, "n,d"), input("u", F32, "d")],
            params: vec![param("strength", None, "step along the unit carrier, finite and >= 0")],
            output: "float32 [n, d]",
            run: mark,
        },
        Kernel {
            name: "radioactive.pvalue",
            summary: "P(cos(v, u) >= cos(w, u)) for v uniform on the sphere: 1/2 I_{1-c^2}((d-1)/2, 1/2), 1 minus that for c < 0",
            inputs: vec![input("w", F32, "d"), input("u", F32, "d")],
            params: vec![],
            output: "float32 [] (a scalar; computed in f64, so p below ~1e-45 rounds to 0)",
            run: pvalue,
        },
    ]
}

fn mark(c: &Call) -> Result<Array, String> {
    let s: f32 = c.param("strength")?;
    let f = c.f32("features");
    let mut out = vec![0.0; f.len()];
    radioactive::mark(f, c.f32("u"), s, &mut out).map_err(core_err("radioactive.mark"))?;
    Ok(Array::f32(c.shape("features").to_vec(), out))
}

fn pvalue(c: &Call) -> Result<Array, String> {
    let p = radioactive::pvalue(c.f32("w"), c.f32("u")).map_err(core_err("radioactive.pvalue"))?;
    Ok(Array::f32(vec![], vec![p as f32]))
}
