//! What was learned survives a reset: the coefficients as a blob
//! (`plasticore evolve`'s format, CRC-32 included) in two flash slots
//! ([`plasticore::store::BlobStore`]) of the board's flash; on the emulated
//! boards RAM that behaves as NOR flash, whose power a test cuts mid-save.

use crate::network::{CONFIG, DIM, Q15, SIZES};
use embedded_storage::nor_flash::NorFlash;
use plasticore::blob::{encoded_len, Blob};
use plasticore::hebbian::NetSpec;
use plasticore::store::BlobStore;
use plasticore_firmware::flash::{slots, CutPower};

/// Bytes of the coefficient blob.
pub const BLOB: usize = encoded_len(SIZES.len(), DIM);
/// Where the power goes in the test of a cut save: half-way through the blob.
pub const CUT: u32 = BLOB as u32 / 2;

/// `coeffs` as the blob `plasticore evolve` writes for this network, into
/// `out`; its length, or `None` if it cannot be encoded.
pub fn encode(coeffs: &[f32], out: &mut [u8; BLOB]) -> Option<usize> {
    let spec = NetSpec::new(&SIZES, CONFIG).map(|s| NetSpec { fixed_point: Q15, ..s });
    spec.and_then(|s| s.encode(coeffs, out)).ok()
}

/// The blob's checksum field (its last four bytes: the CRC-32 of the rest).
pub fn crc(blob: &[u8]) -> u32 {
    let t = blob.get(blob.len().saturating_sub(4)..).unwrap_or(&[]);
    t.try_into().map_or(0, u32::from_le_bytes)
}

/// Saves `coeffs` as a blob (the power cut after `cut` bytes, where the
/// flash can simulate it) and loads at the "next boot" (a new store over
/// the same flash, power back): logs `persist|saved or cut at N|loaded
/// CRC-32` and gives the loaded coefficients into `coeffs`; false on an error.
pub fn save_and_reboot<F>(flash: &mut F, coeffs: &mut [f32; DIM], cut: Option<u32>) -> bool
where
    F: NorFlash + CutPower,
{
    let mut blob = [0u8; BLOB];
    let Some(len) = encode(coeffs, &mut blob) else { return false };
    let cut = cut.filter(|&n| flash.cut_power_after(n));
    let (base, slot) = slots(flash);
    let blob = blob.get(..len).unwrap_or(&[]);
    let saved = BlobStore::new(&mut *flash, base, slot).and_then(|mut s| s.save(blob));
    flash.restore_power();
    // The next boot: what the flash holds now.
    let mut back = [0u8; BLOB];
    let Ok(Some(n)) = BlobStore::new(&mut *flash, 0, 1024).and_then(|mut s| s.load(&mut back))
    else {
        return false;
    };
    let back = back.get(..n).unwrap_or(&[]);
    let loaded = crc(back);
    match cut {
        Some(c) => defmt::info!("persist|cut at {=u32}|{=u32:08x}", c, loaded),
        None => defmt::info!("persist|saved|{=u32:08x}", loaded),
    }
    let read = Blob::parse(back).and_then(|b| b.read_into(coeffs));
    read.is_ok() && saved.is_ok() == cut.is_none()
}
