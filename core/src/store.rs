//! A parameter blob kept in NOR flash across resets, safe against a power
//! cut: what a board learned survives the next boot.
//!
//! Two slots of `slot_size` bytes (whole erase sectors) from `base`; a save
//! goes to the slot not holding the newest blob, so that one is never
//! touched. A slot is a record
//!
//! | offset | bytes | field |
//! |---|---|---|
//! | 0 | 4 | sequence number (u32, little-endian; the newer save has the higher) |
//! | 4 | 4 | blob length `n` |
//! | 8 | 4 | magic `PLST` |
//! | 12 | `n` | the blob ([`crate::blob`], ending in its CRC-32) |
//!
//! A save erases its slot, writes the blob, then the 12-byte header: a cut
//! before the header's last word leaves no magic, so the slot is invalid and
//! the other one, untouched, is loaded. A slot is valid when its magic is
//! there, its length fits, and the CRC-32 its blob ends with is that of the
//! bytes before it (read 64 bytes at a time: no buffer of a slot's size).
//! Writes go through a 64-byte buffer, padded with `0xFF` to the flash's
//! write size (at most 64 bytes: the nRF52840, RP2040 and ESP32-C3 qualify).

use embedded_storage::nor_flash::{NorFlash, NorFlashError, NorFlashErrorKind};

use crate::blob::Blob;
use crate::checksum::crc32_extend;
use crate::error::Error;

/// The last word of a slot's header.
pub const MAGIC: [u8; 4] = *b"PLST";
/// Bytes of a slot's header.
pub const HEADER: usize = 12;
/// The largest write size a store handles (its write buffer).
const CHUNK: usize = 64;

/// A blob in two flash slots (see the module docs).
#[derive(Debug)]
pub struct BlobStore<F> {
    flash: F,
    base: u32,
    slot_size: u32,
}

fn flash_err<E: NorFlashError>(e: E) -> Error {
    Error::Storage {
        what: match e.kind() {
            NorFlashErrorKind::NotAligned => "not aligned",
            NorFlashErrorKind::OutOfBounds => "out of bounds",
            _ => "other",
        },
    }
}

impl<F: NorFlash> BlobStore<F> {
    /// A store over `flash` with its two slots of `slot_size` bytes at `base`.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] unless `base` and `slot_size` are whole
    /// erase sectors, `slot_size` holds a header and a blob, both slots lie
    /// inside the flash, and its write size divides 64.
    pub fn new(flash: F, base: u32, slot_size: u32) -> Result<Self, Error> {
        let (b, s, erase) = (base as usize, slot_size as usize, F::ERASE_SIZE);
        let end = s.checked_mul(2).and_then(|two| two.checked_add(b));
        let fits = end.is_some_and(|e| e <= flash.capacity());
        let aligned = erase > 0 && b.is_multiple_of(erase) && s.is_multiple_of(erase);
        let writable = F::WRITE_SIZE > 0 && CHUNK.is_multiple_of(F::WRITE_SIZE);
        if !(fits && aligned && writable && s > HEADER) {
            return Err(Error::InvalidArgument {
                what: "blob store",
                expected:
                    "two slots of whole erase sectors inside the flash, a write size dividing 64",
            });
        }
        Ok(BlobStore { flash, base, slot_size })
    }

    /// The flash, given back.
    pub fn into_inner(self) -> F {
        self.flash
    }

    /// The largest blob a slot holds.
    pub fn capacity(&self) -> usize {
        self.slot_size as usize - HEADER
    }

    /// Sequence number and length of slot `i`'s blob, if the slot is valid.
    fn slot(&mut self, i: u32) -> Result<Option<(u32, usize)>, Error> {
        let at = self.base + i * self.slot_size;
        let mut h = [0u8; HEADER];
        self.flash.read(at, &mut h).map_err(flash_err)?;
        let word = |w: [u8; 4]| u32::from_le_bytes(w);
        let (seq, len) = (word([h[0], h[1], h[2], h[3]]), word([h[4], h[5], h[6], h[7]]) as usize);
        if h[8..] != MAGIC || len > self.capacity() || len < 4 {
            return Ok(None);
        }
        // The CRC-32 of the blob's bytes before its last four, against them.
        let (mut crc, mut buf, mut done) = (0u32, [0u8; CHUNK], 0usize);
        let body = at + HEADER as u32;
        while done < len - 4 {
            let part = crate::slices::window_mut(&mut buf, 0, (len - 4 - done).min(CHUNK));
            self.flash.read(body + done as u32, part).map_err(flash_err)?;
            crc = crc32_extend(crc, part);
            done += part.len().max(1);
        }
        let mut tail = [0u8; 4];
        self.flash.read(body + len as u32 - 4, &mut tail).map_err(flash_err)?;
        Ok((word(tail) == crc).then_some((seq, len)))
    }

    /// Slot 0's and slot 1's `(sequence, length)` when valid, and which of
    /// them holds the newest blob.
    fn newest(&mut self) -> Result<Option<(u32, u32, usize)>, Error> {
        let newer = |a: u32, b: u32| a.wrapping_sub(b) as i32 > 0;
        Ok(match (self.slot(0)?, self.slot(1)?) {
            (Some((sa, la)), Some((sb, _))) if newer(sa, sb) => Some((0, sa, la)),
            (_, Some((sb, lb))) => Some((1, sb, lb)),
            (Some((sa, la)), None) => Some((0, sa, la)),
            (None, None) => None,
        })
    }

    /// Loads the newest valid blob into the front of `out`; its length, or
    /// `None` when neither slot holds one.
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] if `out` is shorter than the blob;
    /// [`Error::CorruptBlob`] if its checksum holds but it does not parse
    /// (not a blob this store saved); [`Error::Storage`] if the flash
    /// refuses a read.
    pub fn load(&mut self, out: &mut [u8]) -> Result<Option<usize>, Error> {
        let Some((slot, _, len)) = self.newest()? else { return Ok(None) };
        let Some(body) = out.get_mut(..len) else {
            return Err(Error::ShapeMismatch {
                what: "out (bytes)",
                expected: len,
                found: out.len(),
            });
        };
        let at = self.base + slot * self.slot_size + HEADER as u32;
        self.flash.read(at, body).map_err(flash_err)?;
        Blob::parse(body)?;
        Ok(Some(len))
    }

    /// Saves `blob` to the slot not holding the newest valid blob, with the
    /// next sequence number.
    ///
    /// # Errors
    /// [`Error::CorruptBlob`] if `blob` does not parse (nothing is written);
    /// [`Error::ShapeMismatch`] if it is longer than a slot holds;
    /// [`Error::Storage`] if the flash refuses (the newest blob stays valid).
    pub fn save(&mut self, blob: &[u8]) -> Result<(), Error> {
        Blob::parse(blob)?;
        if blob.len() > self.capacity() {
            return Err(Error::ShapeMismatch {
                what: "blob (bytes, at most a slot's capacity)",
                expected: self.capacity(),
                found: blob.len(),
            });
        }
        let (slot, seq) = match self.newest()? {
            Some((newest, seq, _)) => (1 - newest, seq.wrapping_add(1)),
            None => (0, 0),
        };
        let at = self.base + slot * self.slot_size;
        self.flash.erase(at, at + self.slot_size).map_err(flash_err)?;
        self.write_padded(at + HEADER as u32, blob)?;
        let mut h = [0u8; HEADER];
        h[..4].copy_from_slice(&seq.to_le_bytes());
        h[4..8].copy_from_slice(&(blob.len() as u32).to_le_bytes());
        h[8..].copy_from_slice(&MAGIC);
        self.write_padded(at, &h)
    }

    /// Writes `bytes` at `at` in chunks of [`CHUNK`], the last padded with
    /// `0xFF` (erased flash) to a whole number of write units.
    fn write_padded(&mut self, mut at: u32, bytes: &[u8]) -> Result<(), Error> {
        for part in bytes.chunks(CHUNK) {
            let mut buf = [0xFFu8; CHUNK];
            crate::slices::copy(&mut buf, part);
            // ≤ CHUNK: `new` checked that the write size divides it.
            let n = part.len().div_ceil(F::WRITE_SIZE) * F::WRITE_SIZE;
            self.flash.write(at, crate::slices::window(&buf, 0, n)).map_err(flash_err)?;
            at += CHUNK as u32;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use embedded_storage::nor_flash::{ErrorType, ReadNorFlash};

    /// NOR flash in RAM with 256-byte sectors and 4-byte writes that can
    /// only clear bits (as NOR does), and that loses power after `budget`
    /// more bytes are written: the write in progress stops at that byte.
    struct CutFlash {
        mem: [u8; 2048],
        budget: usize,
    }

    #[derive(Debug)]
    struct PowerLost;

    impl NorFlashError for PowerLost {
        fn kind(&self) -> NorFlashErrorKind {
            NorFlashErrorKind::Other
        }
    }

    impl ErrorType for CutFlash {
        type Error = PowerLost;
    }

    impl ReadNorFlash for CutFlash {
        const READ_SIZE: usize = 1;
        fn read(&mut self, offset: u32, bytes: &mut [u8]) -> Result<(), PowerLost> {
            let o = offset as usize;
            bytes.copy_from_slice(&self.mem[o..o + bytes.len()]);
            Ok(())
        }
        fn capacity(&self) -> usize {
            self.mem.len()
        }
    }

    impl NorFlash for CutFlash {
        const WRITE_SIZE: usize = 4;
        const ERASE_SIZE: usize = 256;
        fn erase(&mut self, from: u32, to: u32) -> Result<(), PowerLost> {
            assert!(from.is_multiple_of(256) && to.is_multiple_of(256), "erase {from}..{to}");
            self.mem[from as usize..to as usize].fill(0xFF);
            Ok(())
        }
        fn write(&mut self, offset: u32, bytes: &[u8]) -> Result<(), PowerLost> {
            assert!(offset.is_multiple_of(4) && bytes.len().is_multiple_of(4), "write {offset}");
            for (i, b) in bytes.iter().enumerate() {
                if self.budget == 0 {
                    return Err(PowerLost);
                }
                self.budget -= 1;
                self.mem[offset as usize + i] &= b;
            }
            Ok(())
        }
    }

    /// A blob of `n` values `k, k+1, …`.
    fn blob(k: f32, n: usize) -> ([u8; 512], usize) {
        let mut values = [0.0f32; 64];
        for (i, v) in values.iter_mut().enumerate() {
            *v = k + i as f32;
        }
        let h = crate::blob::Header::new(1, [0; 8], 0.0, &[n as u32]).unwrap();
        let mut out = [0u8; 512];
        let len = crate::blob::encode(&h, &values[..n], &mut out).unwrap();
        (out, len)
    }

    fn fresh() -> CutFlash {
        CutFlash { mem: [0xFF; 2048], budget: usize::MAX }
    }

    #[test]
    fn empty_flash_loads_nothing_and_saves_alternate_slots() {
        let mut s = BlobStore::new(fresh(), 512, 512).unwrap();
        let mut out = [0u8; 500];
        assert_eq!(s.load(&mut out).unwrap(), None);
        for k in 0..5 {
            let (b, n) = blob(k as f32, 20 + k);
            s.save(&b[..n]).unwrap();
            assert_eq!(s.load(&mut out).unwrap(), Some(n));
            assert_eq!(&out[..n], &b[..n], "save {k}");
        }
        // A new store over the same flash (the next boot) finds the last one.
        let mut again = BlobStore::new(s.into_inner(), 512, 512).unwrap();
        let (b, n) = blob(4.0, 24);
        assert_eq!(again.load(&mut out).unwrap(), Some(n));
        assert_eq!(&out[..n], &b[..n]);
    }

    #[test]
    fn a_cut_at_any_byte_of_a_save_leaves_the_old_or_the_new_blob() {
        let (old, on) = blob(1.0, 30);
        let (new, nn) = blob(100.0, 31);
        // Every cut point, from before the first byte to after the last.
        let total = nn.div_ceil(4) * 4 + HEADER;
        for cut in 0..=total {
            let mut s = BlobStore::new(fresh(), 0, 256).unwrap();
            s.save(&old[..on]).unwrap();
            s.save(&old[..on]).unwrap(); // both slots written once
            let mut flash = s.into_inner();
            flash.budget = cut;
            let mut s = BlobStore::new(flash, 0, 256).unwrap();
            let r = s.save(&new[..nn]);
            assert_eq!(r.is_ok(), cut == total, "cut {cut}");
            let mut flash = s.into_inner();
            flash.budget = usize::MAX;
            let mut out = [0u8; 300];
            let got = BlobStore::new(flash, 0, 256).unwrap().load(&mut out).unwrap();
            if cut == total {
                assert_eq!((got, &out[..nn]), (Some(nn), &new[..nn]), "cut {cut}");
            } else {
                assert_eq!((got, &out[..on]), (Some(on), &old[..on]), "cut {cut}");
            }
        }
    }

    #[test]
    fn bad_input_is_refused_and_writes_nothing() {
        assert!(BlobStore::new(fresh(), 100, 256).is_err(), "base not a sector");
        assert!(BlobStore::new(fresh(), 0, 300).is_err(), "slot not whole sectors");
        assert!(BlobStore::new(fresh(), 1024, 768).is_err(), "past the end");
        let mut s = BlobStore::new(fresh(), 0, 256).unwrap();
        let (mut b, n) = blob(1.0, 10);
        b[20] ^= 1;
        assert!(matches!(s.save(&b[..n]), Err(Error::CorruptBlob { .. })));
        let (big, bn) = blob(1.0, 60);
        assert!(matches!(s.save(&big[..bn]), Err(Error::ShapeMismatch { .. })));
        assert!(s.into_inner().mem.iter().all(|&x| x == 0xFF), "nothing written");
        // A corrupt slot (a flipped bit in its blob) is skipped for the other.
        let mut s = BlobStore::new(fresh(), 0, 256).unwrap();
        let (b1, n1) = blob(1.0, 10);
        let (b2, n2) = blob(2.0, 10);
        s.save(&b1[..n1]).unwrap();
        s.save(&b2[..n2]).unwrap();
        let mut flash = s.into_inner();
        flash.mem[256 + HEADER + 30] ^= 0x10; // slot 1 holds the newer
        let mut out = [0u8; 300];
        let mut s = BlobStore::new(flash, 0, 256).unwrap();
        assert_eq!(s.load(&mut out).unwrap(), Some(n1));
        assert_eq!(&out[..n1], &b1[..n1]);
        // A buffer too short for the stored blob is an error.
        assert!(matches!(s.load(&mut [0u8; 8]), Err(Error::ShapeMismatch { .. })));
    }
}
