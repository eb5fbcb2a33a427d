//! The nn layers and attention (kernels, blocks, LSH attention).

use crate::{cut, cut_mut, opaque, sink};
use plasticore::attention::{
    self, lsh_attention, lsh_f32_scratch_len, lsh_index_scratch_len, sdpa, shared_qk_attention,
    AttentionMode, AttentionWeights, FeedForwardBlock, LshConfig, LshShape, ReversibleBlock,
    SdpaShape, SelfAttention, TransformerBlock, TransformerDims,
};
use plasticore::blob::Blob;
use plasticore::nn::{self, Activation, FeedForward};

#[inline(never)]
pub fn check_nn() {
    let x = opaque([0.5f32; 32]);
    let mut out = opaque([0.0f32; 32]);
    sink(nn::softmax(cut(&x), cut_mut(&mut out)));
    sink(nn::softmax_in_place(cut_mut(&mut out)));
    sink(nn::softmax_rows(cut(&x), opaque(8), cut_mut(&mut out)));
    sink(nn::logsumexp(cut(&x)));
    let g = opaque([1.0f32; 8]);
    sink(nn::layer_norm(cut(&x), opaque(8), cut(&g), cut(&g), cut_mut(&mut out)));
    sink(nn::layer_norm_in_place(cut_mut(&mut out), opaque(8), cut(&g), cut(&g)));
    let act = if opaque(true) { Activation::Gelu } else { Activation::Relu };
    sink((act.apply(opaque(0.3)), nn::relu(opaque(-1.0)), nn::gelu(opaque(1.0))));
    sink(act.apply_in_place(cut_mut(&mut out)));
    let w1 = opaque([0.1f32; 64]);
    let b1 = opaque([0.0f32; 16]);
    if let Ok(ff) = FeedForward::new(cut(&w1), cut(&b1), cut(&w1), cut(&g), opaque(4), act) {
        let mut scratch = opaque([0.0f32; 64]);
        sink((ff.d(), ff.d_ff(), ff.scratch_len()));
        sink(ff.forward(cut(&x), cut_mut(&mut scratch), cut_mut(&mut out)));
        sink(ff.forward_add(cut(&x), cut_mut(&mut scratch), cut_mut(&mut out)));
    }
}

#[inline(never)]
pub fn check_attention_kernels() {
    let q = opaque([0.1f32; 64]);
    let mut out = opaque([0.0f32; 64]);
    let shape =
        SdpaShape { heads: opaque(2), n: opaque(4), m: opaque(4), d: opaque(8), dv: opaque(8) };
    sink(shape.lens());
    sink(sdpa(cut(&q), cut(&q), cut(&q), shape, opaque(true), cut_mut(&mut out)));
    let lshape = LshShape { heads: opaque(1), n: opaque(8), d: opaque(8), dv: opaque(8) };
    let cfg = LshConfig {
        rounds: opaque(2),
        n_buckets: opaque(4),
        bucket_size: opaque(4),
        causal: opaque(true),
    };
    let rot = opaque([0.3f32; 8 * 2 * 2]);
    let mut idx = opaque([0u32; 64]);
    let mut f = opaque([0.0f32; 64]);
    sink((
        lsh_index_scratch_len(opaque(usize::MAX), opaque(3), opaque(8)),
        lsh_f32_scratch_len(opaque(usize::MAX)),
    ));
    sink(lsh_attention(
        cut(&q),
        cut(&q),
        cut(&rot),
        lshape,
        cfg,
        (cut_mut(&mut idx), cut_mut(&mut f)),
        cut_mut(&mut out),
    ));
    sink(shared_qk_attention(
        cut(&q),
        cut(&q),
        lshape,
        opaque(false),
        cut_mut(&mut f),
        cut_mut(&mut out),
    ));
}

#[inline(never)]
pub fn check_attention_blocks() {
    let p = opaque([0.05f32; 512]);
    let dims =
        TransformerDims { d: opaque(8), heads: opaque(2), d_ff: opaque(16), act: Activation::Gelu };
    let rot = opaque([0.3f32; 8 * 2 * 2]);
    let mode = if opaque(true) {
        AttentionMode::Full { causal: opaque(true) }
    } else {
        AttentionMode::Lsh {
            rotations: cut(&rot),
            config: LshConfig {
                rounds: opaque(2),
                n_buckets: opaque(4),
                bucket_size: opaque(4),
                causal: opaque(true),
            },
        }
    };
    sink(TransformerBlock::flat_len(dims, opaque(false)));
    sink(TransformerBlock::full_scratch_len(dims, opaque(usize::MAX)));
    let mut scratch = attention::Scratch::<2048, 256>::new();
    let mut x = opaque([0.2f32; 64]);
    let mut y = opaque([0.2f32; 64]);
    let mut o = opaque([0.0f32; 64]);
    if let Ok(block) = TransformerBlock::from_flat(cut(&p), dims, mode) {
        sink(block.scratch_len(opaque(8)));
        sink(block.forward(cut_mut(&mut x), scratch.parts()));
    }
    let mut params = opaque([0.0f32; 512]);
    let bytes = opaque([0u8; 64]);
    if let Ok(b) = Blob::parse(cut(&bytes)) {
        sink(TransformerBlock::from_blob(&b, cut_mut(&mut params), mode).is_ok());
    }
    let w = AttentionWeights {
        gamma: cut(&p),
        beta: cut(&p),
        wq: cut(&p),
        wk: cut(&p),
        wv: cut(&p),
        wo: cut(&p),
    };
    let ff = FeedForward::new(cut(&p), cut(&p), cut(&p), cut(&p), opaque(8), Activation::Relu);
    if let (Ok(attn), Ok(ff)) = (SelfAttention::new(opaque(8), opaque(2), w, mode), ff) {
        sink((attn.d(), attn.scratch_len(opaque(8))));
        sink(attn.forward(cut(&x), scratch.parts(), cut_mut(&mut o)));
        sink(attn.forward_add(cut(&x), scratch.parts(), cut_mut(&mut o)));
        sink(attn.residual_in_place(cut_mut(&mut x), scratch.parts()));
        if let Ok(g) = FeedForwardBlock::new(cut(&p), cut(&p), ff) {
            let (_, fs) = scratch.parts();
            sink(g.scratch_len());
            sink(g.forward(cut(&x), cut_mut(fs), cut_mut(&mut o)));
            sink(g.forward_add(cut(&x), cut_mut(fs), cut_mut(&mut o)));
            sink(g.residual_in_place(cut_mut(&mut x), cut_mut(fs)));
            let rev = ReversibleBlock { f: attn, g };
            sink(rev.scratch_len(opaque(8)));
            sink(rev.forward(cut_mut(&mut x), cut_mut(&mut y), scratch.parts()));
            sink(rev.inverse(cut_mut(&mut x), cut_mut(&mut y), scratch.parts()));
        }
    }
}
