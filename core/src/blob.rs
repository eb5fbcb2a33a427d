//! Versioned, checksummed parameter blobs, decoded without allocation.
//!
//! Layout (all integers and floats little-endian):
//!
//! | offset | size | field |
//! |---|---|---|
//! | 0 | 4 | magic `b"PLCB"` |
//! | 4 | 2 | version (`u16`, = [`VERSION`]) |
//! | 6 | 2 | kind (`u16`; [`KIND_HEBBIAN`] = 1, [`KIND_TRANSFORMER`] = 2, [`KIND_STATIC_NET`] = 3, [`KIND_DATASET`] = 4) |
//! | 8 | 8 | kind-specific bytes (Hebbian: rule id, sharing id, norm id, output activation id, arithmetic (0 f32, 1 Q15 fixed point: the coefficients are for [`crate::fixed::hebbian::PlasticNetQ15`], folded and quantised by [`crate::fixed::hebbian::fold_coeffs`] when loaded), 0, 0, 0; transformer: activation byte (0 ReLU, 1 GELU, 2 linear, 3 tanh), shared-QK flag (0/1), 0 × 6; static network: output activation id, 0 × 7) |
//! | 16 | 4 | kind-specific `f32` (Hebbian: clamp bound, else 0) |
//! | 20 | 4 | number of dims `n` (`u32`, 1..=[`MAX_DIMS`]) |
//! | 24 | 4n | dims (`u32` each; Hebbian and static network: layer sizes `[in, hidden…, out]`; dataset: `[rows, features]`; transformer: `[n, d_model, heads, d_ff]`) |
//! | 24+4n | 4 | number of values `c` (`u32`) |
//! | 28+4n | 4c | values (`f32`) |
//! | 28+4n+4c | 4 | CRC-32 (IEEE 802.3, reflected, as zlib's `crc32`) of every preceding byte |
//!
//! [`Blob::parse`] checks magic, version, dims, length and checksum before
//! anything is read; any failure is [`Error::CorruptBlob`]. The values stay in
//! the borrowed bytes; [`Blob::read_into`] copies them to a caller buffer.

use crate::attention::{TransformerBlock, TransformerDims};
use crate::error::{check_len, Error};
use crate::hebbian::{coeff_len, weight_len, Activation, NetConfig, Norm, Rule, Sharing, Topology};

/// The four magic bytes.
pub const MAGIC: [u8; 4] = *b"PLCB";
/// The format version this code reads and writes.
pub const VERSION: u16 = 1;
/// Kind id of Hebbian coefficient blobs.
pub const KIND_HEBBIAN: u16 = 1;
/// Kind id of pre-LN transformer block parameter blobs: the flat table of
/// [`TransformerBlock::flat_len`] (see [`transformer_header`]).
pub const KIND_TRANSFORMER: u16 = 2;
/// Kind id of static network weight blobs ([`crate::hebbian::StaticNet`]):
/// the weights, layer after layer (see [`static_net_header`]).
pub const KIND_STATIC_NET: u16 = 3;
/// Kind id of labelled dataset blobs: `rows × features` values row-major,
/// then `rows` labels (whole numbers stored as f32); see [`Blob::dataset`].
pub const KIND_DATASET: u16 = 4;
/// Largest number of dims.
pub const MAX_DIMS: usize = 8;
/// FNV-1a 32-bit offset basis.
pub const FNV_OFFSET: u32 = 0x811C_9DC5;
const FNV_PRIME: u32 = 0x0100_0193;

const fn crc_table() -> [u32; 256] {
    let mut t = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
            k += 1;
        }
        t[i] = c;
        i += 1;
    }
    t
}
static CRC_TABLE: [u32; 256] = crc_table();

/// CRC-32 (IEEE, reflected polynomial 0xEDB88320, init and final xor 0xFFFFFFFF):
/// equals Python's `zlib.crc32`.
pub fn crc32(bytes: &[u8]) -> u32 {
    let mut c = 0xFFFF_FFFFu32;
    for &b in bytes {
        c = CRC_TABLE[((c ^ b as u32) & 0xFF) as usize] ^ (c >> 8);
    }
    c ^ 0xFFFF_FFFF
}

/// FNV-1a (32-bit) continued from `state` over the little-endian bytes of `values`
/// (start with [`FNV_OFFSET`]). Used as a cheap checksum of weights.
pub fn fnv1a_f32(state: u32, values: &[f32]) -> u32 {
    let mut h = state;
    for v in values {
        for b in v.to_bits().to_le_bytes() {
            h = (h ^ b as u32).wrapping_mul(FNV_PRIME);
        }
    }
    h
}

/// The decoded header of a blob.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Header {
    /// What the blob holds ([`KIND_HEBBIAN`], …).
    pub kind: u16,
    /// Kind-specific bytes.
    pub meta: [u8; 8],
    /// Kind-specific parameter.
    pub param: f32,
    dims: [u32; MAX_DIMS],
    n_dims: usize,
}

impl Header {
    /// A header; errors if `dims` is empty or longer than [`MAX_DIMS`].
    pub fn new(kind: u16, meta: [u8; 8], param: f32, dims: &[u32]) -> Result<Self, Error> {
        if dims.is_empty() || dims.len() > MAX_DIMS {
            return Err(Error::InvalidArgument {
                what: "blob dims",
                expected: "1 to 8 dims",
            });
        }
        let mut d = [0; MAX_DIMS];
        d[..dims.len()].copy_from_slice(dims);
        Ok(Header {
            kind,
            meta,
            param,
            dims: d,
            n_dims: dims.len(),
        })
    }
    /// The dims.
    pub fn dims(&self) -> &[u32] {
        self.dims.get(..self.n_dims).unwrap_or(&[])
    }
}

/// Bytes of a blob with `n_dims` dims and `n_values` values.
pub const fn encoded_len(n_dims: usize, n_values: usize) -> usize {
    28 + 4 * n_dims + 4 * n_values + 4
}

/// Writes a blob into `out`; returns the number of bytes written ([`encoded_len`]).
///
/// Errors: [`Error::ShapeMismatch`] if `out` is shorter than needed (nothing written).
pub fn encode(header: &Header, values: &[f32], out: &mut [u8]) -> Result<usize, Error> {
    let n = encoded_len(header.n_dims, values.len());
    if out.len() < n {
        return Err(Error::ShapeMismatch {
            what: "blob buffer",
            expected: n,
            found: out.len(),
        });
    }
    let Some((body, tail)) = out.split_at_mut_checked(n.saturating_sub(4)) else {
        return Err(Error::ShapeMismatch {
            what: "blob buffer",
            expected: n,
            found: out.len(),
        });
    };
    let mut rest = body.iter_mut();
    let mut put = |bytes: &[u8]| {
        // `bytes` first: zip stops without taking a byte of `rest` too many.
        for (b, o) in bytes.iter().zip(rest.by_ref()) {
            *o = *b;
        }
    };
    put(&MAGIC);
    put(&VERSION.to_le_bytes());
    put(&header.kind.to_le_bytes());
    put(&header.meta);
    put(&header.param.to_le_bytes());
    put(&(header.n_dims as u32).to_le_bytes());
    for d in header.dims() {
        put(&d.to_le_bytes());
    }
    put(&(values.len() as u32).to_le_bytes());
    for v in values {
        put(&v.to_le_bytes());
    }
    let crc = crc32(body);
    for (o, b) in tail.iter_mut().zip(crc.to_le_bytes()) {
        *o = b;
    }
    Ok(n)
}

/// A parsed blob borrowing its bytes (e.g. `include_bytes!` data in flash).
#[derive(Debug, Clone, Copy)]
pub struct Blob<'a> {
    /// The header.
    pub header: Header,
    values: &'a [u8],
}

fn corrupt(reason: &'static str) -> Error {
    Error::CorruptBlob { reason }
}

fn u32_at(bytes: &[u8], at: usize) -> Result<u32, Error> {
    bytes
        .get(at..at + 4)
        .and_then(|b| b.try_into().ok())
        .map(u32::from_le_bytes)
        .ok_or(corrupt("truncated"))
}

impl<'a> Blob<'a> {
    /// Checks and parses `bytes`. Every failure is [`Error::CorruptBlob`] with a reason:
    /// `"truncated"`, `"bad magic"`, `"unsupported version"`, `"bad dims"`,
    /// `"length mismatch"`, `"checksum mismatch"`.
    pub fn parse(bytes: &'a [u8]) -> Result<Blob<'a>, Error> {
        if bytes.len() < encoded_len(1, 0) {
            return Err(corrupt("truncated"));
        }
        if bytes[..4] != MAGIC {
            return Err(corrupt("bad magic"));
        }
        if u16::from_le_bytes([bytes[4], bytes[5]]) != VERSION {
            return Err(corrupt("unsupported version"));
        }
        let n_dims = u32_at(bytes, 20)? as usize;
        if n_dims == 0 || n_dims > MAX_DIMS {
            return Err(corrupt("bad dims"));
        }
        let count = u32_at(bytes, 24 + 4 * n_dims)? as usize;
        let expected = count
            .checked_mul(4)
            .and_then(|c| c.checked_add(encoded_len(n_dims, 0)))
            .ok_or(corrupt("length mismatch"))?;
        if bytes.len() < expected {
            return Err(corrupt("truncated"));
        }
        if bytes.len() > expected {
            return Err(corrupt("length mismatch"));
        }
        let stored = u32_at(bytes, expected - 4)?;
        if crc32(&bytes[..expected - 4]) != stored {
            return Err(corrupt("checksum mismatch"));
        }
        let mut dims = [0u32; MAX_DIMS];
        for (k, d) in dims.iter_mut().take(n_dims).enumerate() {
            *d = u32_at(bytes, 24 + 4 * k)?;
        }
        let mut meta = [0u8; 8];
        meta.copy_from_slice(&bytes[8..16]);
        let header = Header {
            kind: u16::from_le_bytes([bytes[6], bytes[7]]),
            meta,
            param: f32::from_bits(u32_at(bytes, 16)?),
            dims,
            n_dims,
        };
        let start = 28 + 4 * n_dims;
        Ok(Blob {
            header,
            values: bytes.get(start..expected - 4).ok_or(corrupt("truncated"))?,
        })
    }

    /// Number of f32 values.
    pub fn len(&self) -> usize {
        self.values.len() / 4
    }

    /// `true` if the blob holds no values.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Value `i`, or `None` past the end.
    pub fn get(&self, i: usize) -> Option<f32> {
        let b = self.values.get(4 * i..4 * i + 4)?;
        Some(f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// Copies the values into `out` (which must have [`Blob::len`] elements).
    pub fn read_into(&self, out: &mut [f32]) -> Result<(), Error> {
        check_len("blob values", self.len(), out.len())?;
        for (o, b) in out.iter_mut().zip(self.values.chunks_exact(4)) {
            *o = f32::from_le_bytes([b[0], b[1], b[2], b[3]]);
        }
        Ok(())
    }

    /// The network a Hebbian blob describes: its sizes and configuration.
    ///
    /// Errors: [`Error::CorruptBlob`] if the kind is not [`KIND_HEBBIAN`], an id
    /// is unknown, the sizes are invalid or the value count is not
    /// [`coeff_len`] of them.
    pub fn hebbian(&self) -> Result<(Topology, NetConfig), Error> {
        if self.header.kind != KIND_HEBBIAN {
            return Err(corrupt("not a Hebbian coefficient blob"));
        }
        let m = self.header.meta;
        let bad = |_| corrupt("unknown rule, sharing, norm or activation id");
        let config = NetConfig {
            rule: Rule::from_id(m[0]).map_err(bad)?,
            sharing: Sharing::from_id(m[1]).map_err(bad)?,
            norm: Norm::from_id(m[2], self.header.param).map_err(bad)?,
            output: Activation::from_id(m[3]).map_err(bad)?,
        };
        let mut sizes = [0usize; MAX_DIMS];
        let dims = self.header.dims();
        for (s, &d) in sizes.iter_mut().zip(dims) {
            *s = d as usize;
        }
        let topo =
            Topology::new(&sizes[..dims.len()]).map_err(|_| corrupt("invalid layer sizes"))?;
        if coeff_len(topo.sizes(), config.rule, config.sharing) != self.len() {
            return Err(corrupt(
                "coefficient count does not fit the layer sizes and rule",
            ));
        }
        Ok((topo, config))
    }

    /// The network a static network blob describes: its sizes and output activation.
    ///
    /// Errors: [`Error::CorruptBlob`] if the kind is not [`KIND_STATIC_NET`],
    /// the activation id is unknown, the sizes are invalid or the value count
    /// is not [`weight_len`] of them.
    pub fn static_net(&self) -> Result<(Topology, Activation), Error> {
        if self.header.kind != KIND_STATIC_NET {
            return Err(corrupt("not a static network blob"));
        }
        let output = Activation::from_id(self.header.meta[0])
            .map_err(|_| corrupt("unknown activation id"))?;
        let mut sizes = [0usize; MAX_DIMS];
        let dims = self.header.dims();
        for (s, &d) in sizes.iter_mut().zip(dims) {
            *s = d as usize;
        }
        let topo =
            Topology::new(&sizes[..dims.len()]).map_err(|_| corrupt("invalid layer sizes"))?;
        if weight_len(topo.sizes()) != self.len() {
            return Err(corrupt("weight count does not fit the layer sizes"));
        }
        Ok((topo, output))
    }

    /// The shape `(rows, features)` of a labelled dataset blob. Row `i`'s
    /// features are values `i·features .. (i+1)·features` ([`Blob::get`]), its
    /// label value `rows·features + i`.
    ///
    /// Errors: [`Error::CorruptBlob`] if the kind is not [`KIND_DATASET`], the
    /// dims are not `[rows, features]` with both > 0, or the value count is
    /// not `rows·(features + 1)`.
    pub fn dataset(&self) -> Result<(usize, usize), Error> {
        if self.header.kind != KIND_DATASET {
            return Err(corrupt("not a dataset blob"));
        }
        let &[rows, features] = self.header.dims() else {
            return Err(corrupt("a dataset has dims [rows, features]"));
        };
        let (rows, features) = (rows as usize, features as usize);
        let want = features.checked_add(1).and_then(|f| f.checked_mul(rows));
        if rows == 0 || features == 0 || want != Some(self.len()) {
            return Err(corrupt("value count is not rows x (features + 1)"));
        }
        Ok((rows, features))
    }

    /// Whether a Hebbian blob's coefficients were evolved for the fixed-point
    /// network ([`crate::fixed::hebbian::PlasticNetQ15`]; meta byte 4 = 1).
    pub fn hebbian_fixed_point(&self) -> bool {
        self.header.meta[4] == 1
    }
}

/// The header of a Hebbian coefficient blob for a network with these sizes and config.
pub fn hebbian_header(sizes: &[usize], config: &NetConfig) -> Result<Header, Error> {
    let topo = Topology::new(sizes)?;
    let mut dims = [0u32; MAX_DIMS];
    for (d, &s) in dims.iter_mut().zip(topo.sizes()) {
        *d = s as u32;
    }
    Header::new(
        KIND_HEBBIAN,
        [
            config.rule.id(),
            config.sharing.id(),
            config.norm.id(),
            config.output.id(),
            0,
            0,
            0,
            0,
        ],
        config.norm.param(),
        &dims[..sizes.len()],
    )
}

/// The header of a static network blob for a network with these sizes and
/// output activation.
pub fn static_net_header(sizes: &[usize], output: Activation) -> Result<Header, Error> {
    let topo = Topology::new(sizes)?;
    let mut dims = [0u32; MAX_DIMS];
    for (d, &s) in dims.iter_mut().zip(topo.sizes()) {
        *d = s as u32;
    }
    Header::new(
        KIND_STATIC_NET,
        [output.id(), 0, 0, 0, 0, 0, 0, 0],
        0.0,
        &dims[..sizes.len()],
    )
}

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

/// The transformer blob's activation byte (its own table, older than
/// [`Activation::id`], kept so existing blobs read the same): 0 ReLU, 1 GELU,
/// 2 linear, 3 tanh.
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

/// The header of a transformer block blob: kind [`KIND_TRANSFORMER`], meta
/// `[activation id, shared-QK flag, 0 × 6]`, dims `[n, d, heads, d_ff]`.
///
/// Errors: [`Error::InvalidArgument`] if d, heads or d_ff is zero, heads does
/// not divide d, or a size does not fit a `u32`.
pub fn transformer_header(spec: &TransformerSpec) -> Result<Header, Error> {
    let TransformerDims { d, heads, d_ff, .. } = spec.dims;
    if !valid_sizes(d, heads, d_ff) {
        return Err(Error::InvalidArgument {
            what: "transformer dims",
            expected: "non-zero d, heads, d_ff with heads dividing d",
        });
    }
    let mut dims = [0u32; 4];
    for (o, v) in dims.iter_mut().zip([spec.n, d, heads, d_ff]) {
        *o = u32::try_from(v).map_err(|_| Error::InvalidArgument {
            what: "transformer dims",
            expected: "sizes below 2^32",
        })?;
    }
    let meta = [
        act_id(spec.dims.act),
        spec.shared_qk as u8,
        0,
        0,
        0,
        0,
        0,
        0,
    ];
    Header::new(KIND_TRANSFORMER, meta, 0.0, &dims)
}

/// Writes a transformer block blob of `params` (laid out as
/// [`TransformerBlock::flat_len`] describes) into `out`; returns the bytes written.
///
/// Errors: those of [`transformer_header`]; [`Error::ShapeMismatch`] if
/// `params` is not `flat_len(dims, shared_qk)` long or `out` is too short
/// (nothing written).
pub fn encode_transformer(
    spec: &TransformerSpec,
    params: &[f32],
    out: &mut [u8],
) -> Result<usize, Error> {
    let header = transformer_header(spec)?;
    check_len(
        "transformer parameters",
        TransformerBlock::flat_len(spec.dims, spec.shared_qk),
        params.len(),
    )?;
    encode(&header, params, out)
}

impl Blob<'_> {
    /// The transformer block a [`KIND_TRANSFORMER`] blob describes. Read its
    /// values with [`Blob::read_into`] and build the block with
    /// [`TransformerBlock::from_flat`], or use [`TransformerBlock::from_blob`].
    ///
    /// Errors: [`Error::CorruptBlob`] if the kind is not [`KIND_TRANSFORMER`],
    /// there are not 4 dims, the activation id or flag is unknown, a reserved
    /// byte or the parameter is not zero, the sizes are invalid or the value
    /// count is not [`TransformerBlock::flat_len`] of them.
    pub fn transformer(&self) -> Result<TransformerSpec, Error> {
        if self.header.kind != KIND_TRANSFORMER {
            return Err(corrupt("not a transformer block blob"));
        }
        let &[n, d, heads, d_ff] = self.header.dims() else {
            return Err(corrupt("transformer blob needs dims [n, d, heads, d_ff]"));
        };
        let m = self.header.meta;
        let act = act_from_id(m[0]).ok_or(corrupt("unknown transformer activation id"))?;
        if m[1] > 1 || m[2..] != [0; 6] || self.header.param.to_bits() != 0 {
            return Err(corrupt("unknown transformer flags"));
        }
        let (d, heads, d_ff) = (d as usize, heads as usize, d_ff as usize);
        if !valid_sizes(d, heads, d_ff) {
            return Err(corrupt("invalid transformer sizes"));
        }
        let spec = TransformerSpec {
            n: n as usize,
            dims: TransformerDims {
                d,
                heads,
                d_ff,
                act,
            },
            shared_qk: m[1] == 1,
        };
        if TransformerBlock::flat_len(spec.dims, spec.shared_qk) != self.len() {
            return Err(corrupt("parameter count does not fit the transformer dims"));
        }
        Ok(spec)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The parser never panics, and accepts only what the encoder would write.
        #[test]
        fn parse_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..128)) {
            if let Ok(b) = Blob::parse(&bytes) {
                prop_assert_eq!(encoded_len(b.header.dims().len(), b.len()), bytes.len());
            }
        }

        /// Random bytes behind a valid header and length still fail the checksum
        /// unless they happen to match it.
        #[test]
        fn random_payload_with_valid_framing(vals in proptest::collection::vec(-10.0f32..10.0, 1..20), flip in 0usize..1000) {
            let h = Header::new(7, [1; 8], 0.5, &[vals.len() as u32]).unwrap();
            let mut buf = [0u8; 256];
            let n = encode(&h, &vals, &mut buf).unwrap();
            let b = Blob::parse(&buf[..n]).unwrap();
            prop_assert_eq!(b.len(), vals.len());
            prop_assert_eq!(b.get(0), Some(vals[0]));
            buf[flip % n] ^= 0x10;
            prop_assert!(Blob::parse(&buf[..n]).is_err());
        }
    }

    fn sample(buf: &mut [u8; 256]) -> usize {
        let cfg = NetConfig {
            rule: Rule::ABCDLr,
            sharing: Sharing::PerPostNeuron,
            norm: Norm::Clamp(2.5),
            output: Activation::Tanh,
        };
        let h = hebbian_header(&[4, 3, 1], &cfg).unwrap();
        let vals: [f32; 20] = core::array::from_fn(|i| i as f32 * 0.5 - 3.0);
        encode(&h, &vals, buf).unwrap()
    }

    #[test]
    fn crc_matches_known_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(fnv1a_f32(FNV_OFFSET, &[]), FNV_OFFSET);
    }

    #[test]
    fn roundtrip() {
        let mut buf = [0u8; 256];
        let n = sample(&mut buf);
        let b = Blob::parse(&buf[..n]).unwrap();
        assert_eq!(b.len(), 20);
        let (topo, cfg) = b.hebbian().unwrap();
        assert_eq!(topo.sizes(), &[4, 3, 1]);
        assert_eq!(cfg.norm, Norm::Clamp(2.5));
        assert_eq!(cfg.sharing, Sharing::PerPostNeuron);
        let mut v = [0.0f32; 20];
        b.read_into(&mut v).unwrap();
        assert_eq!(v[3], -1.5);
        assert_eq!(b.get(19), Some(6.5));
        assert_eq!(b.get(20), None);
    }

    #[test]
    fn every_corruption_is_rejected() {
        let mut buf = [0u8; 256];
        let n = sample(&mut buf);
        for cut in 0..n {
            assert!(matches!(
                Blob::parse(&buf[..cut]),
                Err(Error::CorruptBlob { .. })
            ));
        }
        for i in 0..n {
            for bit in [0x01u8, 0x80] {
                let mut b = buf;
                b[i] ^= bit;
                assert!(
                    matches!(Blob::parse(&b[..n]), Err(Error::CorruptBlob { .. })),
                    "flip at {i}"
                );
            }
        }
        let mut b = buf;
        b[4] = 2;
        assert_eq!(
            Blob::parse(&b[..n]).unwrap_err(),
            Error::CorruptBlob {
                reason: "unsupported version"
            }
        );
        assert!(matches!(
            Blob::parse(&buf[..n + 1]),
            Err(Error::CorruptBlob { .. })
        ));
        let mut small = [0u8; 10];
        assert!(encode(
            &Header::new(1, [0; 8], 0.0, &[1]).unwrap(),
            &[1.0],
            &mut small
        )
        .is_err());
    }
}

#[cfg(test)]
mod transformer_tests {
    extern crate std;
    use super::*;
    use crate::attention::{AttentionMode, LshConfig};
    use crate::nn::Activation;
    use crate::rng::Rng;
    use proptest::prelude::*;
    use std::vec;
    use std::vec::Vec;

    fn spec(d: usize, heads: usize, d_ff: usize, shared_qk: bool) -> TransformerSpec {
        TransformerSpec {
            n: 16,
            dims: TransformerDims {
                d,
                heads,
                d_ff,
                act: Activation::Gelu,
            },
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
        let mut p: Vec<f32> = (0..TransformerBlock::flat_len(s.dims, shared))
            .map(|_| rng.normal() * 0.3)
            .collect();
        p[..d].iter_mut().for_each(|g| *g += 1.0);
        let mut buf = vec![0u8; encoded_len(4, p.len())];
        let n = encode_transformer(&s, &p, &mut buf).unwrap();
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
                    config: LshConfig {
                        rounds: 2,
                        n_buckets: 4,
                        bucket_size: 8,
                        causal: false,
                    },
                }
            } else {
                AttentionMode::Full { causal: true }
            };
            let blob = Blob::parse(&bytes).unwrap();
            assert_eq!(blob.transformer().unwrap(), s);
            let mut table = vec![0.0f32; blob.len()];
            let from_blob = TransformerBlock::from_blob(&blob, &mut table, mode).unwrap();
            let from_flat = TransformerBlock::from_flat(&p, s.dims, mode).unwrap();
            let (a, b) = (run(&from_blob, n, d), run(&from_flat, n, d));
            assert!(a.iter().zip(&b).all(|(x, y)| x.to_bits() == y.to_bits()));
            assert!(table
                .iter()
                .zip(&p)
                .all(|(x, y)| x.to_bits() == y.to_bits()));
        }
    }

    #[test]
    #[cfg_attr(
        miri,
        ignore = "exhaustive over a large blob: too slow under Miri; runs natively"
    )]
    fn every_truncation_and_bit_flip_is_rejected() {
        let (_, _, bytes) = sample(4, 2, 6, false);
        for cut in 0..bytes.len() {
            assert!(matches!(
                Blob::parse(&bytes[..cut]),
                Err(Error::CorruptBlob { .. })
            ));
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
        let cfg = crate::hebbian::NetConfig {
            rule: crate::hebbian::Rule::ABCDLr,
            sharing: crate::hebbian::Sharing::PerPostNeuron,
            norm: crate::hebbian::Norm::Clamp(2.5),
            output: crate::hebbian::Activation::Tanh,
        };
        let h = hebbian_header(&[4, 3, 1], &cfg).unwrap();
        let mut buf = [0u8; 256];
        let n = encode(&h, &[0.5; 20], &mut buf).unwrap();
        let heb = Blob::parse(&buf[..n]).unwrap();
        let err = Error::CorruptBlob {
            reason: "not a transformer block blob",
        };
        assert_eq!(heb.transformer().unwrap_err(), err);
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
        assert!(matches!(blob.hebbian(), Err(Error::CorruptBlob { .. })));
        // Mode, buffer length, non-finite weights: errors, buffer untouched.
        let mut table = vec![0.0f32; p.len()];
        let rot = [1.0f32; 4];
        let lsh = AttentionMode::Lsh {
            rotations: &rot,
            config: LshConfig {
                rounds: 2,
                n_buckets: 2,
                bucket_size: 4,
                causal: false,
            },
        };
        assert!(matches!(
            TransformerBlock::from_blob(&blob, &mut table, lsh),
            Err(Error::InvalidArgument {
                what: "attention mode",
                ..
            })
        ));
        let full = AttentionMode::Full { causal: false };
        assert!(matches!(
            TransformerBlock::from_blob(&blob, &mut table[1..], full),
            Err(Error::ShapeMismatch { .. })
        ));
        let mut q = p.clone();
        q[9] = f32::NAN;
        let mut nan = vec![0u8; bytes.len()];
        encode_transformer(&s, &q, &mut nan).unwrap();
        assert_eq!(
            TransformerBlock::from_blob(&Blob::parse(&nan).unwrap(), &mut table, full).unwrap_err(),
            Error::NonFinite {
                what: "transformer parameters",
                index: 9
            }
        );
        assert!(table.iter().all(|&v| v == 0.0));
        // Well-framed blobs (valid CRC) with inconsistent contents.
        let bad = |h: Header, len: usize| {
            let mut b = vec![0u8; encoded_len(h.dims().len(), len)];
            encode(&h, &vec![0.1; len], &mut b).unwrap();
            Blob::parse(&b).unwrap().transformer()
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
            (
                Header::new(k, [4, 0, 0, 0, 0, 0, 0, 0], 0.0, &[16, 4, 2, 6]).unwrap(),
                p.len(),
            ),
            (
                Header::new(k, [1, 2, 0, 0, 0, 0, 0, 0], 0.0, &[16, 4, 2, 6]).unwrap(),
                p.len(),
            ),
            (
                Header::new(k, [1, 0, 0, 0, 0, 0, 0, 1], 0.0, &[16, 4, 2, 6]).unwrap(),
                p.len(),
            ),
            (Header::new(k, meta, 1.0, &[16, 4, 2, 6]).unwrap(), p.len()),
            (
                Header::new(k, meta, 0.0, &[16, u32::MAX, 1, u32::MAX]).unwrap(),
                3,
            ),
        ] {
            assert!(
                matches!(bad(h, len), Err(Error::CorruptBlob { .. })),
                "{h:?} {len}"
            );
        }
        // The encoder refuses what the decoder would refuse.
        assert!(matches!(
            encode_transformer(&s, &p[1..], &mut vec![0u8; bytes.len()]),
            Err(Error::ShapeMismatch { .. })
        ));
        assert!(matches!(
            encode_transformer(&spec(4, 3, 6, false), &p, &mut vec![0u8; bytes.len()]),
            Err(Error::InvalidArgument { .. })
        ));
        assert!(matches!(
            encode_transformer(&s, &p, &mut vec![0u8; bytes.len() - 1]),
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
                let _ = b.transformer();
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
