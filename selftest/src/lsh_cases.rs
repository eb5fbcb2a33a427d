//! lsh cases: hyperplane (stored, seeded Gaussian, seeded ±1), cross-polytope
//! and angular (stored and seeded) at d = 64, and an `LshIndex` insert and
//! query. Codes are written as 16-bit pieces in f32 (exact) so the checksum
//! covers every bit; each case checks against a plain f64 reference here.

use plasticore::cost::Cost;
use plasticore::lsh::angular::{Angular, SeededAngular};
use plasticore::lsh::crosspolytope::{CrossPolytope, SeededCrossPolytope};
use plasticore::lsh::hyperplane::{Hyperplane, SeededHyperplane, SeededSignHyperplane};
use plasticore::lsh::{IndexStorage, LshIndex, LshIndexI8, LshIndexInner, Neighbors, QueryBuf};
use plasticore::rng::Rng;

use crate::{measured, outcome, ram, Case, Meter, Outcome};

const D: usize = 64;

/// Cross-polytope d' = 64, 3 rounds: 3 · (d' log₂ d' butterfly adds + d' sign
/// flips + d' scalings), each counted as one MAC (`plasticore::cost` convention).
const CP_MACS: usize = 3 * (64 * 6 + 2 * 64);

fn normal<const N: usize>(seed: u64) -> [f32; N] {
    let mut r = Rng::new(seed);
    let mut a = [0.0f32; N];
    r.fill_normal(&mut a);
    a
}

/// A 64-bit code as four exact f32 pieces of 16 bits (and the f64 reference).
fn pieces(code: u64) -> ([f32; 4], [f64; 4]) {
    let mut g = [0.0f32; 4];
    let mut w = [0.0f64; 4];
    for i in 0..4 {
        let v = (code >> (16 * i)) & 0xffff;
        g[i] = v as f32;
        w[i] = v as f64;
    }
    (g, w)
}

/// The SimHash code of `x` with planes `[d][b]`, in f64.
fn hyperplane_ref<const B: usize>(x: &[f32; D], planes: &[[f32; B]; D]) -> u64 {
    let mut code = 0u64;
    for j in 0..B {
        let s: f64 = x.iter().zip(planes).map(|(&xi, row)| xi as f64 * row[j] as f64).sum();
        code |= ((s > 0.0) as u64) << j;
    }
    code
}

fn code_outcome(ok: bool, got: u64, want: u64) -> Outcome {
    let (g, _) = pieces(got);
    let (_, w) = pieces(want);
    outcome(ok, &g, &w, 0.0)
}

fn hyperplane_case<const B: usize>(m: &mut dyn Meter) -> Outcome {
    let (h, x) = (Hyperplane::<D, B>::new(11), normal::<D>(12));
    let mut proj = [0.0f32; B];
    let (code, ok) = measured(m, || h.hash_u64(&x, &mut proj));
    code_outcome(ok, code, hyperplane_ref(&x, &h.planes))
}

/// lsh.hyperplane, d = 64, 32 bits, stored planes.
pub const HYPERPLANE_64X32: Case = Case::new(
    "lsh.hyperplane",
    "d=64 b=32 stored",
    Cost::new(64 * 32, 64 * 32, 32 * 4),
    (64 * 32 * 4 + 64 * 4 + 32 * 4) as u32,
    hyperplane_case::<32>,
);

/// lsh.hyperplane, d = 64, 64 bits, stored planes.
pub const HYPERPLANE_64X64: Case = Case::new(
    "lsh.hyperplane",
    "d=64 b=64 stored",
    Cost::new(64 * 64, 64 * 64, 64 * 4),
    (64 * 64 * 4 + 64 * 4 + 64 * 4) as u32,
    hyperplane_case::<64>,
);

fn hyperplane_seeded_case(m: &mut dyn Meter) -> Outcome {
    let (s, x) = (SeededHyperplane::<D, 64>::new(11), normal::<D>(12));
    let mut proj = [0.0f32; 64];
    let (code, ok) = measured(m, || s.hash_u64(&x, &mut proj));
    code_outcome(ok, code, hyperplane_ref(&x, &Hyperplane::<D, 64>::new(11).planes))
}

/// lsh.hyperplane, d = 64, 64 bits, Gaussian planes regenerated from the seed (0 bytes).
// Stack: the reference builds the stored planes.
pub const HYPERPLANE_64X64_SEEDED: Case = Case::new(
    "lsh.hyperplane",
    "d=64 b=64 seeded",
    Cost::new(0, 64 * 64, 64 * 4),
    (64 * 4 + 64 * 4) as u32,
    hyperplane_seeded_case,
)
.with_ram(64 * 64 * 4 + ram((64 * 4 + 64 * 4) as u32));

fn hyperplane_sign_case(m: &mut dyn Meter) -> Outcome {
    let (s, x) = (SeededSignHyperplane::<D, 64>::new(11), normal::<D>(12));
    let mut proj = [0.0f32; 64];
    let (code, ok) = measured(m, || s.hash_u64(&x, &mut proj));
    let want = hyperplane_ref(&x, &Hyperplane::<D, 64>::new_sign(11).planes);
    code_outcome(ok, code, want)
}

/// lsh.hyperplane, d = 64, 64 bits, ±1 planes regenerated from the seed (0 bytes).
// Stack: the reference builds the stored planes.
pub const HYPERPLANE_64X64_SIGN_SEEDED: Case = Case::new(
    "lsh.hyperplane",
    "d=64 b=64 ±1 seeded",
    Cost::new(0, 64 * 64, 64 * 4),
    (64 * 4 + 64 * 4) as u32,
    hyperplane_sign_case,
)
.with_ram(64 * 64 * 4 + ram((64 * 4 + 64 * 4) as u32));

/// Cross-polytope bucket in f64 with the packed signs of `cp`.
fn crosspolytope_ref(x: &[f32; D], words: &[[u32; 2]; 3]) -> u32 {
    // A run-time size keeps this f64 reference from being unrolled into flash.
    let n = core::hint::black_box(D);
    let mut buf = [0.0f64; D];
    let y = &mut buf[..n];
    for (v, &xi) in y.iter_mut().zip(x) {
        *v = xi as f64;
    }
    for round in words {
        for (i, v) in y.iter_mut().enumerate() {
            if (round[i / 32] >> (i % 32)) & 1 == 0 {
                *v = -*v;
            }
        }
        let mut h = 1;
        while h < n {
            for blk in (0..n).step_by(2 * h) {
                for j in blk..blk + h {
                    let (a, b) = (y[j], y[j + h]);
                    y[j] = a + b;
                    y[j + h] = a - b;
                }
            }
            h *= 2;
        }
        y.iter_mut().for_each(|v| *v /= libm::sqrt(n as f64));
    }
    let mut arg = 0;
    for i in 1..n {
        if y[i].abs() > y[arg].abs() {
            arg = i;
        }
    }
    if y[arg] > 0.0 {
        arg as u32
    } else {
        (arg + n) as u32
    }
}

fn crosspolytope_case(m: &mut dyn Meter) -> Outcome {
    let (cp, x) = (CrossPolytope::<D, 3, 2>::new(13), normal::<D>(14));
    let mut y = [0.0f32; D];
    let (b, ok) = measured(m, || cp.bucket(&x, &mut y));
    outcome(ok, &[b as f32], &[crosspolytope_ref(&x, &cp.words) as f64], 0.0)
}

/// lsh.crosspolytope, d = d' = 64, 3 rounds, packed signs (24 bytes).
pub const CROSSPOLYTOPE_64: Case = Case::new(
    "lsh.crosspolytope",
    "d=64 k=3 stored",
    Cost::new(3 * 64, CP_MACS, 64 * 4),
    (3 * 8 + 64 * 4 + 64 * 4) as u32,
    crosspolytope_case,
);

fn crosspolytope_seeded_case(m: &mut dyn Meter) -> Outcome {
    let (cp, x) = (SeededCrossPolytope::<D, 3>::new(13), normal::<D>(14));
    let mut y = [0.0f32; D];
    let (b, ok) = measured(m, || cp.bucket(&x, &mut y));
    let want = crosspolytope_ref(&x, &CrossPolytope::<D, 3, 2>::new(13).words);
    outcome(ok, &[b as f32], &[want as f64], 0.0)
}

/// lsh.crosspolytope, d = d' = 64, 3 rounds, signs regenerated from the seed.
pub const CROSSPOLYTOPE_64_SEEDED: Case = Case::new(
    "lsh.crosspolytope",
    "d=64 k=3 seeded",
    Cost::new(0, CP_MACS, 64 * 4),
    (64 * 4 + 64 * 4) as u32,
    crosspolytope_seeded_case,
);

fn angular_ref(x: &[f32; D], rot: &[[[f32; 16]; 1]; D]) -> u32 {
    let mut best = f64::NEG_INFINITY;
    let mut arg = 0u32;
    for (idx, sign) in [(0u32, 1.0f64), (16, -1.0)] {
        for j in 0..16 {
            let s: f64 = x.iter().zip(rot).map(|(&xi, r)| xi as f64 * r[0][j] as f64).sum();
            if sign * s > best {
                best = sign * s;
                arg = idx + j as u32;
            }
        }
    }
    arg
}

fn angular_case(m: &mut dyn Meter) -> Outcome {
    let (a, x) = (Angular::<D, 1, 16>::new(15), normal::<D>(16));
    let (mut sc, mut b) = ([[0.0f32; 16]; 1], [0u32; 1]);
    let ((), ok) = measured(m, || a.hash(&x, &mut sc, &mut b));
    outcome(ok, &[b[0] as f32], &[angular_ref(&x, &a.rot) as f64], 0.0)
}

/// lsh.angular, d = 64, b = 32 (one round), stored rotation.
pub const ANGULAR_64X32: Case = Case::new(
    "lsh.angular",
    "d=64 b=32 stored",
    Cost::new(64 * 16, 64 * 16, 16 * 4),
    (64 * 16 * 4 + 64 * 4 + 16 * 4) as u32,
    angular_case,
);

fn angular_seeded_case(m: &mut dyn Meter) -> Outcome {
    let (a, x) = (SeededAngular::<D, 1, 16>::new(15), normal::<D>(16));
    let (mut sc, mut b) = ([[0.0f32; 16]; 1], [0u32; 1]);
    let ((), ok) = measured(m, || a.hash(&x, &mut sc, &mut b));
    let want = angular_ref(&x, &Angular::<D, 1, 16>::new(15).rot);
    outcome(ok, &[b[0] as f32], &[want as f64], 0.0)
}

/// lsh.angular, d = 64, b = 32 (one round), rotation regenerated from the seed.
// Stack: the reference builds the stored planes.
pub const ANGULAR_64X32_SEEDED: Case = Case::new(
    "lsh.angular",
    "d=64 b=32 seeded",
    Cost::new(0, 64 * 16, 16 * 4),
    (64 * 4 + 16 * 4) as u32,
    angular_seeded_case,
)
.with_ram(64 * 32 * 4 + ram((64 * 4 + 16 * 4) as u32));

const ID: usize = 16;
const ICAP: usize = 128;
const IL: usize = 4;
const IK: usize = 8;
const IP: usize = 40;
const IBYTES: u32 = (ICAP * (4 * ID + 8 * IL + 1) + 4 * IL * ID * IK + 4 * ID) as u32;

/// Fills `idx` with 128 random 16-d vectors (kept in `data`); returns a
/// query near item 5 and whether every insert succeeded.
fn fill<S: IndexStorage<Vector = [f32; ID]>>(
    idx: &mut LshIndexInner<S>,
    data: &mut [[f32; ID]; ICAP],
) -> ([f32; ID], bool) {
    let mut rng = Rng::new(18);
    let mut ok = true;
    for x in data.iter_mut() {
        rng.fill_normal(x);
        ok &= idx.insert(x).is_ok();
    }
    let mut q = data[5];
    for v in q.iter_mut() {
        *v += 0.05 * rng.normal();
    }
    (q, ok && idx.len() == ICAP)
}

/// Queries `idx` (filled by [`fill`]) under the meter: ids then cosines
/// against the exact f64 cosine to `tol`; the planted neighbour comes first.
fn query_outcome<S: IndexStorage<Vector = [f32; ID]>>(
    m: &mut dyn Meter,
    idx: &LshIndexInner<S>,
    data: &[[f32; ID]; ICAP],
    (q, filled): ([f32; ID], bool),
    tol: f64,
) -> Outcome {
    let mut buf = QueryBuf::<ICAP, IL, IK, IP>::new();
    let mut out = Neighbors::<4>::new();
    let mut ok = filled;
    m.measure(&mut || ok &= idx.query(&q, 16, &mut buf, &mut out).is_ok());
    let mut got = [0.0f32; 8];
    let mut want = [0.0f64; 8];
    for (i, n) in out.iter().enumerate() {
        got[i] = n.id as f32;
        want[i] = n.id as f64;
        got[4 + i] = n.cosine;
        want[4 + i] = data.get(n.id as usize).map_or(f64::NAN, |x| cosine_ref(&q, x));
    }
    ok &= out.len() == 4 && out.first().is_some_and(|n| n.id == 5);
    outcome(ok, &got, &want, tol)
}

fn cosine_ref(a: &[f32; ID], b: &[f32; ID]) -> f64 {
    let (mut ab, mut aa, mut bb) = (0.0f64, 0.0f64, 0.0f64);
    for (&x, &y) in a.iter().zip(b) {
        ab += x as f64 * y as f64;
        aa += x as f64 * x as f64;
        bb += y as f64 * y as f64;
    }
    ab / libm::sqrt(aa * bb)
}

fn index_query_case(m: &mut dyn Meter) -> Outcome {
    let mut idx = LshIndex::<ID, ICAP, IL, IK>::new(17);
    let mut data = [[0.0f32; ID]; ICAP];
    let q = fill(&mut idx, &mut data);
    query_outcome(m, &idx, &data, q, 1e-5)
}

/// lsh.index query: 128 items of d = 16, L = 4 tables × K = 8 bits, 16 probes, top 4.
// Stack: the index and its data, built in place.
pub const INDEX_QUERY_128: Case = Case::new(
    "lsh.index",
    "query n=128 d=16 L=4 K=8 probes=16 k=4",
    Cost::new(IL * ID * IK, IL * ID * IK, IL * IK * 5 + 12 * IP + ICAP),
    IBYTES,
    index_query_case,
)
.with_ram(2 * IBYTES + 4096);

/// Bytes of the quantised index: i8 codes and a scale per item instead of f32 vectors.
const IBYTES_I8: u32 = (ICAP * (ID + 4 + 8 * IL + 1) + 4 * IL * ID * IK + 4 * ID) as u32;

/// The i8 codes carry 7 bits: cosines agree with the f64 ones to 0.02.
fn index_i8_query_case(m: &mut dyn Meter) -> Outcome {
    let mut idx = LshIndexI8::<ID, ICAP, IL, IK>::new(17);
    let mut data = [[0.0f32; ID]; ICAP];
    let q = fill(&mut idx, &mut data);
    query_outcome(m, &idx, &data, q, 0.02)
}

/// lsh.index_i8 query: the index of [`INDEX_QUERY_128`] with i8 vectors, integer-cosine re-ranking.
// Stack: the f32 data kept for the reference.
pub const INDEX_I8_QUERY_128: Case = Case::new(
    "lsh.index_i8",
    "query n=128 d=16 L=4 K=8 probes=16 k=4",
    Cost::new(IL * ID * IK, IL * ID * IK, IL * IK * 5 + 12 * IP + ICAP),
    IBYTES_I8,
    index_i8_query_case,
)
.with_ram(2 * IBYTES_I8 + (ICAP * ID * 4) as u32 + 4096);

fn index_insert_case(m: &mut dyn Meter) -> Outcome {
    let mut idx = LshIndex::<ID, ICAP, IL, IK>::new(17);
    let mut data = [[0.0f32; ID]; ICAP];
    let (_, mut ok) = fill(&mut idx, &mut data);
    // Remove item 64 and insert it again: the freed slot is reused, so each call
    // leaves the index as it found it.
    m.measure(&mut || {
        ok &= idx.remove(64).is_ok();
        ok &= idx.insert(&data[64]) == Ok(64);
    });
    ok &= idx.len() == ICAP;
    outcome(ok, &[idx.len() as f32], &[ICAP as f64], 0.0)
}

/// lsh.index remove + insert into a full index of 128 items (d = 16, L = 4, K = 8).
// Stack: the index and its data, built in place.
pub const INDEX_INSERT_128: Case = Case::new(
    "lsh.index",
    "remove+insert n=128 d=16 L=4 K=8",
    Cost::new(IL * ID * IK, IL * ID * IK + ID, 0),
    IBYTES,
    index_insert_case,
)
.with_ram(2 * IBYTES + 4096);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::NoMeter;

    #[test]
    fn every_lsh_case_passes_on_the_host() {
        for c in [
            HYPERPLANE_64X32,
            HYPERPLANE_64X64,
            HYPERPLANE_64X64_SEEDED,
            HYPERPLANE_64X64_SIGN_SEEDED,
            CROSSPOLYTOPE_64,
            CROSSPOLYTOPE_64_SEEDED,
            ANGULAR_64X32,
            ANGULAR_64X32_SEEDED,
            INDEX_QUERY_128,
            INDEX_INSERT_128,
        ] {
            let o = (c.run)(&mut NoMeter);
            assert!(o.ok, "{} {}: {o:?}", c.kernel, c.shape);
        }
    }
}
