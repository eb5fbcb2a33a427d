//! A small seeded generator that gives the same stream on every target.
//!
//! [`Rng`] is xoshiro128++ (Blackman & Vigna 2019) seeded through SplitMix64;
//! it implements `rand_core` 0.10's traits (the version `rand` 0.10 uses:
//! [`rand_core::TryRng`] with `Error = Infallible`, hence [`rand_core::Rng`],
//! and [`rand_core::SeedableRng`] with the `u64` seed as 8 little-endian
//! bytes), so it plugs into the `rand` ecosystem. Float helpers build
//! values from integer bits only, so they are bit-identical everywhere.

use core::convert::Infallible;

/// xoshiro128++ seeded from a `u64` via SplitMix64.
#[derive(Debug, Clone)]
pub struct Rng {
    s: [u32; 4],
}

const fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Rng {
    /// A generator whose whole stream is fixed by `seed`.
    pub const fn new(seed: u64) -> Self {
        let mut st = seed;
        let a = splitmix64(&mut st);
        let b = splitmix64(&mut st);
        let mut s = [a as u32, (a >> 32) as u32, b as u32, (b >> 32) as u32];
        if s[0] == 0 && s[1] == 0 && s[2] == 0 && s[3] == 0 {
            s[0] = 1; // the all-zero state is a fixed point
        }
        Rng { s }
    }

    /// Next 32 random bits.
    #[allow(clippy::should_implement_trait)] // an infinite stream, not an Iterator
    #[inline]
    pub const fn next(&mut self) -> u32 {
        let s = &mut self.s;
        let result = s[0].wrapping_add(s[3]).rotate_left(7).wrapping_add(s[0]);
        let t = s[1] << 9;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(11);
        result
    }

    /// Uniform in [0, 1) with 24 bits of resolution (exact in f32).
    #[inline]
    pub fn unit(&mut self) -> f32 {
        (self.next() >> 8) as f32 * (1.0 / 16_777_216.0)
    }

    /// Uniform in [lo, hi).
    #[inline]
    pub fn uniform(&mut self, lo: f32, hi: f32) -> f32 {
        lo + (hi - lo) * self.unit()
    }

    /// Standard normal N(0, 1) by the Box–Muller transform (libm, so identical on every target).
    pub fn normal(&mut self) -> f32 {
        // u1 in (0, 1] so that ln(u1) is finite.
        let u1 = 1.0 - self.unit();
        let u2 = self.unit();
        libm::sqrtf(-2.0 * libm::logf(u1)) * libm::cosf(core::f32::consts::TAU * u2)
    }

    /// +1.0 or −1.0 with equal probability.
    #[inline]
    pub fn sign(&mut self) -> f32 {
        if self.next() & 1 == 1 {
            1.0
        } else {
            -1.0
        }
    }

    /// Uniform integer in [0, n) (Lemire's multiply-shift; n = 0 gives 0).
    #[inline]
    pub fn below(&mut self, n: u32) -> u32 {
        ((self.next() as u64 * n as u64) >> 32) as u32
    }

    /// Fills `out` with U(lo, hi).
    pub fn fill_uniform(&mut self, out: &mut [f32], lo: f32, hi: f32) {
        out.iter_mut().for_each(|v| *v = self.uniform(lo, hi));
    }

    /// Fills `out` with N(0, 1).
    pub fn fill_normal(&mut self, out: &mut [f32]) {
        out.iter_mut().for_each(|v| *v = self.normal());
    }
}

impl rand_core::TryRng for Rng {
    type Error = Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        Ok(self.next())
    }
    /// Two `u32`s, the first in the low half.
    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        rand_core::utils::next_u64_via_u32(self)
    }
    /// `u32`s in little-endian byte order; the last one may be cut short.
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        for chunk in dst.chunks_mut(4) {
            for (d, b) in chunk.iter_mut().zip(self.next().to_le_bytes()) {
                *d = b;
            }
        }
        Ok(())
    }
}

impl rand_core::SeedableRng for Rng {
    /// The `u64` seed of [`Rng::new`], little-endian.
    type Seed = [u8; 8];
    fn from_seed(seed: [u8; 8]) -> Self {
        Rng::new(u64::from_le_bytes(seed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rand_core_traits_give_the_same_stream() {
        use rand_core::{Rng as _, SeedableRng};
        let mut a = <Rng as SeedableRng>::from_seed(42u64.to_le_bytes());
        let mut b = Rng::new(42);
        assert_eq!(a.next_u32(), b.next());
        let (lo, hi) = (b.next() as u64, b.next() as u64);
        assert_eq!(a.next_u64(), lo | hi << 32);
        let mut bytes = [0u8; 7];
        a.fill_bytes(&mut bytes);
        let (w0, w1) = (b.next().to_le_bytes(), b.next().to_le_bytes());
        assert_eq!(bytes, [w0[0], w0[1], w0[2], w0[3], w1[0], w1[1], w1[2]]);
    }

    #[test]
    fn same_seed_same_stream_and_moments() {
        let mut a = Rng::new(7);
        let mut b = Rng::new(7);
        for _ in 0..100 {
            assert_eq!(a.next(), b.next());
        }
        let n = 200_000;
        let (mut s, mut s2, mut u) = (0.0f64, 0.0f64, 0.0f64);
        for _ in 0..n {
            let z = a.normal() as f64;
            s += z;
            s2 += z * z;
            u += a.unit() as f64;
        }
        let mean = s / n as f64;
        let var = s2 / n as f64 - mean * mean;
        // 5σ bounds for the sample mean (σ/√n) and variance (√(2/n)).
        assert!(mean.abs() < 5.0 / (n as f64).sqrt());
        assert!((var - 1.0).abs() < 5.0 * (2.0 / n as f64).sqrt());
        assert!((u / n as f64 - 0.5).abs() < 5.0 * (1.0 / 12.0 / n as f64).sqrt());
    }

    #[test]
    fn below_stays_in_range() {
        let mut r = Rng::new(1);
        for n in [1u32, 2, 3, 10, 1000] {
            for _ in 0..1000 {
                assert!(r.below(n) < n);
            }
        }
        assert_eq!(r.below(0), 0);
    }
}
