//! Versioned, checksummed parameter blobs, decoded without allocation.
//!
//! Layout (all integers and floats little-endian):
//!
//! | offset | size | field |
//! |---|---|---|
//! | 0 | 4 | magic `b"PLCB"` |
//! | 4 | 2 | version (`u16`, = [`VERSION`]) |
//! | 6 | 2 | kind (`u16`; [`KIND_HEBBIAN`] = 1, [`KIND_TRANSFORMER`] = 2, [`KIND_STATIC_NET`] = 3, [`KIND_DATASET`] = 4) |
//! | 8 | 8 | kind-specific bytes ([`Header::meta`]) |
//! | 16 | 4 | kind-specific `f32` ([`Header::param`]) |
//! | 20 | 4 | number of dims `n` (`u32`, 1..=[`MAX_DIMS`]) |
//! | 24 | 4n | dims (`u32` each; their meaning is the kind's) |
//! | 24+4n | 4 | number of values `c` (`u32`) |
//! | 28+4n | 4c | values (`f32`) |
//! | 28+4n+4c | 4 | CRC-32 (IEEE 802.3, reflected, as zlib's `crc32`) of every preceding byte |
//!
//! [`Blob::parse`] checks magic, version, dims, length and checksum before
//! anything is read; any failure is [`Error::CorruptBlob`]. The values stay in
//! the borrowed bytes; [`Blob::read_into`] copies them to a caller buffer.
//!
//! This module is the container only. Each kind's payload (what its meta
//! bytes, parameter and dims mean) is parsed and written beside the type it
//! describes: [`crate::hebbian::blob`] (Hebbian coefficients and static
//! network weights), [`crate::attention::blob`] (transformer blocks); a
//! labelled dataset, which has no type of its own, is [`Blob::dataset`].

use crate::checksum::crc32;
use crate::error::{check_len, Error};

/// The four magic bytes.
pub const MAGIC: [u8; 4] = *b"PLCB";
/// The format version this code reads and writes.
pub const VERSION: u16 = 1;
/// Kind id of Hebbian coefficient blobs ([`crate::hebbian::blob::NetSpec`]).
pub const KIND_HEBBIAN: u16 = 1;
/// Kind id of pre-LN transformer block parameter blobs
/// ([`crate::attention::blob::TransformerSpec`]).
pub const KIND_TRANSFORMER: u16 = 2;
/// Kind id of static network weight blobs
/// ([`crate::hebbian::blob::StaticNetSpec`]): the weights, layer after layer.
pub const KIND_STATIC_NET: u16 = 3;
/// Kind id of labelled dataset blobs: `rows × features` values row-major,
/// then `rows` labels (whole numbers stored as f32); see [`Blob::dataset`].
pub const KIND_DATASET: u16 = 4;
/// Largest number of dims.
pub const MAX_DIMS: usize = 8;
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
    /// A header.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] if `dims` is empty or longer than [`MAX_DIMS`].
    pub fn new(kind: u16, meta: [u8; 8], param: f32, dims: &[u32]) -> Result<Self, Error> {
        if dims.is_empty() || dims.len() > MAX_DIMS {
            return Err(Error::InvalidArgument { what: "blob dims", expected: "1 to 8 dims" });
        }
        let mut d = [0; MAX_DIMS];
        d[..dims.len()].copy_from_slice(dims);
        Ok(Header { kind, meta, param, dims: d, n_dims: dims.len() })
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
/// # Errors
/// [`Error::ShapeMismatch`] if `out` is shorter than needed (nothing written).
pub fn encode(header: &Header, values: &[f32], out: &mut [u8]) -> Result<usize, Error> {
    let n = encoded_len(header.n_dims, values.len());
    if out.len() < n {
        return Err(Error::ShapeMismatch { what: "blob buffer", expected: n, found: out.len() });
    }
    let Some((body, tail)) = out.split_at_mut_checked(n.saturating_sub(4)) else {
        return Err(Error::ShapeMismatch { what: "blob buffer", expected: n, found: out.len() });
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
    ///
    /// # Errors
    /// [`Error::CorruptBlob`] as above.
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
        Ok(Blob { header, values: bytes.get(start..expected - 4).ok_or(corrupt("truncated"))? })
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
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] if `out.len()` differs from [`Blob::len`].
    pub fn read_into(&self, out: &mut [f32]) -> Result<(), Error> {
        check_len("blob values", self.len(), out.len())?;
        for (o, b) in out.iter_mut().zip(self.values.chunks_exact(4)) {
            *o = f32::from_le_bytes([b[0], b[1], b[2], b[3]]);
        }
        Ok(())
    }

    /// The shape `(rows, features)` of a labelled dataset blob. Row `i`'s
    /// features are values `i·features .. (i+1)·features` ([`Blob::get`]), its
    /// label value `rows·features + i`.
    ///
    /// # Errors
    /// [`Error::CorruptBlob`] if the kind is not [`KIND_DATASET`], the
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
        let h = Header::new(KIND_HEBBIAN, [1, 2, 3, 4, 0, 0, 0, 0], 2.5, &[4, 3, 1]).unwrap();
        let vals: [f32; 20] = core::array::from_fn(|i| i as f32 * 0.5 - 3.0);
        encode(&h, &vals, buf).unwrap()
    }

    #[test]
    fn roundtrip() {
        let mut buf = [0u8; 256];
        let n = sample(&mut buf);
        assert_eq!(n, encoded_len(3, 20));
        let b = Blob::parse(&buf[..n]).unwrap();
        assert_eq!(b.len(), 20);
        assert_eq!(b.header.dims(), &[4, 3, 1]);
        assert_eq!(b.header.meta, [1, 2, 3, 4, 0, 0, 0, 0]);
        assert_eq!(b.header.param, 2.5);
        let mut v = [0.0f32; 20];
        b.read_into(&mut v).unwrap();
        assert_eq!(v[3], -1.5);
        assert_eq!(b.get(19), Some(6.5));
        assert_eq!(b.get(20), None);
        assert!(b.read_into(&mut [0.0; 19]).is_err());
    }

    #[test]
    fn every_corruption_is_rejected() {
        let mut buf = [0u8; 256];
        let n = sample(&mut buf);
        for cut in 0..n {
            assert!(matches!(Blob::parse(&buf[..cut]), Err(Error::CorruptBlob { .. })));
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
            Error::CorruptBlob { reason: "unsupported version" }
        );
        assert!(matches!(Blob::parse(&buf[..n + 1]), Err(Error::CorruptBlob { .. })));
        let mut small = [0u8; 10];
        assert!(encode(&Header::new(1, [0; 8], 0.0, &[1]).unwrap(), &[1.0], &mut small).is_err());
    }
}
