//! Core kernels compiled a second time with the host CPU's wide vectors.
//!
//! The core is built for the baseline x86-64 (SSE2). A kernel marked
//! `#[inline(always)]` in core is compiled into the `#[target_feature]`
//! function that calls it, so its loops use AVX2 when the CPU has it (checked
//! at run time), with the same operations in the same order: AVX2 without FMA
//! changes no bit (Rust never fuses a multiply and an add on its own).

use plasticore::lsh::crosspolytope::{batch_scratch_len, crosspolytope_bucket_batch};
use plasticore::lsh::hyperplane::{hyperplane_hash_batch, Hyperplane};
use plasticore::Error;

/// The vector extension [`hash_batch`] uses on this CPU.
pub fn extension() -> &'static str {
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("avx2") {
        return "AVX2";
    }
    "baseline"
}

/// [`hyperplane_hash_batch`] with AVX2 when the CPU has it.
pub fn hash_batch(xs: &[f32], planes: &[f32], b: usize, codes: &mut [u8]) -> Result<(), Error> {
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU supports AVX2 (checked on the line above).
        return unsafe { hash_batch_avx2(xs, planes, b, codes) };
    }
    hyperplane_hash_batch(xs, planes, b, codes)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn hash_batch_avx2(xs: &[f32], planes: &[f32], b: usize, codes: &mut [u8]) -> Result<(), Error> {
    hyperplane_hash_batch(xs, planes, b, codes)
}

/// [`Hyperplane::hash_batch`] with AVX2 when the CPU has it.
pub fn hash_batch_u64<const D: usize, const B: usize>(
    h: &Hyperplane<D, B>,
    xs: &[[f32; D]],
    codes: &mut [u64],
) -> Result<(), Error> {
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU supports AVX2 (checked on the line above).
        return unsafe { hash_batch_u64_avx2(h, xs, codes) };
    }
    h.hash_batch(xs, codes)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn hash_batch_u64_avx2<const D: usize, const B: usize>(
    h: &Hyperplane<D, B>,
    xs: &[[f32; D]],
    codes: &mut [u64],
) -> Result<(), Error> {
    h.hash_batch(xs, codes)
}

/// [`crosspolytope_bucket_batch`] with AVX2 when the CPU has it (scratch
/// allocated here): the buckets of the rows of `xs` (`[n, d]`, `n = out.len()`).
pub fn crosspolytope_batch(
    xs: &[f32],
    d: usize,
    signs: &[f32],
    dp: usize,
    out: &mut [u32],
) -> Result<(), Error> {
    let mut scratch = vec![0.0f32; batch_scratch_len(dp.min(1 << 24))];
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU supports AVX2 (checked on the line above).
        return unsafe { crosspolytope_batch_avx2(xs, d, signs, dp, &mut scratch, out) };
    }
    crosspolytope_bucket_batch(xs, d, signs, dp, &mut scratch, out)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn crosspolytope_batch_avx2(
    xs: &[f32],
    d: usize,
    signs: &[f32],
    dp: usize,
    scratch: &mut [f32],
    out: &mut [u32],
) -> Result<(), Error> {
    crosspolytope_bucket_batch(xs, d, signs, dp, scratch, out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use plasticore::lsh::hyperplane::hyperplane_hash;
    use plasticore::rng::Rng;

    /// The wide build of the batch cross-polytope gives the one-row buckets.
    #[test]
    fn wide_crosspolytope_equals_one_row() {
        use plasticore::lsh::crosspolytope::{crosspolytope_bucket, crosspolytope_signs};
        let (d, dp, k) = (50, 64, 3);
        let mut rng = Rng::new(12);
        let mut xs = vec![0.0f32; 1003 * d];
        rng.fill_normal(&mut xs);
        let mut signs = vec![0.0f32; k * dp];
        crosspolytope_signs(5, dp, &mut signs).unwrap();
        let mut out = vec![0u32; 1003];
        crosspolytope_batch(&xs, d, &signs, dp, &mut out).unwrap();
        let mut y = vec![0.0f32; dp];
        for (x, &b) in xs.chunks_exact(d).zip(&out) {
            assert_eq!(crosspolytope_bucket(x, &signs, dp, &mut y).unwrap(), b);
        }
    }

    /// The wide build gives the codes of the one-vector kernel (which the
    /// board cases match bit for bit), including groups of fewer than four
    /// vectors and a last block of fewer than 16 planes.
    #[test]
    fn wide_codes_equal_one_vector_codes() {
        let mut rng = Rng::new(11);
        let mut xs = vec![[0.0f32; 64]; 1003];
        xs.iter_mut().for_each(|x| rng.fill_normal(x));
        let h = Hyperplane::<64, 64>::new(7);
        let mut codes = vec![0u64; xs.len()];
        hash_batch_u64(&h, &xs, &mut codes).unwrap();
        let mut p = [0.0f32; 64];
        for (x, c) in xs.iter().zip(&codes) {
            assert_eq!(h.hash_u64(x, &mut p).unwrap(), *c);
        }
        let h = Hyperplane::<64, 45>::new(8);
        let mut bytes = vec![0u8; xs.len() * 6];
        hash_batch(xs.as_flattened(), h.planes.as_flattened(), 45, &mut bytes).unwrap();
        let (mut p, mut one) = ([0.0f32; 45], [0u8; 6]);
        for (x, c) in xs.iter().zip(bytes.chunks_exact(6)) {
            hyperplane_hash(x, h.planes.as_flattened(), &mut p, &mut one).unwrap();
            assert_eq!(&one, c);
        }
    }
}
