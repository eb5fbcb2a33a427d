//! Writes the weights of the firmware's transformer-block cases
//! (selftest/src/attention_cases.rs: d_model = 32, 2 heads, d_ff = 64, GELU,
//! made for n = 128) as `KIND_TRANSFORMER` blobs (core/src/attention/blob.rs):
//!
//! - `tests/data/attention/transformer_block_full.blob`: separate W_k (full attention), seed 601;
//! - `tests/data/attention/transformer_block_lsh.blob`: shared QK (LSH attention), seed 602.
//!
//! Weights, in `TransformerBlock::flat_len` order: γ = 1 + 0.1·N(0,1), β and
//! biases 0.1·N(0,1), matrices N(0, 1/fan_in), drawn from `plasticore::rng::Rng`.
//! The output is deterministic; rerun (and commit the blobs) only if the
//! cases' sizes change:
//!
//! `cargo run -p plasticore-host --example make_transformer_blob`

use std::path::Path;

use plasticore::attention::{TransformerBlock, TransformerDims, TransformerSpec};
use plasticore::blob::{encoded_len, Blob};
use plasticore::nn::Activation;
use plasticore::rng::Rng;

const N: usize = 128;
const D: usize = 32;
const HEADS: usize = 2;
const D_FF: usize = 64;

/// The flat table: (length, scale, offset) of each part, in order.
fn params(seed: u64, shared: bool) -> Vec<f32> {
    let mut r = Rng::new(seed);
    let (d, f) = (D, D_FF);
    let proj = if shared { 3 } else { 4 };
    let sd = 1.0 / (d as f32).sqrt();
    let sf = 1.0 / (f as f32).sqrt();
    let parts = [
        (d, 0.1, 1.0),
        (d, 0.1, 0.0),
        (proj * d * d, sd, 0.0),
        (d, 0.1, 1.0),
        (d, 0.1, 0.0),
        (f * d, sd, 0.0),
        (f, 0.1, 0.0),
        (d * f, sf, 0.0),
        (d, 0.1, 0.0),
    ];
    let mut p = Vec::new();
    for (len, scale, offset) in parts {
        p.extend((0..len).map(|_| offset + scale * r.normal()));
    }
    p
}

fn main() -> anyhow::Result<()> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/attention");
    let dims = TransformerDims { d: D, heads: HEADS, d_ff: D_FF, act: Activation::Gelu };
    for (name, seed, shared_qk) in [("full", 601, false), ("lsh", 602, true)] {
        let spec = TransformerSpec { n: N, dims, shared_qk };
        let p = params(seed, shared_qk);
        assert_eq!(p.len(), TransformerBlock::flat_len(dims, shared_qk));
        let mut bytes = vec![0u8; encoded_len(4, p.len())];
        let len = spec.encode(&p, &mut bytes)?;
        assert_eq!(TransformerSpec::parse(&Blob::parse(&bytes[..len])?)?, spec);
        let path = dir.join(format!("transformer_block_{name}.blob"));
        std::fs::write(&path, &bytes[..len])?;
        println!("{}: {} values, {len} bytes", path.display(), p.len());
    }
    Ok(())
}
