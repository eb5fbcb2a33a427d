//! `attention.*` kernels: scaled dot-product attention, Reformer LSH
//! attention and layer norm, exactly as issue 5 specifies their contracts.

use plasticore::attention::{
    lsh_attention, lsh_f32_scratch_len, lsh_index_scratch_len, sdpa, LshConfig, LshShape, SdpaShape,
};
use plasticore::nn;

use super::{core_err, input, param, Call, Kernel};
use crate::npy::{Array, DType::F32};

/// The attention kernels.
pub fn kernels() -> Vec<Kernel> {
    vec![
        Kernel {
            name: "attention.sdpa",
            summary: "multi-head scaled dot-product attention softmax(q k^T / sqrt d) v, streaming softmax",
            inputs: vec![
                input("q", F32, "h,n,d"),
                input("k", F32, "h,m,d"),
                input("v", F32, "h,m,dv"),
            ],
            params: vec![param(
                "causal",
                Some("false"),
                "true | false: query i sees keys j <= i only",
            )],
            output: "float32 [h, n, dv]",
            run: run_sdpa,
        },
        Kernel {
            name: "attention.lsh",
            summary: "Reformer LSH attention (shared QK, angular hash, sorted chunks + look-back, rounds combined by logsumexp)",
            inputs: vec![
                input("qk", F32, "h,n,d"),
                input("v", F32, "h,n,dv"),
                input("rotations", F32, "d,rounds,half"),
            ],
            params: vec![
                param(
                    "bucket_size",
                    None,
                    "chunk length; n must be a multiple of it",
                ),
                param(
                    "causal",
                    Some("false"),
                    "true | false: exclude keys after the query",
                ),
            ],
            output: "float32 [h, n, dv]",
            run: run_lsh,
        },
        Kernel {
            name: "attention.layernorm",
            summary: "layer norm over the last axis, eps = 1e-5, biased variance, gamma and beta",
            inputs: vec![
                input("x", F32, "n,d"),
                input("gamma", F32, "d"),
                input("beta", F32, "d"),
            ],
            params: vec![],
            output: "float32 [n, d]",
            run: run_layernorm,
        },
    ]
}

fn run_sdpa(c: &Call) -> Result<Array, String> {
    let shape = SdpaShape {
        heads: c.dim("h"),
        n: c.dim("n"),
        m: c.dim("m"),
        d: c.dim("d"),
        dv: c.dim("dv"),
    };
    let causal = c.flag("causal")?;
    let mut out = vec![0.0; shape.heads * shape.n * shape.dv];
    sdpa(c.f32("q"), c.f32("k"), c.f32("v"), shape, causal, &mut out)
        .map_err(core_err("attention.sdpa"))?;
    Ok(Array::f32(vec![shape.heads, shape.n, shape.dv], out))
}

fn run_lsh(c: &Call) -> Result<Array, String> {
    let shape = LshShape { heads: c.dim("h"), n: c.dim("n"), d: c.dim("d"), dv: c.dim("dv") };
    let bucket_size: usize = c.param("bucket_size")?;
    if bucket_size == 0 || !shape.n.is_multiple_of(bucket_size) {
        return Err(format!(
            "attention.lsh: n = {} must be a multiple of bucket_size = {bucket_size}",
            shape.n
        ));
    }
    let cfg = LshConfig {
        rounds: c.dim("rounds"),
        n_buckets: 2 * c.dim("half"),
        bucket_size,
        causal: c.flag("causal")?,
    };
    let mut idx = vec![0u32; lsh_index_scratch_len(shape.n, cfg.rounds, cfg.n_buckets)];
    let mut f = vec![0.0f32; lsh_f32_scratch_len(shape.n)];
    let mut out = vec![0.0; shape.heads * shape.n * shape.dv];
    lsh_attention(
        c.f32("qk"),
        c.f32("v"),
        c.f32("rotations"),
        shape,
        cfg,
        (&mut idx, &mut f),
        &mut out,
    )
    .map_err(core_err("attention.lsh"))?;
    Ok(Array::f32(vec![shape.heads, shape.n, shape.dv], out))
}

fn run_layernorm(c: &Call) -> Result<Array, String> {
    let (n, d) = (c.dim("n"), c.dim("d"));
    let mut out = vec![0.0; n * d];
    nn::layer_norm(c.f32("x"), d, c.f32("gamma"), c.f32("beta"), &mut out)
        .map_err(core_err("attention.layernorm"))?;
    Ok(Array::f32(vec![n, d], out))
}
