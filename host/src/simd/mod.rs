//! Core kernels compiled a second time with the host CPU's wide vectors.
//!
//! The core is built for the baseline x86-64 (SSE2). A kernel marked
//! `#[inline(always)]` in core is compiled into the `#[target_feature]`
//! function that calls it, so its loops use AVX2 when the CPU has it (checked
//! at run time), with the same operations in the same order: AVX2 without FMA
//! changes no bit (Rust never fuses a multiply and an add on its own).
//!
//! SimHash codes go further where the CPU has FMA: [`fma_simhash`] sums with
//! fused multiply-adds and re-encodes, with the core's kernel, every vector
//! whose signs the FMA sums cannot certify (its module comment has the
//! bound), so the codes stay those of the core.

pub mod fma_simhash;

use fma_simhash::{FmaSimHash, Kernel};
use plasticore::lsh::crosspolytope::{batch_scratch_len, crosspolytope_bucket_batch};
use plasticore::lsh::hyperplane::{code_bytes, hyperplane_hash, hyperplane_hash_batch, Hyperplane};
use plasticore::Error;

/// How [`hash_batch`] and [`hash_batch_u64`] encode on this CPU.
pub fn simhash_kernel() -> &'static str {
    match Kernel::detect() {
        Some(k) => k.name(),
        None => extension(),
    }
}

/// The vector extension the core's kernels are compiled for here
/// ([`crosspolytope_batch`], [`hash_batch_u64_core`]).
pub fn extension() -> &'static str {
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("avx2") {
        return "AVX2";
    }
    "baseline"
}

/// [`hyperplane_hash_batch`], with the FMA kernels of [`fma_simhash`] (or AVX2)
/// when the CPU has them: the same codes, the same errors.
pub fn hash_batch(xs: &[f32], planes: &[f32], b: usize, codes: &mut [u8]) -> Result<(), Error> {
    if let Some(k) = Kernel::detect() {
        if let Some(r) = hash_batch_fma(k, xs, planes, b, codes) {
            return r;
        }
    }
    hash_batch_wide(xs, planes, b, codes)
}

/// The FMA path of [`hash_batch`]; `None` (nothing written) when the inputs
/// are not well formed, which the core's kernel then reports.
fn hash_batch_fma(
    k: Kernel,
    xs: &[f32],
    planes: &[f32],
    b: usize,
    codes: &mut [u8],
) -> Option<Result<(), Error>> {
    let d = planes.len().checked_div(b)?;
    let n = xs.len().checked_div(d)?;
    let nb = code_bytes(b);
    let well_formed = d * b == planes.len()
        && n * d == xs.len()
        && n.checked_mul(nb) == Some(codes.len())
        && xs.iter().all(|v| v.is_finite());
    // Planes are padded to blocks of 64: skip the padding's cost when it
    // would outweigh the planes themselves many times over (small b, large d).
    let padded = b.div_ceil(64) * 64 * d;
    if !well_formed || d == 0 || padded > (4 * planes.len()).max(1 << 16) {
        return None;
    }
    let fma = FmaSimHash::new(planes, d, b);
    let w = b.div_ceil(64);
    let mut words = vec![0u64; n * w];
    let redo = fma.encode(k, xs, &mut words);
    for (c, ws) in codes.chunks_exact_mut(nb).zip(words.chunks_exact(w)) {
        for (j, byte) in c.iter_mut().enumerate() {
            *byte = (ws[j / 8] >> (8 * (j % 8))) as u8;
        }
    }
    let mut proj = vec![0.0f32; b];
    for r in redo {
        let r = hyperplane_hash(
            &xs[r * d..(r + 1) * d],
            planes,
            &mut proj,
            &mut codes[r * nb..(r + 1) * nb],
        );
        if r.is_err() {
            return Some(r);
        }
    }
    Some(Ok(()))
}

/// [`hyperplane_hash_batch`] with AVX2 (no FMA) when the CPU has it.
fn hash_batch_wide(xs: &[f32], planes: &[f32], b: usize, codes: &mut [u8]) -> Result<(), Error> {
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

/// [`Hyperplane::hash_batch`], with the FMA kernels of [`fma_simhash`] (or
/// AVX2) when the CPU has them: the same codes, the same errors.
pub fn hash_batch_u64<const D: usize, const B: usize>(
    h: &Hyperplane<D, B>,
    xs: &[[f32; D]],
    codes: &mut [u64],
) -> Result<(), Error> {
    const { assert!(D > 0 && B > 0 && B <= 64) };
    let well_formed = codes.len() == xs.len() && xs.iter().flatten().all(|v| v.is_finite());
    if let (Some(k), true) = (Kernel::detect(), well_formed) {
        let fma = FmaSimHash::new(h.planes.as_flattened(), D, B);
        let redo = fma.encode(k, xs.as_flattened(), codes);
        let mut proj = [0.0f32; B];
        for r in redo {
            codes[r] = h.hash_u64(&xs[r], &mut proj)?;
        }
        return Ok(());
    }
    hash_batch_u64_core(h, xs, codes)
}

/// [`Hyperplane::hash_batch`], the core's kernel (no FMA), with AVX2 when the
/// CPU has it.
pub fn hash_batch_u64_core<const D: usize, const B: usize>(
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

/// How many of the rows of `xs` the FMA kernel leaves to the core's (see
/// [`fma_simhash`]); `None` without an FMA kernel.
pub fn simhash_rows_left_to_core<const D: usize, const B: usize>(
    h: &Hyperplane<D, B>,
    xs: &[[f32; D]],
) -> Option<usize> {
    const { assert!(D > 0 && B > 0) };
    if !xs.iter().flatten().all(|v| v.is_finite()) {
        return None;
    }
    let k = Kernel::detect()?;
    let mut words = vec![0u64; xs.len() * B.div_ceil(64)];
    Some(
        FmaSimHash::new(h.planes.as_flattened(), D, B)
            .encode(k, xs.as_flattened(), &mut words)
            .len(),
    )
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

    /// Bad input gets the core's error, and the codes are left alone.
    #[test]
    fn bad_input_gets_the_core_errors() {
        let planes = Hyperplane::<8, 16>::new(1);
        let flat = planes.planes.as_flattened();
        let mut xs = [0.5f32; 5 * 8];
        xs[13] = f32::NAN;
        for (xs, b, len) in
            [(&xs[..], 16, 10), (&xs[..4], 16, 10), (&xs[..40], 16, 9), (&xs[..40], 0, 10)]
        {
            let mut ours = vec![7u8; len];
            let mut core = vec![7u8; len];
            let e1 = hash_batch(xs, flat, b, &mut ours).unwrap_err();
            let e2 = hyperplane_hash_batch(xs, flat, b, &mut core).unwrap_err();
            assert_eq!(e1, e2);
            assert!(ours.iter().all(|&v| v == 7));
        }
        let rows = [[0.5f32; 8], [f32::INFINITY; 8]];
        let mut ours = [3u64; 2];
        let mut core = [3u64; 2];
        assert_eq!(
            hash_batch_u64(&planes, &rows, &mut ours).unwrap_err(),
            planes.hash_batch(&rows, &mut core).unwrap_err()
        );
        assert_eq!(ours, [3, 3]);
        assert!(hash_batch_u64(&planes, &rows[..1], &mut ours).is_err());
    }
}
