//! Checksums: CRC-32 for parameter blobs ([`crate::blob`]) and FNV-1a for
//! cheap fingerprints of weights (the boards log them to prove bit-identity).

/// FNV-1a 32-bit offset basis: the state to start [`fnv1a_f32`] from.
pub const FNV_OFFSET: u32 = 0x811C_9DC5;
const FNV_PRIME: u32 = 0x0100_0193;

/// CRC-32 of each 4-bit value: the reflected polynomial's remainders.
const fn crc_table() -> [u32; 16] {
    let mut t = [0u32; 16];
    let mut i = 0;
    while i < 16 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 4 {
            c = if c & 1 != 0 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 };
            k += 1;
        }
        t[i] = c;
        i += 1;
    }
    t
}
/// Sixteen entries (64 bytes), a nibble at a time: a 256-entry table would
/// cost 1 KiB of flash for a checksum taken once per blob.
static CRC_TABLE: [u32; 16] = crc_table();

/// CRC-32 (IEEE, reflected polynomial 0xEDB88320, init and final xor 0xFFFFFFFF):
/// equals Python's `zlib.crc32`.
///
/// ```
/// assert_eq!(plasticore::checksum::crc32(b"123456789"), 0xCBF4_3926);
/// ```
pub fn crc32(bytes: &[u8]) -> u32 {
    crc32_extend(0, bytes)
}

/// The CRC-32 of `a ‖ bytes` from `crc = crc32(a)`: a checksum computed a
/// piece at a time (Python's `zlib.crc32(bytes, crc)`).
///
/// ```
/// use plasticore::checksum::{crc32, crc32_extend};
/// assert_eq!(crc32_extend(crc32(b"1234"), b"56789"), crc32(b"123456789"));
/// ```
pub fn crc32_extend(crc: u32, bytes: &[u8]) -> u32 {
    let mut c = !crc;
    for &b in bytes {
        c ^= b as u32;
        c = CRC_TABLE[(c & 0xF) as usize] ^ (c >> 4);
        c = CRC_TABLE[(c & 0xF) as usize] ^ (c >> 4);
    }
    !c
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_and_fnv_match_known_values() {
        // The CRC-32 check value of the catalogue (and of zlib.crc32).
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
        assert_eq!(fnv1a_f32(FNV_OFFSET, &[]), FNV_OFFSET);
        // FNV-1a of the bytes of [1.0, -2.5] (little-endian), computed
        // with Python from the published definition.
        assert_eq!(fnv1a_f32(FNV_OFFSET, &[1.0, -2.5]), 0x787D_66F8);
        assert_eq!(fnv1a_f32(fnv1a_f32(FNV_OFFSET, &[1.0]), &[-2.5]), 0x787D_66F8);
    }
}
