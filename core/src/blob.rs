//! Versioned, checksummed parameter blobs, decoded without allocation.
//!
//! Layout (all integers and floats little-endian):
//!
//! | offset | size | field |
//! |---|---|---|
//! | 0 | 4 | magic `b"PLCB"` |
//! | 4 | 2 | version (`u16`, = [`VERSION`]) |
//! | 6 | 2 | kind (`u16`; [`KIND_HEBBIAN`] = 1) |
//! | 8 | 8 | kind-specific bytes (Hebbian: rule id, sharing id, norm id, output activation id, 0, 0, 0, 0) |
//! | 16 | 4 | kind-specific `f32` (Hebbian: clamp bound, else 0) |
//! | 20 | 4 | number of dims `n` (`u32`, 1..=[`MAX_DIMS`]) |
//! | 24 | 4n | dims (`u32` each; Hebbian: layer sizes `[in, hidden…, out]`) |
//! | 24+4n | 4 | number of values `c` (`u32`) |
//! | 28+4n | 4c | values (`f32`) |
//! | 28+4n+4c | 4 | CRC-32 (IEEE 802.3, reflected, as zlib's `crc32`) of every preceding byte |
//!
//! [`Blob::parse`] checks magic, version, dims, length and checksum before
//! anything is read; any failure is [`Error::CorruptBlob`]. The values stay in
//! the borrowed bytes; [`Blob::read_into`] copies them to a caller buffer.

use crate::error::{check_len, Error};
use crate::hebbian::{coeff_len, Activation, NetConfig, Norm, Rule, Sharing, Topology};

/// The four magic bytes.
pub const MAGIC: [u8; 4] = *b"PLCB";
/// The format version this code reads and writes.
pub const VERSION: u16 = 1;
/// Kind id of Hebbian coefficient blobs.
pub const KIND_HEBBIAN: u16 = 1;
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
        &self.dims[..self.n_dims]
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
    let mut pos = 0;
    let mut put = |bytes: &[u8]| {
        out[pos..pos + bytes.len()].copy_from_slice(bytes);
        pos += bytes.len();
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
    let crc = crc32(&out[..n - 4]);
    out[n - 4..n].copy_from_slice(&crc.to_le_bytes());
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
            values: &bytes[start..start + 4 * count],
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
