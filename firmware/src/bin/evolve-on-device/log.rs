//! The application's log lines (f32 values as their bits, in hex).

use crate::network::Q15;
use crate::persist::{crc, encode, BLOB};
use plasticore::evolution::{Evolution, Generation};

/// `app|evolve-on-device|board|core|unit`.
pub fn start() {
    use plasticore_firmware::{Board, Target};
    let (name, core, unit) = (Target::NAME, Target::CORE, Target::UNIT);
    defmt::info!("app|evolve-on-device|{=str}|{=str}|{=str}", name, core, unit);
}

/// `control|0|return` of the deployed coefficients on seed 0; false on an error.
pub fn control(ret: Result<f32, plasticore::Error>) -> bool {
    if let Ok(r) = ret {
        defmt::info!("control|0|{=f32}", r);
    }
    ret.is_ok()
}

/// `gen|index|mean|max|validation|units so far` (`-`: no validation ran).
pub fn generation(g: &Generation, units: u64) {
    let (i, m, x) = (g.index, g.mean.to_bits(), g.max.to_bits());
    match g.validation {
        Some(v) => {
            let v = v.to_bits();
            defmt::info!("gen|{=u64}|{=u32:08x}|{=u32:08x}|{=u32:08x}|{=u64}", i, m, x, v, units)
        }
        None => defmt::info!("gen|{=u64}|{=u32:08x}|{=u32:08x}|-|{=u64}", i, m, x, units),
    }
}

/// `evolved|network|generations|validation|blob bytes|blob CRC-32|units`
/// (the CRC-32 the blob ends with):
/// the best coefficients as the blob `plasticore evolve` writes; false if
/// it cannot be encoded.
pub fn evolved(run: &Evolution, units: u64) -> bool {
    let (coeffs, v) = run.best();
    let mut blob = [0u8; BLOB];
    let Some(len) = encode(coeffs, &mut blob) else { return false };
    let (net, gens, v) = (if Q15 { "q15" } else { "f32" }, run.generations_run(), v.unwrap_or(0.0));
    let crc = crc(blob.get(..len).unwrap_or(&[]));
    defmt::info!(
        "evolved|{=str}|{=u64}|{=u32:08x}|{=u32}|{=u32:08x}|{=u64}",
        net,
        gens,
        v.to_bits(),
        len as u32,
        crc,
        units
    );
    true
}
