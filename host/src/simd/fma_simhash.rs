//! SimHash codes from fused multiply-adds, equal bit for bit to the core's
//! kernel (and so to every board's).
//!
//! The core sums `s_j = Σ_i x_i·r_ij` in order of `i` with a rounded product
//! and a rounded add per term. Here each term is one FMA (one rounding), half
//! the operations, and the last bits of `s_j` may differ. Both sums lie within
//! `γ_d·Σ_i |x_i·r_ij|` of the exact one (Higham, *Accuracy and Stability of
//! Numerical Algorithms*, 2nd ed., §3.1; `γ_d = d·u/(1 − d·u)`, `u = 2⁻²⁴`),
//! plus at most `2⁻¹⁵⁰` per rounding in the subnormal range, and
//! `Σ_i |x_i·r_ij| ≤ ‖x‖·‖r_j‖` (Cauchy–Schwarz). So when
//!
//! `|ŝ_j| > 4·γ_d·‖x‖·‖r_j‖ + d·2⁻¹⁴⁶`
//!
//! (twice the distance the two sums can be apart, which also covers the
//! rounding of the bound itself) the core's `s_j` has the sign of `ŝ_j`. The
//! kernels test `|ŝ_j| > max(4·γ_d·‖x‖·‖r_j‖, 2⁻¹²⁶)`, which is at least that
//! for `d ≤ 2²²` (`2·max(a, b) ≥ a + b`, and `d·2⁻¹⁴⁸ ≤ 2⁻¹²⁶`) and keeps
//! subnormal operands — a microcode assist each on x86 — out of the test. A
//! vector with any bit below that bound, or with `‖x‖·max_j ‖r_j‖ > 2¹⁰⁰` (so
//! that no sum can overflow) or `‖x‖² ≥ 2¹²⁸` (its f32 norm overflows), is
//! encoded again by the core's kernel. For
//! Gaussian data at d = 64 that is about one vector in 200.

#[cfg(target_arch = "x86_64")]
use std::arch::x86_64::*;

/// Planes per block: one 64-bit word of code.
const BLOCK: usize = 64;

/// The planes of a `[d, b]` SimHash laid out for the wide kernels, with the
/// per-plane bounds of the module comment.
pub(crate) struct FmaSimHash {
    d: usize,
    b: usize,
    /// Block-major: `rows[blk·d + i][l] = r_{i, 64·blk + l}`, 0 past `b`.
    rows: Vec<[f32; BLOCK]>,
    /// Per block: `4·γ_d·‖r_j‖`, inflated by 2⁻¹⁰ (0 past `b`).
    scale: Vec<[f32; BLOCK]>,
    /// `2⁻¹²⁶`, the smallest normal f32: the underflow term (module comment).
    floor: f32,
    /// Largest `‖r_j‖`; ∞ if a plane is not finite (∞ stays under `max`).
    max_norm: f32,
}

/// Which wide kernel this CPU runs, if any.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kernel {
    /// 512-bit vectors: four vectors × 64 planes in 16 registers.
    Avx512,
    /// 256-bit vectors with FMA: one vector × 64 planes in 8 registers.
    Avx2Fma,
}

impl Kernel {
    /// The best kernel this CPU supports.
    pub fn detect() -> Option<Kernel> {
        Self::available().first().copied()
    }

    /// Every kernel this CPU supports, best first.
    pub fn available() -> Vec<Kernel> {
        let mut v = Vec::new();
        #[cfg(target_arch = "x86_64")]
        {
            if std::is_x86_feature_detected!("avx512f") && std::is_x86_feature_detected!("fma") {
                v.push(Kernel::Avx512);
            }
            if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma") {
                v.push(Kernel::Avx2Fma);
            }
        }
        v
    }

    /// How the report names it.
    pub fn name(self) -> &'static str {
        match self {
            Kernel::Avx512 => "AVX-512 with FMA",
            Kernel::Avx2Fma => "AVX2 with FMA",
        }
    }
}

/// One block's result for one vector: the sign bits and the bits whose sign
/// is certain.
#[derive(Clone, Copy, Default)]
struct Signs {
    bits: u64,
    sure: u64,
}

impl FmaSimHash {
    /// Lays out `planes` (`[d, b]` row-major, `d, b > 0`, `planes.len() == d·b`:
    /// the callers in `simd` check these first).
    pub(crate) fn new(planes: &[f32], d: usize, b: usize) -> Self {
        assert!(d > 0 && b > 0 && planes.len() == d * b, "planes must be [d, b]");
        let blocks = b.div_ceil(BLOCK);
        let mut rows = vec![[0.0f32; BLOCK]; blocks * d];
        let mut scale = vec![[0.0f32; BLOCK]; blocks];
        let gamma = {
            let du = d as f64 * f64::powi(2.0, -24);
            du / (1.0 - du)
        };
        let mut max_norm = 0.0f32;
        for j in 0..b {
            let (blk, l) = (j / BLOCK, j % BLOCK);
            let mut norm2 = 0.0f64;
            for i in 0..d {
                let r = planes[i * b + j];
                rows[blk * d + i][l] = r;
                norm2 += r as f64 * r as f64;
            }
            let norm = norm2.sqrt();
            scale[blk][l] = (4.0 * gamma * norm * (1.0 + f64::powi(2.0, -10))) as f32;
            // ∞ for a non-finite plane: `max` would drop a NaN at the next
            // plane, but keeps ∞.
            max_norm = max_norm.max(if norm.is_finite() { norm as f32 } else { f32::INFINITY });
        }
        if d > 1 << 22 {
            // The underflow term would exceed 2⁻¹²⁶ (and for d ≥ 2²¹ the
            // relative bound says nothing): every vector goes the exact way.
            max_norm = f32::INFINITY;
        }
        FmaSimHash { d, b, rows, scale, floor: f32::MIN_POSITIVE, max_norm }
    }

    /// Code words of the rows of `xs` (`[n, d]`, finite): `words[k·w + blk]`
    /// holds planes `64·blk…` of row `k` (`w = ⌈b/64⌉`), for every row whose
    /// signs are all certain; the others are left alone and listed in the
    /// result (to be encoded by the core). The callers in `simd` check the
    /// shapes and that every value is finite first.
    pub(crate) fn encode(&self, kernel: Kernel, xs: &[f32], words: &mut [u64]) -> Vec<usize> {
        let (d, w) = (self.d, self.b.div_ceil(BLOCK));
        let n = xs.len() / d;
        assert!(xs.len() == n * d && words.len() == n * w, "xs must be [n, d], words [n, w]");
        let mut redo = Vec::new();
        let (quads, rest) = match kernel {
            Kernel::Avx512 => (n / 4, n % 4),
            Kernel::Avx2Fma => (0, n),
        };
        for q in 0..quads {
            let k = 4 * q;
            let rows: [&[f32]; 4] = core::array::from_fn(|v| &xs[(k + v) * d..(k + v + 1) * d]);
            self.rows_into(kernel, rows, &mut words[k * w..(k + 4) * w], k, &mut redo);
        }
        for k in 4 * quads..4 * quads + rest {
            self.rows_into(
                kernel,
                [&xs[k * d..(k + 1) * d]],
                &mut words[k * w..(k + 1) * w],
                k,
                &mut redo,
            );
        }
        redo
    }

    /// The code words of `V` consecutive rows, the first being row `first`.
    #[inline(always)]
    fn rows_into<const V: usize>(
        &self,
        kernel: Kernel,
        rows: [&[f32]; V],
        words: &mut [u64],
        first: usize,
        redo: &mut Vec<usize>,
    ) {
        let (d, w) = (self.d, self.b.div_ceil(BLOCK));
        let norms = rows.map(norm);
        // NaN-safe: a NaN or ∞ product fails the test.
        let mut ok = norms.map(|nx| nx * self.max_norm <= f32::powi(2.0, 100));
        for blk in 0..w {
            let planes = &self.rows[blk * d..(blk + 1) * d];
            let signs = block(kernel, rows, planes, &self.scale[blk], norms, self.floor);
            let valid = valid_bits(self.b - blk * BLOCK);
            for (v, s) in signs.iter().enumerate() {
                ok[v] &= s.sure & valid == valid;
                words[v * w + blk] = s.bits & valid;
            }
        }
        redo.extend((0..V).filter(|&v| !ok[v]).map(|v| first + v));
    }
}

/// Sign bits of one block of planes for `V` rows, by `kernel`.
#[inline(always)]
fn block<const V: usize>(
    kernel: Kernel,
    rows: [&[f32]; V],
    planes: &[[f32; BLOCK]],
    scale: &[f32; BLOCK],
    norms: [f32; V],
    floor: f32,
) -> [Signs; V] {
    #[cfg(target_arch = "x86_64")]
    match kernel {
        // SAFETY: a `Kernel` comes from `Kernel::detect`/`available`, which
        // return one only when this CPU has the features its function enables.
        Kernel::Avx512 => unsafe { block512(rows, planes, scale, norms, floor) },
        Kernel::Avx2Fma => {
            core::array::from_fn(|v| unsafe { block256(rows[v], planes, scale, norms[v], floor) })
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = (kernel, rows, planes, scale, norms, floor);
        [Signs::default(); V]
    }
}

/// The low `b` bits (all 64 when `b ≥ 64`).
fn valid_bits(b: usize) -> u64 {
    if b >= 64 {
        u64::MAX
    } else {
        (1u64 << b) - 1
    }
}

/// `‖x‖` in f32 (sixteen partial sums, so it vectorises).
fn norm(x: &[f32]) -> f32 {
    #[target_feature(enable = "avx2,fma")]
    fn wide(x: &[f32]) -> f32 {
        let mut s = [0.0f32; 16];
        let (chunks, tail) = x.as_chunks::<16>();
        for c in chunks {
            for l in 0..16 {
                s[l] = c[l].mul_add(c[l], s[l]);
            }
        }
        for (a, &v) in s.iter_mut().zip(tail) {
            *a = v.mul_add(v, *a);
        }
        s.iter().sum::<f32>().sqrt()
    }
    // SAFETY: only called on a path that holds a `Kernel`, which `Kernel::detect` returns only
    // when the CPU has AVX2 and FMA (AVX-512F implies both).
    unsafe { wide(x) }
}

/// Four (or one) rows against one block of 64 planes: 16 (or 4) 16-lane
/// accumulators, one FMA per row, plane and lane group; then the sign bits
/// and the certain bits.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,fma")]
fn block512<const V: usize>(
    xs: [&[f32]; V],
    planes: &[[f32; BLOCK]],
    scale: &[f32; BLOCK],
    norms: [f32; V],
    floor: f32,
) -> [Signs; V] {
    let mut acc = [[_mm512_setzero_ps(); 4]; V];
    // Every row as long as `planes`, so that indexing by `i` needs no check.
    let d = planes.len();
    let xs = xs.map(|x| &x[..d]);
    for (i, row) in planes.iter().enumerate() {
        // SAFETY: each load reads 16 f32 at offsets 0, 16, 32, 48 of a 64-array.
        let r: [__m512; 4] =
            core::array::from_fn(|k| unsafe { _mm512_loadu_ps(row.as_ptr().add(16 * k)) });
        for (a, x) in acc.iter_mut().zip(&xs) {
            let x = _mm512_set1_ps(x[i]);
            for k in 0..4 {
                a[k] = _mm512_fmadd_ps(x, r[k], a[k]);
            }
        }
    }
    let mut out = [Signs::default(); V];
    // SAFETY: as above.
    let s: [__m512; 4] =
        core::array::from_fn(|k| unsafe { _mm512_loadu_ps(scale.as_ptr().add(16 * k)) });
    let (zero, fl) = (_mm512_setzero_ps(), _mm512_set1_ps(floor));
    for v in 0..V {
        let nx = _mm512_set1_ps(norms[v]);
        for k in 0..4 {
            let gt = _mm512_cmp_ps_mask::<_CMP_GT_OQ>(acc[v][k], zero) as u64;
            let bound = _mm512_max_ps(_mm512_mul_ps(nx, s[k]), fl);
            let sure = _mm512_cmp_ps_mask::<_CMP_GT_OQ>(_mm512_abs_ps(acc[v][k]), bound) as u64;
            out[v].bits |= gt << (16 * k);
            out[v].sure |= sure << (16 * k);
        }
    }
    out
}

/// One row against one block of 64 planes: eight 8-lane accumulators.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn block256(
    x: &[f32],
    planes: &[[f32; BLOCK]],
    scale: &[f32; BLOCK],
    nx: f32,
    floor: f32,
) -> Signs {
    let mut acc = [_mm256_setzero_ps(); 8];
    for (row, &xi) in planes.iter().zip(x) {
        let xv = _mm256_set1_ps(xi);
        for (k, a) in acc.iter_mut().enumerate() {
            // SAFETY: reads 8 f32 at offset 8·k ≤ 56 of a 64-array.
            let r = unsafe { _mm256_loadu_ps(row.as_ptr().add(8 * k)) };
            *a = _mm256_fmadd_ps(xv, r, *a);
        }
    }
    let (zero, fl, nxv) = (_mm256_setzero_ps(), _mm256_set1_ps(floor), _mm256_set1_ps(nx));
    let sign = _mm256_set1_ps(-0.0);
    let mut out = Signs::default();
    for (k, a) in acc.iter().enumerate() {
        // SAFETY: as above.
        let s = unsafe { _mm256_loadu_ps(scale.as_ptr().add(8 * k)) };
        let gt = _mm256_movemask_ps(_mm256_cmp_ps::<_CMP_GT_OQ>(*a, zero)) as u32 as u64;
        let bound = _mm256_max_ps(_mm256_mul_ps(nxv, s), fl);
        let abs = _mm256_andnot_ps(sign, *a);
        let sure = _mm256_movemask_ps(_mm256_cmp_ps::<_CMP_GT_OQ>(abs, bound)) as u32 as u64;
        out.bits |= gt << (8 * k);
        out.sure |= sure << (8 * k);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use plasticore::lsh::hyperplane::{code_bytes, hyperplane_hash, hyperplane_planes};
    use plasticore::rng::Rng;

    /// The core's codes of the rows of `xs`, as words of 64 planes.
    fn core_words(xs: &[f32], planes: &[f32], d: usize, b: usize) -> Vec<u64> {
        let (nb, w) = (code_bytes(b), b.div_ceil(64));
        let (mut proj, mut code) = (vec![0.0f32; b], vec![0u8; nb]);
        let mut out = Vec::new();
        for x in xs.chunks_exact(d) {
            hyperplane_hash(x, planes, &mut proj, &mut code).unwrap();
            let mut words = vec![0u64; w];
            for (j, &c) in code.iter().enumerate() {
                words[j / 8] |= (c as u64) << (8 * (j % 8));
            }
            out.extend(words);
        }
        out
    }

    /// Runs every kernel of this CPU on `xs`; returns, per kernel, the rows
    /// it left to the core and how many of those its own bits got wrong. The
    /// certified rows must equal the core's codes.
    fn check(xs: &[f32], planes: &[f32], d: usize, b: usize) -> Vec<(Kernel, usize, usize)> {
        let want = core_words(xs, planes, d, b);
        let w = b.div_ceil(64);
        let fma = FmaSimHash::new(planes, d, b);
        let mut seen = Vec::new();
        for k in Kernel::available() {
            let mut words = vec![0u64; want.len()];
            let redo = fma.encode(k, xs, &mut words);
            let mut wrong_redone = 0;
            for (r, (got, exp)) in words.chunks(w).zip(want.chunks(w)).enumerate() {
                if redo.contains(&r) {
                    wrong_redone += (got != exp) as usize;
                } else {
                    assert_eq!(got, exp, "{k:?}, d={d}, b={b}, row {r} certified but wrong");
                }
            }
            seen.push((k, redo.len(), wrong_redone));
        }
        seen
    }

    fn gaussian(seed: u64, n: usize) -> Vec<f32> {
        let mut xs = vec![0.0f32; n];
        Rng::new(seed).fill_normal(&mut xs);
        xs
    }

    /// Gaussian data, shapes around the 16- and 64-lane blocks and the groups
    /// of four rows: every certified row equals the core's code, and few rows
    /// are left to the core.
    #[test]
    fn certified_codes_equal_the_core_codes() {
        assert!(!Kernel::available().is_empty() || !cfg!(target_arch = "x86_64"));
        for (d, b) in [(64, 64), (7, 13), (33, 64), (50, 100), (16, 128), (64, 1), (1, 65)] {
            let n = 1003;
            let xs = gaussian(d as u64, n * d);
            let mut planes = vec![0.0f32; d * b];
            hyperplane_planes(b as u64, &mut planes);
            for (k, redone, _) in check(&xs, &planes, d, b) {
                assert!(
                    redone * 20 < n,
                    "{k:?}, d={d}, b={b}: {redone} of {n} rows left to the core"
                );
            }
        }
    }

    /// Vectors made orthogonal (in f64) to a plane: their projections are
    /// rounding noise, where FMA and separate rounding disagree. The kernels
    /// must leave those rows to the core, and some of them must have had
    /// the wrong bit (else this test proves nothing).
    #[test]
    fn near_zero_projections_are_left_to_the_core() {
        let (d, b, n) = (64, 64, 400);
        let mut planes = vec![0.0f32; d * b];
        hyperplane_planes(3, &mut planes);
        let mut xs = gaussian(4, n * d);
        for (r, x) in xs.chunks_exact_mut(d).enumerate() {
            let j = r % b;
            let col: Vec<f64> = (0..d).map(|i| planes[i * b + j] as f64).collect();
            let dot: f64 = x.iter().zip(&col).map(|(&a, c)| a as f64 * c).sum();
            let nn: f64 = col.iter().map(|c| c * c).sum();
            for (a, c) in x.iter_mut().zip(&col) {
                *a = (*a as f64 - dot / nn * c) as f32;
            }
        }
        for (k, redone, wrong) in check(&xs, &planes, d, b) {
            assert!(redone >= n / 2, "{k:?}: only {redone} of {n} rows left to the core");
            assert!(wrong > 0, "{k:?}: the FMA bits never differed; the test has no teeth");
        }
    }

    /// Subnormal, tiny, huge and zero inputs, and a zero plane.
    #[test]
    fn extreme_scales_and_zero_planes() {
        let (d, b, n) = (33, 40, 64);
        let mut planes = vec![0.0f32; d * b];
        hyperplane_planes(5, &mut planes);
        for i in 0..d {
            planes[i * b + 7] = 0.0;
        }
        for scale in [0.0f32, 1e-44, 1e-40, 1e-30, 1.0, 1e18, 1e30, 3e38] {
            let xs: Vec<f32> =
                gaussian(6, n * d).iter().map(|v| (v * 0.3).clamp(-1.0, 1.0) * scale).collect();
            for (k, redone, _) in check(&xs, &planes, d, b) {
                // The zero plane's bit is never certain.
                assert_eq!(redone, n, "{k:?}, scale {scale}");
            }
        }
        for i in 0..d {
            planes[i * b + 7] = 1.0;
        }
        // A non-finite plane (possible through `Hyperplane`'s public field):
        // no row is certified.
        for bad in [f32::NAN, f32::INFINITY] {
            let mut p = planes.clone();
            p[3 * b + 7] = bad;
            let xs = gaussian(8, n * d);
            for (k, redone, _) in check(&xs, &p, d, b) {
                assert_eq!(redone, n, "{k:?}, plane entry {bad}");
            }
        }
        for (scale, all_redone) in [(1e-42f32, true), (1e-15, false), (1e15, false), (1e25, true)] {
            let xs: Vec<f32> =
                gaussian(7, n * d).iter().map(|v| (v * 0.3).clamp(-1.0, 1.0) * scale).collect();
            for (k, redone, _) in check(&xs, &planes, d, b) {
                assert_eq!(redone == n, all_redone, "{k:?}, scale {scale}: {redone} redone");
            }
        }
    }
}
