//! The blob format of a transformer block ([`crate::blob`] is the container):
//! kind [`KIND_TRANSFORMER`], meta `[activation id, shared-QK flag, 0 × 6]`
//! (activation: 0 ReLU, 1 GELU, 2 linear, 3 tanh), parameter 0, dims
//! `[n, d_model, heads, d_ff]`, values the flat table of
//! [`TransformerBlock::flat_len`].

use super::block::{TransformerBlock, TransformerDims};
use super::AttentionMode;
use crate::blob::{encode, Blob, Header, KIND_TRANSFORMER};
use crate::error::{check_len, Error};
use crate::nn::Activation;

/// What a [`KIND_TRANSFORMER`] blob describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct TransformerSpec {
    /// Sequence length the weights were made for (informational; 0 = any).
    pub n: usize,
    /// Width, heads, hidden width and activation.
    pub dims: TransformerDims,
    /// Shared query-key projection (no W_k), as LSH attention needs.
    pub shared_qk: bool,
}

fn corrupt(reason: &'static str) -> Error {
    Error::CorruptBlob { reason }
}

/// The transformer blob's activation byte (its own table, older than
/// [`Activation::id`], kept so existing blobs read the same).
fn act_id(a: Activation) -> u8 {
    match a {
        Activation::Relu => 0,
        Activation::Gelu => 1,
        Activation::Linear => 2,
        Activation::Tanh => 3,
    }
}

fn act_from_id(id: u8) -> Option<Activation> {
    match id {
        0 => Some(Activation::Relu),
        1 => Some(Activation::Gelu),
        2 => Some(Activation::Linear),
        3 => Some(Activation::Tanh),
        _ => None,
    }
}

/// `true` if d, heads and d_ff are non-zero and heads divides d.
fn valid_sizes(d: usize, heads: usize, d_ff: usize) -> bool {
    d > 0 && heads > 0 && d_ff > 0 && d.is_multiple_of(heads)
}

impl TransformerSpec {
    /// Number of parameters ([`TransformerBlock::flat_len`]).
    pub const fn param_len(&self) -> usize {
        TransformerBlock::flat_len(self.dims, self.shared_qk)
    }

    /// The blob header of this spec.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] if d, heads or d_ff is zero, heads does not
    /// divide d, or a size does not fit a `u32`.
    pub fn header(&self) -> Result<Header, Error> {
        let TransformerDims { d, heads, d_ff, .. } = self.dims;
        if !valid_sizes(d, heads, d_ff) {
            return Err(Error::InvalidArgument {
                what: "transformer dims",
                expected: "non-zero d, heads, d_ff with heads dividing d",
            });
        }
        let mut dims = [0u32; 4];
        for (o, v) in dims.iter_mut().zip([self.n, d, heads, d_ff]) {
            *o = u32::try_from(v).map_err(|_| Error::InvalidArgument {
                what: "transformer dims",
                expected: "sizes below 2^32",
            })?;
        }
        let meta = [act_id(self.dims.act), self.shared_qk as u8, 0, 0, 0, 0, 0, 0];
        Header::new(KIND_TRANSFORMER, meta, 0.0, &dims)
    }

    /// Writes a blob of `params` (laid out as [`TransformerBlock::flat_len`]
    /// describes) into `out`; returns the bytes written.
    ///
    /// # Errors
    /// Those of [`TransformerSpec::header`]; [`Error::ShapeMismatch`] if
    /// `params` is not [`TransformerSpec::param_len`] long or `out` is too
    /// short (nothing written).
    pub fn encode(&self, params: &[f32], out: &mut [u8]) -> Result<usize, Error> {
        let header = self.header()?;
        check_len("transformer parameters", self.param_len(), params.len())?;
        encode(&header, params, out)
    }

    /// Reads the spec of a [`KIND_TRANSFORMER`] blob. Read its values with
    /// [`Blob::read_into`] and build the block with
    /// [`TransformerBlock::from_flat`], or use [`TransformerBlock::from_blob`].
    ///
    /// # Errors
    /// [`Error::CorruptBlob`] if the kind is not [`KIND_TRANSFORMER`], there
    /// are not 4 dims, the activation id or flag is unknown, a reserved byte
    /// or the parameter is not zero, the sizes are invalid or the value count
    /// is not [`TransformerSpec::param_len`].
    pub fn parse(blob: &Blob<'_>) -> Result<Self, Error> {
        if blob.header.kind != KIND_TRANSFORMER {
            return Err(corrupt("not a transformer block blob"));
        }
        let &[n, d, heads, d_ff] = blob.header.dims() else {
            return Err(corrupt("transformer blob needs dims [n, d, heads, d_ff]"));
        };
        let m = blob.header.meta;
        let act = act_from_id(m[0]).ok_or(corrupt("unknown transformer activation id"))?;
        if m[1] > 1 || m[2..] != [0; 6] || blob.header.param.to_bits() != 0 {
            return Err(corrupt("unknown transformer flags"));
        }
        let (d, heads, d_ff) = (d as usize, heads as usize, d_ff as usize);
        if !valid_sizes(d, heads, d_ff) {
            return Err(corrupt("invalid transformer sizes"));
        }
        let spec = TransformerSpec {
            n: n as usize,
            dims: TransformerDims { d, heads, d_ff, act },
            shared_qk: m[1] == 1,
        };
        if spec.param_len() != blob.len() {
            return Err(corrupt("parameter count does not fit the transformer dims"));
        }
        Ok(spec)
    }
}

impl<'a> TransformerBlock<'a> {
    /// Copies the weights of a [`KIND_TRANSFORMER`] blob into `params` (which
    /// must hold [`Blob::len`] f32) and borrows them as
    /// [`TransformerBlock::from_flat`] does. (The blob's bytes cannot be
    /// borrowed as f32 directly: they need not be 4-byte aligned.)
    ///
    /// # Errors
    /// [`Error::CorruptBlob`] from [`TransformerSpec::parse`];
    /// [`Error::InvalidArgument`] if `mode` does not match the blob's
    /// shared-QK flag (LSH needs a shared-QK table, full attention a separate
    /// W_k); [`Error::ShapeMismatch`] if `params` has the wrong length;
    /// [`Error::NonFinite`] for a non-finite weight. These leave `params`
    /// untouched; an invalid LSH `mode` (rotations, config) is reported by
    /// [`TransformerBlock::from_flat`] after the copy.
    pub fn from_blob(
        blob: &Blob<'_>,
        params: &'a mut [f32],
        mode: AttentionMode<'a>,
    ) -> Result<Self, Error> {
        let spec = TransformerSpec::parse(blob)?;
        if spec.shared_qk != matches!(mode, AttentionMode::Lsh { .. }) {
            return Err(Error::InvalidArgument {
                what: "attention mode",
                expected: "LSH for a shared-QK blob, full attention otherwise",
            });
        }
        check_len("transformer parameters", blob.len(), params.len())?;
        if let Some(index) = (0..blob.len()).find(|&i| !blob.get(i).is_some_and(f32::is_finite)) {
            return Err(Error::NonFinite { what: "transformer parameters", index });
        }
        blob.read_into(params)?;
        Self::from_flat(params, spec.dims, mode)
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use crate::attention::{AttentionMode, LshConfig};
    use crate::blob::{encode, encoded_len, Blob, Header, KIND_HEBBIAN};
    use crate::nn::Activation;
    use crate::rng::Rng;
    use proptest::prelude::*;
    use std::vec;
    use std::vec::Vec;

    fn spec(d: usize, heads: usize, d_ff: usize, shared_qk: bool) -> TransformerSpec {
        TransformerSpec {
            n: 16,
            dims: TransformerDims { d, heads, d_ff, act: Activation::Gelu },
            shared_qk,
        }
    }

    /// (spec, flat table, encoded blob) with N(0, 0.3²) weights, γ near 1.
    fn sample(
        d: usize,
        heads: usize,
        d_ff: usize,
        shared: bool,
    ) -> (TransformerSpec, Vec<f32>, Vec<u8>) {
        let s = spec(d, heads, d_ff, shared);
        let mut rng = Rng::new(11);
        let mut p: Vec<f32> =
            (0..TransformerBlock::flat_len(s.dims, shared)).map(|_| rng.normal() * 0.3).collect();
        p[..d].iter_mut().for_each(|g| *g += 1.0);
        let mut buf = vec![0u8; encoded_len(4, p.len())];
        let n = s.encode(&p, &mut buf).unwrap();
        assert_eq!(n, buf.len());
        (s, p, buf)
    }

    fn run(block: &TransformerBlock<'_>, n: usize, d: usize) -> Vec<f32> {
        let mut rng = Rng::new(5);
        let mut x: Vec<f32> = (0..n * d).map(|_| rng.normal()).collect();
        let (fl, il) = block.scratch_len(n);
        let (mut fs, mut is) = (vec![0.0f32; fl], vec![0u32; il]);
        block.forward(&mut x, (&mut is, &mut fs)).unwrap();
        x
    }

    #[test]
    fn blob_block_is_bit_identical_to_from_flat() {
        let (d, n) = (16, 32);
        let mut rng = Rng::new(3);
        let rot: Vec<f32> = (0..(d / 2) * 2 * 2).map(|_| rng.normal()).collect();
        for shared in [false, true] {
            let (s, p, bytes) = sample(d, 2, 24, shared);
            let mode = if shared {
                AttentionMode::Lsh {
                    rotations: &rot,
                    config: LshConfig { rounds: 2, n_buckets: 4, bucket_size: 8, causal: false },
                }
            } else {
                AttentionMode::Full { causal: true }
            };
            let blob = Blob::parse(&bytes).unwrap();
            assert_eq!(TransformerSpec::parse(&blob).unwrap(), s);
            let mut table = vec![0.0f32; blob.len()];
            let from_blob = TransformerBlock::from_blob(&blob, &mut table, mode).unwrap();
            let from_flat = TransformerBlock::from_flat(&p, s.dims, mode).unwrap();
            let (a, b) = (run(&from_blob, n, d), run(&from_flat, n, d));
            assert!(a.iter().zip(&b).all(|(x, y)| x.to_bits() == y.to_bits()));
            assert!(table.iter().zip(&p).all(|(x, y)| x.to_bits() == y.to_bits()));
        }
    }

    #[test]
    #[cfg_attr(miri, ignore = "exhaustive over a large blob: too slow under Miri; runs natively")]
    fn every_truncation_and_bit_flip_is_rejected() {
        let (_, _, bytes) = sample(4, 2, 6, false);
        for cut in 0..bytes.len() {
            assert!(matches!(Blob::parse(&bytes[..cut]), Err(Error::CorruptBlob { .. })));
        }
        for i in 0..bytes.len() {
            for bit in 0..8 {
                let mut b = bytes.clone();
                b[i] ^= 1 << bit;
                assert!(
                    matches!(Blob::parse(&b), Err(Error::CorruptBlob { .. })),
                    "flip of bit {bit} of byte {i}"
                );
            }
        }
    }

    #[test]
    fn wrong_kind_sizes_and_modes_are_rejected() {
        // A Hebbian blob.
        let h = Header::new(KIND_HEBBIAN, [2, 1, 2, 3, 0, 0, 0, 0], 2.5, &[4, 3, 1]).unwrap();
        let mut buf = [0u8; 256];
        let n = encode(&h, &[0.5; 20], &mut buf).unwrap();
        let heb = Blob::parse(&buf[..n]).unwrap();
        let err = Error::CorruptBlob { reason: "not a transformer block blob" };
        assert_eq!(TransformerSpec::parse(&heb).unwrap_err(), err);
        let mut table = [0.0f32; 20];
        assert_eq!(
            TransformerBlock::from_blob(&heb, &mut table, AttentionMode::Full { causal: false })
                .unwrap_err(),
            err
        );
        assert_eq!(table, [0.0; 20]);
        // A transformer blob is not a Hebbian one.
        let (s, p, bytes) = sample(4, 2, 6, false);
        let blob = Blob::parse(&bytes).unwrap();
        assert!(matches!(
            crate::hebbian::blob::NetSpec::parse(&blob),
            Err(Error::CorruptBlob { .. })
        ));
        // Mode, buffer length, non-finite weights: errors, buffer untouched.
        let mut table = vec![0.0f32; p.len()];
        let rot = [1.0f32; 4];
        let lsh = AttentionMode::Lsh {
            rotations: &rot,
            config: LshConfig { rounds: 2, n_buckets: 2, bucket_size: 4, causal: false },
        };
        assert!(matches!(
            TransformerBlock::from_blob(&blob, &mut table, lsh),
            Err(Error::InvalidArgument { what: "attention mode", .. })
        ));
        let full = AttentionMode::Full { causal: false };
        assert!(matches!(
            TransformerBlock::from_blob(&blob, &mut table[1..], full),
            Err(Error::ShapeMismatch { .. })
        ));
        let mut q = p.clone();
        q[9] = f32::NAN;
        let mut nan = vec![0u8; bytes.len()];
        s.encode(&q, &mut nan).unwrap();
        assert_eq!(
            TransformerBlock::from_blob(&Blob::parse(&nan).unwrap(), &mut table, full).unwrap_err(),
            Error::NonFinite { what: "transformer parameters", index: 9 }
        );
        assert!(table.iter().all(|&v| v == 0.0));
        // Well-framed blobs (valid CRC) with inconsistent contents.
        let bad = |h: Header, len: usize| {
            let mut b = vec![0u8; encoded_len(h.dims().len(), len)];
            encode(&h, &vec![0.1; len], &mut b).unwrap();
            TransformerSpec::parse(&Blob::parse(&b).unwrap())
        };
        let meta = [1, 0, 0, 0, 0, 0, 0, 0];
        let k = KIND_TRANSFORMER;
        let good = Header::new(k, meta, 0.0, &[16, 4, 2, 6]).unwrap();
        assert!(bad(good, p.len()).is_ok());
        for (h, len) in [
            (good, p.len() - 1),
            (good, p.len() + 1),
            (Header::new(k, meta, 0.0, &[4, 2, 6]).unwrap(), p.len()),
            (Header::new(k, meta, 0.0, &[16, 4, 3, 6]).unwrap(), p.len()),
            (Header::new(k, meta, 0.0, &[16, 0, 2, 6]).unwrap(), p.len()),
            (Header::new(k, meta, 0.0, &[16, 4, 2, 0]).unwrap(), p.len()),
            (Header::new(k, [4, 0, 0, 0, 0, 0, 0, 0], 0.0, &[16, 4, 2, 6]).unwrap(), p.len()),
            (Header::new(k, [1, 2, 0, 0, 0, 0, 0, 0], 0.0, &[16, 4, 2, 6]).unwrap(), p.len()),
            (Header::new(k, [1, 0, 0, 0, 0, 0, 0, 1], 0.0, &[16, 4, 2, 6]).unwrap(), p.len()),
            (Header::new(k, meta, 1.0, &[16, 4, 2, 6]).unwrap(), p.len()),
            (Header::new(k, meta, 0.0, &[16, u32::MAX, 1, u32::MAX]).unwrap(), 3),
        ] {
            assert!(matches!(bad(h, len), Err(Error::CorruptBlob { .. })), "{h:?} {len}");
        }
        // The encoder refuses what the decoder would refuse.
        assert!(matches!(
            s.encode(&p[1..], &mut vec![0u8; bytes.len()]),
            Err(Error::ShapeMismatch { .. })
        ));
        assert!(matches!(
            spec(4, 3, 6, false).encode(&p, &mut vec![0u8; bytes.len()]),
            Err(Error::InvalidArgument { .. })
        ));
        assert!(matches!(
            s.encode(&p, &mut vec![0u8; bytes.len() - 1]),
            Err(Error::ShapeMismatch { .. })
        ));
    }

    proptest! {
        /// Arbitrary bytes, and a valid blob with random bytes overwritten or
        /// cut off: parsing and decoding never panic, and a changed blob is rejected.
        #[test]
        fn mutated_blobs_never_panic(
            junk in proptest::collection::vec(any::<u8>(), 0..256),
            edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..4),
            cut in any::<usize>(),
        ) {
            let mut table = vec![0.0f32; 512];
            let full = AttentionMode::Full { causal: false };
            if let Ok(b) = Blob::parse(&junk) {
                let _ = TransformerSpec::parse(&b);
                let _ = TransformerBlock::from_blob(&b, &mut table[..b.len().min(512)], full);
            }
            let (_, _, bytes) = sample(4, 2, 6, false);
            let mut m = bytes.clone();
            for (at, v) in edits {
                let at = at % m.len();
                m[at] = v;
            }
            let m = &m[..m.len() - cut % 8];
            match Blob::parse(m) {
                Ok(b) => {
                    prop_assert_eq!(m, &bytes[..]);
                    prop_assert!(TransformerBlock::from_blob(&b, &mut table[..b.len()], full).is_ok());
                }
                Err(e) => prop_assert!(matches!(e, Error::CorruptBlob { .. }), "{:?}", e),
            }
        }
    }
}
