//! fixed-point cases: Q15 / Q7 dot and matvec (the CMSIS-DSP comparisons),
//! integer SimHash and cross-polytope, quantisation. Integer outputs are
//! written as exact 16-bit pieces in f32 so the checksum covers every bit;
//! each case checks against a plain integer reference here (i128 sums).

use plasticore::cost::{self, Cost};
use plasticore::fixed::linalg::{dot, matmul, matvec};
use plasticore::fixed::{dequantize, quantize, Fixed, Q15_SCALE};
use plasticore::lsh::ternary::{crosspolytope_bucket_i, sign_planes_i8, TernaryPlanes};
use plasticore::rng::Rng;

use crate::{outcome, ram, Case, Meter, Outcome};

use crate::inputs::{self, ints, Words};

/// An i64 as four exact 16-bit f32 pieces, and its f64 reference pieces.
fn pieces(v: i64) -> [f32; 4] {
    let u = v as u64;
    core::array::from_fn(|i| ((u >> (16 * i)) & 0xffff) as f32)
}

fn exact(v: i128) -> [f64; 4] {
    let u = v as i64 as u64;
    core::array::from_fn(|i| ((u >> (16 * i)) & 0xffff) as f64)
}

fn dot_ref<T: Fixed>(a: &[T], b: &[T]) -> i128 {
    a.iter().zip(b).map(|(x, y)| x.to_i32() as i128 * y.to_i32() as i128).sum()
}

fn dot_case<T: Fixed, const N: usize>(m: &mut dyn Meter) -> Outcome {
    let a = &ints::<T, N>(inputs::FIXED_DOT.0).0;
    let b = &ints::<T, N>(inputs::FIXED_DOT.1).0;
    let mut out = 0i64;
    let mut ok = true;
    m.measure(&mut || match dot(a, b) {
        Ok(v) => out = v,
        Err(_) => ok = false,
    });
    outcome(ok, &pieces(out), &exact(dot_ref(a, b)), 0.0)
}

macro_rules! dot_cases {
    ($($name:ident: $t:ty, $n:expr, $shape:expr, $bytes:expr;)*) => {$(
        #[doc = concat!("fixed.dot, ", $shape)]
        pub const $name: Case = Case::new("fixed.dot", $shape, cost::dot($n), (2 * $n * $bytes + 8) as u32, dot_case::<$t, $n>);
    )*};
}

dot_cases! {
    DOT_Q15_64: i16, 64, "q15 n=64", 2;
    DOT_Q15_67: i16, 67, "q15 n=67", 2;
    DOT_Q15_4096: i16, 4096, "q15 n=4096", 2;
    DOT_Q7_64: i8, 64, "q7 n=64", 1;
    DOT_Q7_67: i8, 67, "q7 n=67", 1;
    DOT_Q7_4096: i8, 4096, "q7 n=4096", 1;
}

fn matvec_case<T: Fixed, const R: usize, const C: usize, const RC: usize>(
    m: &mut dyn Meter,
) -> Outcome {
    let a = &ints::<T, RC>(inputs::FIXED_MATVEC.0).0;
    let x = &ints::<T, C>(inputs::FIXED_MATVEC.1).0;
    let shift = T::BITS - 1;
    let mut y = [T::default(); R];
    let mut ok = true;
    m.measure(&mut || ok &= matvec(a, R, C, x, shift, &mut y).is_ok());
    let mut got = [0.0f32; R];
    let mut want = [0.0f64; R];
    for i in 0..R {
        let s = dot_ref(&a[i * C..(i + 1) * C], x);
        let r = (s + (1i128 << (shift - 1))) >> shift;
        want[i] = r.clamp(T::MIN as i128, T::MAX as i128) as f64;
        got[i] = y[i].to_i32() as f32;
    }
    outcome(ok, &got, &want, 0.0)
}

/// fixed.matvec, Q15 64 × 64, shift 15 (Q15 out).
pub const MATVEC_Q15_64: Case = Case::new(
    "fixed.matvec",
    "q15 64x64",
    cost::matvec(64, 64),
    ((4096 + 64 + 64) * 2) as u32,
    matvec_case::<i16, 64, 64, 4096>,
);

/// fixed.matvec, Q7 64 × 64, shift 7 (Q7 out).
pub const MATVEC_Q7_64: Case = Case::new(
    "fixed.matvec",
    "q7 64x64",
    cost::matvec(64, 64),
    (4096 + 64 + 64) as u32,
    matvec_case::<i8, 64, 64, 4096>,
);

const D: usize = 64;
const B: usize = 64;

fn simhash_case<T: Fixed>(m: &mut dyn Meter) -> Outcome {
    let mut planes = [0i8; D * B];
    let ok_planes = sign_planes_i8(11, B, &mut planes).is_ok();
    let x = &ints::<T, D>(12).0;
    let mut code = 0u64;
    let mut ok = ok_planes;
    match TernaryPlanes::new(&planes, D, B) {
        Ok(p) => m.measure(&mut || match p.hash_u64(x) {
            Ok(c) => code = c,
            Err(_) => ok = false,
        }),
        Err(_) => ok = false,
    }
    let mut want = 0u64;
    for j in 0..B {
        let s: i64 = (0..D).map(|i| x[i].to_i32() as i64 * planes[i * B + j] as i64).sum();
        want |= ((s > 0) as u64) << j;
    }
    outcome(ok, &pieces(code as i64), &exact(want as i64 as i128), 0.0)
}

/// fixed.simhash, Q15 input, d = 64, 64 bits, ±1 planes (4 KiB of i8).
pub const SIMHASH_Q15_64X64: Case = Case::new(
    "fixed.simhash",
    "q15 d=64 b=64",
    Cost::new(D * B, D * B, 0),
    (D * B + D * 2 + 8) as u32,
    simhash_case::<i16>,
);

/// fixed.simhash, Q7 input, d = 64, 64 bits, ±1 planes.
pub const SIMHASH_Q7_64X64: Case = Case::new(
    "fixed.simhash",
    "q7 d=64 b=64",
    Cost::new(D * B, D * B, 0),
    (D * B + D + 8) as u32,
    simhash_case::<i8>,
);

fn crosspolytope_case(m: &mut dyn Meter) -> Outcome {
    let x = &ints::<i16, D>(13).0;
    let mut y = [0i32; D];
    let mut buckets = [0u32; 3];
    let mut ok = true;
    m.measure(&mut || {
        for (k, b) in buckets.iter_mut().enumerate() {
            match crosspolytope_bucket_i(x, 17 + k as u64, 3, &mut y) {
                Ok(v) => *b = v,
                Err(_) => ok = false,
            }
        }
    });
    // Reference: the same rotation in i64 with an explicit Hadamard matrix.
    let mut want = [0.0f64; 3];
    for (k, w) in want.iter_mut().enumerate() {
        let mut v = [0i64; D];
        for (vi, xi) in v.iter_mut().zip(x) {
            *vi = *xi as i64;
        }
        let mut r = Rng::new(17 + k as u64);
        for _ in 0..3 {
            for c in 0..D / 32 {
                let bits = r.next();
                for t in 0..32 {
                    if (bits >> t) & 1 == 0 {
                        v[c * 32 + t] = -v[c * 32 + t];
                    }
                }
            }
            let mut h = [0i64; D];
            for (i, hi) in h.iter_mut().enumerate() {
                for (j, vj) in v.iter().enumerate() {
                    let sign = if (i & j).count_ones() % 2 == 0 { 1 } else { -1 };
                    *hi += sign * vj;
                }
            }
            for (vi, hi) in v.iter_mut().zip(&h) {
                *vi = (*hi >> 3) + ((*hi >> 2) & 1);
            }
        }
        let (mut best, mut arg) = (-1i64, 0usize);
        for (i, vi) in v.iter().enumerate() {
            if vi.abs() > best {
                best = vi.abs();
                arg = i;
            }
        }
        *w = if v[arg] > 0 { arg } else { arg + D } as f64;
    }
    let got = buckets.map(|b| b as f32);
    outcome(ok, &got, &want, 0.0)
}

/// fixed crosspolytope (integer FWHT), Q15 input, d' = 64, 3 rounds, 3 hashes.
// Stack: the i64 reference vectors.
pub const CROSSPOLYTOPE_Q15_64: Case = Case::new(
    "fixed.crosspolytope",
    "q15 d=64 k=3 x3",
    Cost::new(0, 3 * 3 * (64 * 6 + 64), 64 * 4),
    (D * 2 + D * 4 + 12) as u32,
    crosspolytope_case,
)
.with_ram(ram((D * 2 + D * 4 + 12) as u32) + (D * 16) as u32);

/// Round half to even in f64 (independent of the kernel's f32 trick).
fn rint_ref(v: f64) -> f64 {
    let f = libm::floor(v);
    match v - f {
        d if d < 0.5 => f,
        d if d > 0.5 => f + 1.0,
        _ if f % 2.0 == 0.0 => f,
        _ => f + 1.0,
    }
}

/// Quantises [`inputs::quantize_source`] with the format's power-of-two
/// scale; the reference: x·2^(BITS−1) in f64 (exact), round
/// half to even, clamp.
fn quantize_case<T: Fixed>(m: &mut dyn Meter) -> Outcome {
    let one = (1i64 << (T::BITS - 1)) as f32;
    let x = inputs::quantize_source(one);
    let scale = 1.0 / one;
    let mut q = Words([T::default(); 256]);
    let mut ok = true;
    m.measure(&mut || ok &= quantize(&x, scale, &mut q.0).is_ok());
    let mut got = [0.0f32; 256];
    let mut want = [0.0f64; 256];
    for i in 0..256 {
        got[i] = q[i].to_i32() as f32;
        want[i] = rint_ref(x[i] as f64 * one as f64).clamp(T::MIN as f64, T::MAX as f64);
    }
    outcome(ok, &got, &want, 0.0)
}

/// fixed.quantize to Q15, 256 values in [−1.2, 1.2] (some saturate).
pub const QUANTIZE_Q15_256: Case =
    Case::new("fixed.quantize", "q15 n=256", Cost::new(0, 256, 0), 256 * 6, quantize_case::<i16>)
        .with_ram(ram(256 * 6) + 256 * 12);

/// fixed.quantize to Q7, 256 values in [−1.2, 1.2] (some saturate).
pub const QUANTIZE_Q7_256: Case =
    Case::new("fixed.quantize", "q7 n=256", Cost::new(0, 256, 0), 256 * 5, quantize_case::<i8>)
        .with_ram(ram(256 * 5) + 256 * 12);

fn dequantize_case(m: &mut dyn Meter) -> Outcome {
    let q = &ints::<i16, 256>(inputs::FIXED_DOT.0).0;
    let mut y = [0.0f32; 256];
    let mut ok = true;
    m.measure(&mut || ok &= dequantize(q, Q15_SCALE, &mut y).is_ok());
    // q · 2^−15 is exact in f32 and in f64.
    let want: [f64; 256] = core::array::from_fn(|i| q[i] as f64 / 32768.0);
    outcome(ok, &y, &want, 0.0)
}

/// fixed.dequantize from Q15, 256 values over the whole range.
pub const DEQUANTIZE_Q15_256: Case =
    Case::new("fixed.dequantize", "q15 n=256", Cost::new(0, 256, 0), 256 * 6, dequantize_case)
        .with_ram(ram(256 * 6) + 256 * 8);

const MM: usize = 16;

fn matmul_q15_case(m: &mut dyn Meter) -> Outcome {
    let a = &ints::<i16, { MM * MM }>(inputs::FIXED_MATVEC.0).0;
    let b = &ints::<i16, { MM * MM }>(inputs::FIXED_MATVEC.1).0;
    let mut bt = Words([0i16; MM * MM]);
    let mut c = [0i16; MM * MM];
    let mut ok = true;
    m.measure(&mut || ok &= matmul(a, b, MM, MM, MM, 15, &mut bt.0, &mut c).is_ok());
    let mut got = [0.0f32; MM * MM];
    let mut want = [0.0f64; MM * MM];
    for i in 0..MM {
        for j in 0..MM {
            let s: i64 = (0..MM).map(|k| a[i * MM + k] as i64 * b[k * MM + j] as i64).sum();
            // Half up: floor((s + 2^14) / 2^15), then saturate.
            want[i * MM + j] = ((s + (1 << 14)) >> 15).clamp(-32768, 32767) as f64;
            got[i * MM + j] = c[i * MM + j] as f32;
        }
    }
    outcome(ok, &got, &want, 0.0)
}

/// fixed.matmul, Q15 16 × 16 × 16, shift 15 (a Q15 product).
pub const MATMUL_Q15_16: Case = Case::new(
    "fixed.matmul",
    "q15 16x16x16",
    cost::matmul(MM, MM, MM),
    (4 * MM * MM * 2) as u32,
    matmul_q15_case,
)
.with_ram(ram((4 * MM * MM * 2) as u32) + (MM * MM * 12) as u32);
