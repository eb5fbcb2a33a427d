//! `hebbian.*` kernels.

use plasticore::hebbian::{update, Coeffs, Rule, Sharing};

use super::{core_err, input, param, Call, Kernel};
use crate::evolve::parse_norm;
use crate::npy::{Array, DType::F32};

/// The Hebbian kernels.
pub fn kernels() -> Vec<Kernel> {
    vec![Kernel {
        name: "hebbian.update",
        summary: "one Hebbian ABCD step W[j,i] += dw(h, pre[i], post[j]) then a normalisation (Najarro & Risi 2020)",
        inputs: vec![
            input("w", F32, "out,in"),
            input("pre", F32, "in"),
            input("post", F32, "out"),
            input("coeffs", F32, "...,k"),
        ],
        params: vec![
            param(
                "rule",
                Some("ABCD_lr"),
                "A | AD | AD_lr | ABC | ABC_lr | ABCD | ABCD_lr | ABCD_lr_D_out | ABCD_lr_D_in_and_out",
            ),
            param(
                "sharing",
                Some("synapse"),
                "synapse: coeffs [out, in, k]; neuron: [out, k]; layer: [k]",
            ),
            param("norm", Some("none"), "none | maxabs | clamp:C (applied after the update)"),
        ],
        output: "float32 [out, in] (the updated w)",
        run: hebbian_update,
    }]
}

fn hebbian_update(c: &Call) -> Result<Array, String> {
    let name = "hebbian.update";
    let rule = Rule::from_name(&c.param_str("rule")?).map_err(core_err(name))?;
    let sharing = Sharing::from_name(&c.param_str("sharing")?).map_err(core_err(name))?;
    let norm = parse_norm(&c.param_str("norm")?).map_err(|e| format!("{name}: {e}"))?;
    let (n_out, n_in, k) = (c.dim("out"), c.dim("in"), c.dim("k"));
    if k != rule.k() {
        return Err(format!(
            "{name}: rule {} needs k = {} coefficients per {}, but coeffs has k = {k}",
            rule.name(),
            rule.k(),
            sharing.name()
        ));
    }
    let lead = &c.shape("coeffs")[..c.shape("coeffs").len() - 1];
    let want: &[usize] = match sharing {
        Sharing::PerSynapse => &[n_out, n_in],
        Sharing::PerPostNeuron => &[n_out],
        Sharing::PerLayer => &[],
    };
    if lead != want {
        return Err(format!(
            "input 'coeffs': with sharing={} expected shape {:?} + [k], got {:?}",
            sharing.name(),
            want,
            c.shape("coeffs")
        ));
    }
    let coeffs =
        Coeffs::new(c.f32("coeffs"), rule, sharing, n_out, n_in).map_err(core_err(name))?;
    let mut w = c.f32("w").to_vec();
    update(&mut w, c.f32("pre"), c.f32("post"), &coeffs, norm).map_err(core_err(name))?;
    Ok(Array::f32(vec![n_out, n_in], w))
}
