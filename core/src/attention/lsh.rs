//! LSH attention of the Reformer (Kitaev, Kaiser & Levskaya 2020, "Reformer:
//! The Efficient Transformer", §2–3), with the semantics of the reference
//! implementation (trax `LSHSelfAttention`):
//!
//! 1. **Shared QK**: the same vectors `qk` are the queries and, normalised to
//!    unit length (k_j = qk_j / ‖qk_j‖; a zero vector gives k_j = 0), the keys.
//! 2. For round r < R, position i gets bucket
//!    h_r(i) = [`angular_bucket`](crate::lsh::angular::angular_bucket)(qk_i, rotations[:, r, :]) + r·b
//!    (b buckets, rotations `[d, R, b/2]`, the unnormalised qk is hashed).
//! 3. All R·n (round, position) items are sorted together, stably, by
//!    h_r(i)·n + i, and the sorted sequence is cut into chunks of `bucket_size`.
//! 4. Each chunk attends to itself and to the chunk before it; the chunk
//!    before the first one is the last one (wrapping around all rounds).
//! 5. Logit of query i and key j: q_i·k_j/√d; for j = i the logit is
//!    [`LSH_SELF_LOGIT`] = −5·10⁴ (a lone token still attends to itself); with
//!    `causal`, keys j > i are excluded.
//! 6. Round r gives query i an output o_r(i) and a log-sum-exp lse_r(i); the
//!    rounds are combined as Σ_r exp(lse_r − logsumexp_r' lse_r') · o_r.
//!
//! **Implementation.** The sort is a counting sort by bucket, one round at a
//! time (stable, O(n + b) per round, no allocation), which gives exactly the
//! order of step 3 because round r's buckets all lie in [r·b, (r+1)·b). Step 6
//! is folded into the streaming softmax: every position keeps one running
//! state (m, l, acc) across its R query slots, and merging the per-round
//! states is the same algebra as Σ_r e^(lse_r − LSE) o_r (with lse_r = m_r +
//! ln l_r), without storing R outputs. No score matrix exists, not even for a
//! chunk: logits are streamed.
//!
//! **Scratch** (per call, reused across heads): u32
//! [`lsh_index_scratch_len`] = R·n (sorted positions) + n (one round's
//! buckets) + b (bucket counts); f32 [`lsh_f32_scratch_len`] = 3·n (per-key
//! scale 1/(√d·‖qk_j‖), and each position's running m and l).
//!
//! **Work** per head: hashing R·n·d·b/2 multiply-adds; attention
//! R·n·2·bucket_size·(d + dv) multiply-adds and as many `exp` — linear in n
//! for a fixed bucket size, against n²·(d + dv) for full attention.

use super::{mul, Online};
use crate::error::{check_finite, check_len, check_nonempty, Error};
use crate::linalg::dot_unchecked;
use crate::math;
use crate::slices::{rows, rows_mut, split_mut, tail, window, window_mut};

/// The logit a query gives its own position (step 5): −5·10⁴, as in the Reformer reference.
pub const LSH_SELF_LOGIT: f32 = -5.0e4;

/// Sizes of an LSH attention call: qk `[heads, n, d]`, v `[heads, n, dv]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct LshShape {
    /// Number of heads h (the rotations are shared by all heads).
    pub heads: usize,
    /// Sequence length n.
    pub n: usize,
    /// Query/key width d.
    pub d: usize,
    /// Value width dv.
    pub dv: usize,
}

/// Hashing and chunking parameters of [`lsh_attention`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct LshConfig {
    /// Hash rounds R (≥ 1).
    pub rounds: usize,
    /// Buckets per round b (even, ≥ 2); the rotations are `[d, R, b/2]`.
    pub n_buckets: usize,
    /// Chunk length; n must be a multiple of it.
    pub bucket_size: usize,
    /// Exclude keys at later positions than the query.
    pub causal: bool,
}

/// u32 scratch of [`lsh_attention`]: R·n + n + b (saturating at `usize::MAX`).
pub const fn lsh_index_scratch_len(n: usize, rounds: usize, n_buckets: usize) -> usize {
    rounds.saturating_mul(n).saturating_add(n).saturating_add(n_buckets)
}

/// f32 scratch of [`lsh_attention`]: 3·n (saturating at `usize::MAX`).
pub const fn lsh_f32_scratch_len(n: usize) -> usize {
    n.saturating_mul(3)
}

fn check_shape(qk: &[f32], v: &[f32], s: &LshShape, out: &[f32]) -> Result<(), Error> {
    check_nonempty("heads", s.heads)?;
    check_nonempty("n", s.n)?;
    check_nonempty("d", s.d)?;
    check_nonempty("dv", s.dv)?;
    if s.n > u32::MAX as usize {
        return Err(Error::InvalidArgument { what: "n", expected: "at most u32::MAX positions" });
    }
    let hn = mul("heads * n", s.heads, s.n)?;
    check_len("qk ([heads, n, d])", mul("qk length", hn, s.d)?, qk.len())?;
    check_len("v ([heads, n, dv])", mul("v length", hn, s.dv)?, v.len())?;
    check_len("out ([heads, n, dv])", mul("out length", hn, s.dv)?, out.len())?;
    check_finite("qk", qk)?;
    check_finite("v", v)
}

/// w_j ← scale / ‖qk_j‖ (0 for a zero vector), so that q·k_j/√d = (q·qk_j)·w_j.
fn key_scales(qk: &[f32], d: usize, w: &mut [f32]) {
    let scale = 1.0 / math::sqrt(d as f32);
    for (wj, kj) in w.iter_mut().zip(qk.chunks_exact(d.max(1))) {
        let norm = math::sqrt(dot_unchecked(kj, kj));
        *wj = if norm > 0.0 { scale / norm } else { 0.0 };
    }
}

/// [`angular_bucket`](crate::lsh::angular::angular_bucket) with each projection computed once: (xR)_j is summed
/// in the same order (i ascending, no fused multiply-add), and the argmax over
/// concat(xR, −xR) keeps the first maximum, so the result is the same bucket,
/// bit for bit, for half the multiply-adds. The caller guarantees
/// `rot.len() ≥ (x.len() − 1)·stride + half`.
fn bucket(x: &[f32], rot: &[f32], stride: usize, half: usize) -> u32 {
    // Running first maxima of +xR and of −xR; the + half comes first in the
    // concatenation, so −xR wins only if strictly larger.
    let (mut best_p, mut jp) = (f32::NEG_INFINITY, 0usize);
    let (mut best_n, mut jn) = (f32::NEG_INFINITY, 0usize);
    for j in 0..half {
        let mut s = 0.0f32;
        for (&xi, &r) in x.iter().zip(tail(rot, j).iter().step_by(stride.max(1))) {
            s += xi * r;
        }
        if s > best_p {
            best_p = s;
            jp = j;
        }
        if -s > best_n {
            best_n = -s;
            jn = j;
        }
    }
    if best_n > best_p {
        (half + jn) as u32
    } else {
        jp as u32
    }
}

/// Reformer LSH attention for all heads (see the module docs for the exact
/// semantics): qk `[h, n, d]`, v `[h, n, dv]`, rotations `[d, R, b/2]` shared
/// by all heads, out `[h, n, dv]`, all row-major.
///
/// `index_scratch` needs at least [`lsh_index_scratch_len`]`(n, R, b)` u32 and
/// `scratch` at least [`lsh_f32_scratch_len`]`(n)` f32.
///
/// # Errors
/// [`Error::Empty`] for a zero size, [`Error::ShapeMismatch`] for a
/// wrong length (including too-short scratch), [`Error::InvalidArgument`] for
/// an odd `n_buckets`, a `bucket_size` that does not divide n or sizes that
/// overflow, [`Error::NonFinite`] for NaN/∞ in qk, v or rotations. On error
/// `out` is untouched.
/// ```
/// use plasticore::attention::{lsh_attention, LshConfig, LshShape};
/// // n = 4, d = 2, one round, 2 buckets, chunks of 2 covering the sequence:
/// // this is full attention with the self-mask.
/// let qk = [1.0, 0.0, 0.0, 1.0, -1.0, 0.0, 0.0, -1.0];
/// let v = [1.0, 2.0, 3.0, 4.0];
/// let rot = [1.0, 0.5]; // [d, R, b/2] = [2, 1, 1]
/// let shape = LshShape { heads: 1, n: 4, d: 2, dv: 1 };
/// let cfg = LshConfig { rounds: 1, n_buckets: 2, bucket_size: 2, causal: false };
/// let (mut idx, mut f, mut out) = ([0u32; 10], [0.0f32; 12], [0.0f32; 4]);
/// lsh_attention(&qk, &v, &rot, shape, cfg, (&mut idx, &mut f), &mut out).unwrap();
/// assert!(out.iter().all(|o| o.is_finite()));
/// ```
pub fn lsh_attention(
    qk: &[f32],
    v: &[f32],
    rotations: &[f32],
    shape: LshShape,
    cfg: LshConfig,
    scratch: (&mut [u32], &mut [f32]),
    out: &mut [f32],
) -> Result<(), Error> {
    let (index_scratch, scratch) = scratch;
    check_shape(qk, v, &shape, out)?;
    let LshShape { n, d, dv, .. } = shape;
    let LshConfig { rounds, n_buckets: b, bucket_size: c, causal } = cfg;
    check_nonempty("rounds", rounds)?;
    check_nonempty("bucket_size", c)?;
    if b < 2 || b % 2 != 0 || b > u32::MAX as usize {
        return Err(Error::InvalidArgument { what: "n_buckets", expected: "an even number >= 2" });
    }
    if n % c != 0 {
        return Err(Error::InvalidArgument { what: "bucket_size", expected: "a divisor of n" });
    }
    let half = b / 2;
    let rot_len = mul("rotations length", mul("rotations length", d, rounds)?, half)?;
    check_len("rotations ([d, rounds, n_buckets/2])", rot_len, rotations.len())?;
    check_finite("rotations", rotations)?;
    let total = mul("rounds * n", rounds, n)?;
    let idx_need =
        total.checked_add(n).and_then(|t| t.checked_add(b)).ok_or(Error::InvalidArgument {
            what: "index scratch",
            expected: "a size that fits in usize",
        })?;
    if index_scratch.len() < idx_need {
        check_len("index scratch (rounds*n + n + n_buckets)", idx_need, index_scratch.len())?;
    }
    let f_need = mul("f32 scratch", 3, n)?;
    if scratch.len() < f_need {
        check_len("f32 scratch (3*n)", f_need, scratch.len())?;
    }

    // Scratch sizes were checked above; the slicing below cannot fall short.
    let (sorted, rest) = split_mut(index_scratch, total);
    let (buckets, rest) = split_mut(rest, n);
    let counts = window_mut(rest, 0, b);
    let (w, rest) = split_mut(scratch, n);
    let (ms, rest) = split_mut(rest, n);
    let ls = window_mut(rest, 0, n);
    let stride = rounds * half;
    let c = c.max(1);
    let chunks = total / c;

    for ((qh, vh), oh) in rows(qk, n * d).zip(rows(v, n * dv)).zip(rows_mut(out, n * dv)) {
        key_scales(qh, d, w);
        // Steps 2–3: per-round stable counting sort by bucket.
        for (r, sorted_r) in sorted.chunks_exact_mut(n.max(1)).enumerate() {
            counts.iter_mut().for_each(|k| *k = 0);
            let rot = tail(rotations, r * half);
            for (bk, x) in buckets.iter_mut().zip(qh.chunks_exact(d.max(1))) {
                let h = bucket(x, rot, stride, half);
                *bk = h;
                if let Some(k) = counts.get_mut(h as usize) {
                    *k += 1;
                }
            }
            let mut start = 0u32;
            for k in counts.iter_mut() {
                let t = *k;
                *k = start;
                start += t;
            }
            for (i, &bk) in buckets.iter().enumerate() {
                if let Some(slot) = counts.get_mut(bk as usize) {
                    if let Some(s) = sorted_r.get_mut(*slot as usize) {
                        *s = i as u32;
                    }
                    *slot += 1;
                }
            }
        }
        // Steps 4–6: chunks attend to themselves and their predecessor.
        oh.iter_mut().for_each(|o| *o = 0.0);
        ms.iter_mut().for_each(|m| *m = f32::NEG_INFINITY);
        ls.iter_mut().for_each(|l| *l = 0.0);
        for ci in 0..chunks {
            let prev = if ci == 0 { chunks - 1 } else { ci - 1 };
            let cur = window(sorted, ci * c, c);
            let before = window(sorted, prev * c, c);
            for &p in cur {
                let p = p as usize;
                let q = window(qh, p * d, d);
                let acc = window_mut(oh, p * dv, dv);
                let (Some(mp), Some(lp)) = (ms.get_mut(p), ls.get_mut(p)) else {
                    continue;
                };
                let mut st = Online { m: *mp, l: *lp };
                for &j in cur.iter().chain(before) {
                    let j = j as usize;
                    let s = if j == p {
                        LSH_SELF_LOGIT
                    } else if causal && j > p {
                        continue;
                    } else {
                        dot_unchecked(q, window(qh, j * d, d)) * w.get(j).copied().unwrap_or(0.0)
                    };
                    st.push(s, window(vh, j * dv, dv), acc);
                }
                *mp = st.m;
                *lp = st.l;
            }
        }
        for (acc, &l) in rows_mut(oh, dv).zip(ls.iter()) {
            Online { m: 0.0, l }.finish(acc);
        }
    }
    Ok(())
}

/// Full attention with the LSH conventions — shared QK, unit-normalised keys,
/// self logit [`LSH_SELF_LOGIT`], optional causal mask — over all n keys: the
/// quantity [`lsh_attention`] approximates (it equals it when one round's two
/// chunks cover the sequence). qk `[h, n, d]`, v `[h, n, dv]`, out `[h, n, dv]`;
/// `scratch` needs n f32. Work h·n²·(d + dv).
///
/// # Errors
/// As [`lsh_attention`].
pub fn shared_qk_attention(
    qk: &[f32],
    v: &[f32],
    shape: LshShape,
    causal: bool,
    scratch: &mut [f32],
    out: &mut [f32],
) -> Result<(), Error> {
    check_shape(qk, v, &shape, out)?;
    let LshShape { n, d, dv, .. } = shape;
    if scratch.len() < n {
        check_len("f32 scratch (n)", n, scratch.len())?;
    }
    let w = window_mut(scratch, 0, n);
    for ((qh, vh), oh) in rows(qk, n * d).zip(rows(v, n * dv)).zip(rows_mut(out, n * dv)) {
        key_scales(qh, d, w);
        for (p, (q, acc)) in rows(qh, d).zip(rows_mut(oh, dv)).enumerate() {
            acc.iter_mut().for_each(|a| *a = 0.0);
            let keys = if causal { p + 1 } else { n };
            let mut st = Online::EMPTY;
            for (j, ((kj, vj), &wj)) in
                rows(qh, d).zip(rows(vh, dv)).zip(w.iter()).enumerate().take(keys)
            {
                let s = if j == p { LSH_SELF_LOGIT } else { dot_unchecked(q, kj) * wj };
                st.push(s, vj, acc);
            }
            st.finish(acc);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use crate::lsh::angular::angular_bucket;
    use crate::rng::Rng;
    use proptest::prelude::*;
    use std::vec;
    use std::vec::Vec;

    /// The six steps literally, in f64, for one head: a comparison sort, per-round
    /// outputs and log-sum-exps, and the explicit combination of step 6.
    fn reference(
        qk: &[f32],
        v: &[f32],
        rot: &[f32],
        n: usize,
        d: usize,
        dv: usize,
        cfg: LshConfig,
    ) -> Vec<f64> {
        let (rounds, b, c) = (cfg.rounds, cfg.n_buckets, cfg.bucket_size);
        let half = b / 2;
        let mut items: Vec<(usize, usize, usize)> = Vec::new(); // (key, round, position)
        for r in 0..rounds {
            for i in 0..n {
                let h =
                    angular_bucket(&qk[i * d..(i + 1) * d], &rot[r * half..], rounds * half, half)
                        .unwrap() as usize;
                items.push(((h + r * b) * n + i, r, i));
            }
        }
        items.sort_by_key(|t| t.0);
        let key = |j: usize| -> Vec<f64> {
            let kj: Vec<f64> = qk[j * d..(j + 1) * d].iter().map(|&x| x as f64).collect();
            let norm = kj.iter().map(|x| x * x).sum::<f64>().sqrt();
            kj.iter().map(|x| if norm > 0.0 { x / norm } else { 0.0 }).collect()
        };
        let chunks = rounds * n / c;
        let mut o = vec![0.0f64; rounds * n * dv];
        let mut lse = vec![0.0f64; rounds * n];
        for ci in 0..chunks {
            let prev = (ci + chunks - 1) % chunks;
            for t in ci * c..(ci + 1) * c {
                let (_, r, p) = items[t];
                let mut logits = Vec::new();
                for u in (ci * c..(ci + 1) * c).chain(prev * c..(prev + 1) * c) {
                    let j = items[u].2;
                    if j == p {
                        logits.push((j, -5.0e4));
                    } else if !(cfg.causal && j > p) {
                        let k = key(j);
                        let s: f64 = (0..d).map(|e| qk[p * d + e] as f64 * k[e]).sum::<f64>()
                            / (d as f64).sqrt();
                        logits.push((j, s));
                    }
                }
                let mx = logits.iter().map(|t| t.1).fold(f64::NEG_INFINITY, f64::max);
                let z: f64 = logits.iter().map(|t| (t.1 - mx).exp()).sum();
                lse[r * n + p] = mx + z.ln();
                for &(j, s) in &logits {
                    for e in 0..dv {
                        o[(r * n + p) * dv + e] += (s - mx).exp() / z * v[j * dv + e] as f64;
                    }
                }
            }
        }
        let mut out = vec![0.0f64; n * dv];
        for p in 0..n {
            let mx = (0..rounds).map(|r| lse[r * n + p]).fold(f64::NEG_INFINITY, f64::max);
            let big = mx + (0..rounds).map(|r| (lse[r * n + p] - mx).exp()).sum::<f64>().ln();
            for r in 0..rounds {
                let wgt = (lse[r * n + p] - big).exp();
                for e in 0..dv {
                    out[p * dv + e] += wgt * o[(r * n + p) * dv + e];
                }
            }
        }
        out
    }

    fn normals(rng: &mut Rng, len: usize) -> Vec<f32> {
        (0..len).map(|_| rng.normal()).collect()
    }

    fn run(
        qk: &[f32],
        v: &[f32],
        rot: &[f32],
        s: LshShape,
        cfg: LshConfig,
    ) -> Result<Vec<f32>, Error> {
        let mut idx = vec![0u32; lsh_index_scratch_len(s.n, cfg.rounds, cfg.n_buckets)];
        let mut f = vec![0.0f32; lsh_f32_scratch_len(s.n)];
        let mut out = vec![f32::NAN; s.heads * s.n * s.dv];
        lsh_attention(qk, v, rot, s, cfg, (&mut idx, &mut f), &mut out)?;
        Ok(out)
    }

    fn close(a: &[f32], b: &[f64], tol: f64) {
        for (i, (x, y)) in a.iter().zip(b).enumerate() {
            assert!((*x as f64 - y).abs() <= tol * (1.0 + y.abs()), "[{i}] {x} vs {y}");
        }
    }

    #[test]
    fn one_round_two_chunks_is_full_attention_with_self_mask() {
        let mut rng = Rng::new(7);
        for causal in [false, true] {
            let s = LshShape { heads: 2, n: 16, d: 8, dv: 5 };
            let qk = normals(&mut rng, 2 * 16 * 8);
            let v = normals(&mut rng, 2 * 16 * 5);
            let rot = normals(&mut rng, 8 * 2);
            let cfg = LshConfig { rounds: 1, n_buckets: 4, bucket_size: 8, causal };
            let lsh = run(&qk, &v, &rot, s, cfg).unwrap();
            let mut full = vec![0.0f32; lsh.len()];
            shared_qk_attention(&qk, &v, s, causal, &mut [0.0; 16], &mut full).unwrap();
            for (a, b) in lsh.iter().zip(&full) {
                assert!(
                    ((a - b).abs() as f64)
                        <= super::super::test_tol() / 10.0 * (1.0 + b.abs() as f64),
                    "{a} vs {b}"
                );
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        /// The single-projection hash gives `angular_bucket`'s bucket, also on
        /// ties (small integer inputs) and on ±∞ projections.
        #[test]
        fn bucket_equals_angular_bucket(seed in 0u64..10_000, d in 1usize..9, rounds in 1usize..4,
                                        half in 1usize..6, ints in any::<bool>(), huge in any::<bool>()) {
            let mut rng = Rng::new(seed);
            let draw = |rng: &mut Rng| if ints { (rng.below(5) as f32) - 2.0 } else { rng.normal() };
            let mut x: Vec<f32> = (0..d).map(|_| draw(&mut rng)).collect();
            if huge {
                x.iter_mut().for_each(|v| *v *= 3.0e38);
            }
            let rot: Vec<f32> = (0..d * rounds * half).map(|_| draw(&mut rng)).collect();
            let stride = rounds * half;
            for r in 0..rounds {
                let want = angular_bucket(&x, &rot[r * half..], stride, half).unwrap();
                prop_assert_eq!(bucket(&x, &rot[r * half..], stride, half), want);
            }
        }
    }

    #[test]
    fn lone_token_attends_to_itself() {
        // n = 2, chunks of 1, one round: position 0 sees itself and 1; with
        // causal masking position 0 sees only itself (logit −5e4) → v_0.
        let s = LshShape { heads: 1, n: 2, d: 2, dv: 1 };
        let cfg = LshConfig { rounds: 1, n_buckets: 2, bucket_size: 1, causal: true };
        let out = run(&[1.0, 0.0, 0.0, 1.0], &[3.0, 5.0], &[1.0, -1.0], s, cfg).unwrap();
        assert_eq!(out[0], 3.0);
    }

    #[test]
    fn matches_literal_reference_on_fixed_cases() {
        let mut rng = Rng::new(11);
        for &(n, d, dv, rounds, b, c, causal) in &[
            (32, 8, 4, 1, 4, 4, false),
            (32, 8, 4, 2, 4, 4, true),
            (24, 6, 3, 4, 6, 3, false),
            (64, 16, 8, 8, 8, 8, true),
            (8, 4, 2, 3, 2, 8, false),
        ] {
            let qk = normals(&mut rng, n * d);
            let v = normals(&mut rng, n * dv);
            let rot = normals(&mut rng, d * rounds * b / 2);
            let cfg = LshConfig { rounds, n_buckets: b, bucket_size: c, causal };
            let out = run(&qk, &v, &rot, LshShape { heads: 1, n, d, dv }, cfg).unwrap();
            close(&out, &reference(&qk, &v, &rot, n, d, dv, cfg), super::super::test_tol());
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        #[test]
        fn matches_literal_reference(seed in 0u64..1000, nc in 1usize..6, c in 1usize..6, d in 1usize..9,
                                     rounds in 1usize..5, half in 1usize..4, causal in any::<bool>()) {
            let n = nc * c;
            let mut rng = Rng::new(seed);
            let qk = normals(&mut rng, 2 * n * d);
            let v = normals(&mut rng, 2 * n * 3);
            let rot = normals(&mut rng, d * rounds * half);
            let cfg = LshConfig { rounds, n_buckets: 2 * half, bucket_size: c, causal };
            let out = run(&qk, &v, &rot, LshShape { heads: 2, n, d, dv: 3 }, cfg).unwrap();
            for h in 0..2 {
                let want = reference(&qk[h * n * d..][..n * d], &v[h * n * 3..][..n * 3], &rot, n, d, 3, cfg);
                close(&out[h * n * 3..][..n * 3], &want, super::super::test_tol());
            }
        }
    }

    #[test]
    fn bad_inputs_are_errors_and_leave_out_untouched() {
        let s = LshShape { heads: 1, n: 4, d: 2, dv: 1 };
        let cfg = LshConfig { rounds: 1, n_buckets: 2, bucket_size: 2, causal: false };
        let qk = [0.5; 8];
        let v = [1.0; 4];
        let rot = [1.0, 0.5];
        let mut idx = [0u32; 10];
        let mut f = [0.0f32; 12];
        let mut out = [7.0f32; 4];
        let mut go = |qk: &[f32],
                      v: &[f32],
                      rot: &[f32],
                      s: LshShape,
                      cfg: LshConfig,
                      ni: usize,
                      nf: usize| {
            lsh_attention(qk, v, rot, s, cfg, (&mut idx[..ni], &mut f[..nf]), &mut out)
        };
        assert!(matches!(go(&qk[..7], &v, &rot, s, cfg, 10, 12), Err(Error::ShapeMismatch { .. })));
        assert!(matches!(go(&qk, &v[..3], &rot, s, cfg, 10, 12), Err(Error::ShapeMismatch { .. })));
        assert!(matches!(go(&qk, &v, &rot[..1], s, cfg, 10, 12), Err(Error::ShapeMismatch { .. })));
        assert!(matches!(go(&qk, &v, &rot, s, cfg, 9, 12), Err(Error::ShapeMismatch { .. })));
        assert!(matches!(go(&qk, &v, &rot, s, cfg, 10, 11), Err(Error::ShapeMismatch { .. })));
        let odd = LshConfig { n_buckets: 3, ..cfg };
        assert!(matches!(
            go(&qk, &v, &rot, s, odd, 10, 12),
            Err(Error::InvalidArgument { what: "n_buckets", .. })
        ));
        let nodiv = LshConfig { bucket_size: 3, ..cfg };
        assert!(matches!(
            go(&qk, &v, &rot, s, nodiv, 10, 12),
            Err(Error::InvalidArgument { what: "bucket_size", .. })
        ));
        let zero = LshConfig { rounds: 0, ..cfg };
        assert_eq!(go(&qk, &v, &rot, s, zero, 10, 12), Err(Error::Empty { what: "rounds" }));
        assert_eq!(
            go(&[], &[], &rot, LshShape { n: 0, ..s }, cfg, 10, 12),
            Err(Error::Empty { what: "n" })
        );
        let mut bad = qk;
        bad[3] = f32::NAN;
        assert_eq!(
            go(&bad, &v, &rot, s, cfg, 10, 12),
            Err(Error::NonFinite { what: "qk", index: 3 })
        );
        assert_eq!(
            go(&qk, &v, &[1.0, f32::INFINITY], s, cfg, 10, 12),
            Err(Error::NonFinite { what: "rotations", index: 1 })
        );
        assert_eq!(out, [7.0; 4]);
        assert!(shared_qk_attention(&qk, &v, s, false, &mut [0.0; 3], &mut out).is_err());
        assert_eq!(out, [7.0; 4]);
    }

    #[test]
    fn zero_vectors_are_allowed() {
        let s = LshShape { heads: 1, n: 4, d: 2, dv: 1 };
        let cfg = LshConfig { rounds: 2, n_buckets: 2, bucket_size: 2, causal: false };
        let out = run(&[0.0; 8], &[1.0, 2.0, 3.0, 4.0], &[1.0, 0.5, -0.3, 0.2], s, cfg).unwrap();
        assert!(out.iter().all(|o| o.is_finite()));
    }
}

#[cfg(test)]
mod no_panic {
    extern crate std;
    use super::*;
    use crate::attention::{sdpa, SdpaShape};
    use proptest::prelude::*;
    use std::vec;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        /// Arbitrary sizes, slice lengths and configs: Ok or Err, never a panic.
        #[test]
        fn arbitrary_arguments_never_panic(
            heads in 0usize..3, n in 0usize..9, d in 0usize..4, dv in 0usize..3,
            rounds in 0usize..3, b in 0usize..6, c in 0usize..5, causal in any::<bool>(),
            dq in -2isize..3, dvl in -2isize..3, dr in -2isize..3, di in -3isize..3, df in -3isize..3,
            dout in -2isize..3, x in -3.0f32..3.0,
        ) {
            let len = |base: usize, delta: isize| (base as isize + delta).max(0) as usize;
            let qk = vec![x; len(heads * n * d, dq)];
            let v = vec![x; len(heads * n * dv, dvl)];
            let rot = vec![x; len(d * rounds * (b / 2), dr)];
            let mut idx = vec![0u32; len(rounds * n + n + b, di)];
            let mut f = vec![0.0f32; len(3 * n, df)];
            let mut out = vec![0.0f32; len(heads * n * dv, dout)];
            let cfg = LshConfig { rounds, n_buckets: b, bucket_size: c, causal };
            let shape = LshShape { heads, n, d, dv };
            let _ = lsh_attention(&qk, &v, &rot, shape, cfg, (&mut idx, &mut f), &mut out);
            let _ = shared_qk_attention(&qk, &v, shape, causal, &mut f, &mut out);
            let s = SdpaShape { heads, n, m: n, d, dv };
            let _ = sdpa(&qk, &qk, &v, s, causal, &mut out);
        }
    }
}
