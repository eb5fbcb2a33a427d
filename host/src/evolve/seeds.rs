//! Episode seeds: training (bit 63 set) and validation (bits 63..62 = `01`)
//! never meet each other nor the small seeds of `simulate` and the tests.

/// Seed of training episode `e` of generation `g` (bit 63 set).
pub fn train_seed(run: u64, g: u64, e: usize) -> u64 {
    mix(run ^ 0x5452_4149_4E00_0000, g.wrapping_mul(1_000_003) + e as u64) | (1 << 63)
}

/// Seed of validation episode `e` (bits 63..62 = 01).
pub fn validation_seed(run: u64, e: usize) -> u64 {
    (mix(run ^ 0x5641_4C49_4400_0000, e as u64) & !(3 << 62)) | (1 << 62)
}

fn mix(a: u64, b: u64) -> u64 {
    let mut z = a ^ b.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}
