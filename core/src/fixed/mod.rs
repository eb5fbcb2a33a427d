//! Fixed point: Q15 and Q7 values, quantisation, requantisation and
//! saturating results — the integer path for cores without an FPU (Cortex-M0/M0+,
//! M3, RV32IMC), exact on every target by construction.
//!
//! **Scales.** A quantised tensor is integers `q` and one positive `f32` scale
//! `s`: the real value is `q·s` (symmetric, zero point 0, as CMSIS-NN and
//! TensorFlow Lite Micro use for weights). Q15 is `i16` with `s = 2⁻¹⁵`
//! (values in [−1, 1)), Q7 is `i8` with `s = 2⁻⁷`; any other scale works the same.
//!
//! **Exactness.** Products are formed in `i32` (|q15·q15| ≤ 2³⁰) and summed in
//! `i64` (no overflow below 2³³ terms; the kernels accept no more), so every
//! integer result is exact and bit-identical on every target. Narrowing is
//! explicit: [`round_shift`] (round half up) then [`Fixed::saturate`].
//!
//! - [`linalg`]: dot, matvec and matmul on `i16` / `i8`;
//! - quantise / dequantise ([`quantize`], [`dequantize`]) and [`Requant`]
//!   (integer multiplier and shift, as CMSIS-NN and TFLM requantise).

use crate::error::{check_len, Error};
use crate::slices;

#[cfg(plasticore_armv6m)]
#[allow(unsafe_code)]
mod armv6m;

/// The 64-bit sum from the low and high words an assembly loop leaves
/// (`SMLALD`, `SMLAL`, `ADDS`/`ADCS`).
#[cfg(any(plasticore_arm_dsp, plasticore_mac64, plasticore_armv6m))]
#[inline(always)]
fn join(lo: u32, hi: u32) -> i64 {
    ((hi as u64) << 32 | lo as u64) as i64
}

/// (Σ r0ᵢ·xᵢ, Σ r1ᵢ·xᵢ) over the common length, exact: `block` sums the
/// first `count` chunks of `N` of each row against `x` (given the chunks and
/// `count ≥ 1`; it returns the low and high words of each row's 64-bit
/// sum), the tail (under `N`) is summed here. The one wrapper of the
/// assembly two-row loops (`dsp::dot2_i8`, `mac64::dot2_i16`).
#[cfg(any(plasticore_arm_dsp, plasticore_mac64))]
#[inline(always)]
fn dot2_chunks<T: Fixed, const N: usize>(
    r0: &[T],
    r1: &[T],
    x: &[T],
    block: impl FnOnce(&[[T; N]], &[[T; N]], &[[T; N]], usize) -> [u32; 4],
) -> (i64, i64) {
    let n = x.len().min(r0.len()).min(r1.len());
    let (r0, r1, x) = (slices::split(r0, n).0, slices::split(r1, n).0, slices::split(x, n).0);
    let (c0, t0) = r0.as_chunks::<N>();
    let (c1, t1) = r1.as_chunks::<N>();
    let (cx, tx) = x.as_chunks::<N>();
    let count = cx.len().min(c0.len()).min(c1.len());
    let [lo0, hi0, lo1, hi1] = if count > 0 { block(c0, c1, cx, count) } else { [0; 4] };
    let (mut s0, mut s1) = (join(lo0, hi0), join(lo1, hi1));
    for ((a, b), v) in t0.iter().zip(t1).zip(tx) {
        s0 += (a.to_i32() * v.to_i32()) as i64;
        s1 += (b.to_i32() * v.to_i32()) as i64;
    }
    (s0, s1)
}
#[cfg(plasticore_arm_dsp)]
#[allow(unsafe_code)]
pub(crate) mod dsp;
#[cfg(plasticore_arm_fpu)]
#[allow(unsafe_code)]
mod fpu;
pub mod linalg;
#[cfg(plasticore_mac64)]
#[allow(unsafe_code)]
mod mac64;

/// `saturate(round_shift(s, shift))` for an exact sum `s` of at most
/// [`linalg::MAX_LEN`] products (|s| < 2⁶²), as `(s + 2^(shift−1)) >> shift`: the
/// addition cannot overflow, so this equals [`round_shift`] (one 64-bit shift
/// instead of two), and the half is computed once per call.
#[derive(Clone, Copy)]
pub(crate) struct Narrow {
    half: i64,
    shift: u32,
}

impl Narrow {
    /// `shift` in 0..=63 (checked by the callers).
    pub(crate) fn new(shift: u32) -> Self {
        let shift = shift.min(63);
        Narrow { half: ((1u64 << shift) >> 1) as i64, shift }
    }

    /// `saturate((s + 2^(shift−1)) >> shift)`.
    #[inline(always)]
    pub(crate) fn apply<T: Fixed>(&self, s: i64) -> T {
        T::saturate((s + self.half) >> self.shift)
    }
}

/// A Q15 value: `i16` with scale 2⁻¹⁵.
pub type Q15 = i16;
/// A Q7 value: `i8` with scale 2⁻⁷.
pub type Q7 = i8;
/// The scale of Q15: 2⁻¹⁵.
pub const Q15_SCALE: f32 = 1.0 / 32768.0;
/// The scale of Q7: 2⁻⁷.
pub const Q7_SCALE: f32 = 1.0 / 128.0;

mod sealed {
    pub trait Sealed {}
    impl Sealed for i8 {}
    impl Sealed for i16 {}
}

/// The integer element types of the fixed-point kernels: `i8` (Q7) and `i16` (Q15).
pub trait Fixed: Copy + Default + PartialEq + core::fmt::Debug + sealed::Sealed {
    /// Bits (8 or 16).
    const BITS: u32;
    /// The smallest value, −2^(BITS−1).
    const MIN: i64;
    /// The largest value, 2^(BITS−1) − 1.
    const MAX: i64;
    /// Widens to `i32`.
    fn to_i32(self) -> i32;
    /// The nearest representable value: `clamp(v, MIN, MAX)`.
    fn saturate(v: i64) -> Self;
    /// Σ aᵢ·bᵢ, exact, over the common length (the loop shape each target
    /// compiles best; see [`linalg`]).
    #[doc(hidden)]
    fn dot_exact(a: &[Self], b: &[Self]) -> i64;
    /// (Σ r0ᵢ·xᵢ, Σ r1ᵢ·xᵢ), exact, over the common length: two matrix rows
    /// against one vector (one pass over `x` on DSP cores).
    #[doc(hidden)]
    #[inline(always)]
    fn dot2_exact(r0: &[Self], r1: &[Self], x: &[Self]) -> (i64, i64) {
        (Self::dot_exact(r0, x), Self::dot_exact(r1, x))
    }
    /// `out[i] = saturate(round_half_even(x[i]·inv))` for a prefix, by a loop of
    /// the target's own (cores with an FPU); returns the elements done (0: none).
    #[doc(hidden)]
    #[inline(always)]
    fn quantize_special(_x: &[f32], _inv: f32, _out: &mut [Self]) -> usize {
        0
    }
    /// `out[i] = q[i]·2⁻¹⁵` for a prefix, by a loop of the target's own (Q15
    /// on cores with an FPU); returns the elements done (0: none).
    #[doc(hidden)]
    #[inline(always)]
    fn dequantize_q15_special(_q: &[Self], _out: &mut [f32]) -> usize {
        0
    }
    /// [`Fixed::matvec_special`] for several vectors back to back in `xs`,
    /// their outputs back to back in `out` (the rows of a matrix product).
    #[doc(hidden)]
    #[inline(always)]
    fn matvec_many_special(
        _m: &[Self],
        _cols: usize,
        _xs: &[Self],
        _shift: u32,
        _out: &mut [Self],
    ) -> bool {
        false
    }
    /// `out = saturate(round_shift(m·x, shift))` by a loop of the target's
    /// own, if it has one for these sizes (Q7 on DSP cores); `false` leaves
    /// the work to the generic loop of [`linalg::matvec`].
    #[doc(hidden)]
    #[inline(always)]
    fn matvec_special(
        _m: &[Self],
        _cols: usize,
        _x: &[Self],
        _shift: u32,
        _out: &mut [Self],
    ) -> bool {
        false
    }
}

impl Fixed for i16 {
    const BITS: u32 = 16;
    const MIN: i64 = i16::MIN as i64;
    const MAX: i64 = i16::MAX as i64;
    #[inline(always)]
    fn to_i32(self) -> i32 {
        self as i32
    }
    #[inline(always)]
    fn saturate(v: i64) -> Self {
        saturate_i64(v, i16::MIN as i32, i16::MAX as i32) as i16
    }
    #[inline(always)]
    fn dot_exact(a: &[Self], b: &[Self]) -> i64 {
        linalg::dot_i16_exact(a, b)
    }
    #[cfg(plasticore_arm_dsp)]
    #[inline(always)]
    fn dot2_exact(r0: &[Self], r1: &[Self], x: &[Self]) -> (i64, i64) {
        dsp::dot2_i16(r0, r1, x)
    }
    #[cfg(plasticore_arm_dsp)]
    #[inline(always)]
    fn matvec_special(m: &[Self], cols: usize, x: &[Self], shift: u32, out: &mut [Self]) -> bool {
        dsp::matvec_i16(m, cols, x, shift, out)
    }
    #[cfg(plasticore_arm_dsp)]
    #[inline(always)]
    fn matvec_many_special(
        m: &[Self],
        cols: usize,
        xs: &[Self],
        shift: u32,
        out: &mut [Self],
    ) -> bool {
        dsp::matvec_many_i16(m, cols, xs, shift, out)
    }
    #[cfg(plasticore_mac64)]
    #[inline(always)]
    fn dot2_exact(r0: &[Self], r1: &[Self], x: &[Self]) -> (i64, i64) {
        mac64::dot2_i16(r0, r1, x)
    }
    #[cfg(plasticore_arm_fpu)]
    #[inline(always)]
    fn quantize_special(x: &[f32], inv: f32, out: &mut [Self]) -> usize {
        fpu::quantize_i16(x, inv, out)
    }
    #[cfg(plasticore_arm_fpu)]
    #[inline(always)]
    fn dequantize_q15_special(q: &[Self], out: &mut [f32]) -> usize {
        fpu::dequantize_q15(q, out)
    }
}

impl Fixed for i8 {
    const BITS: u32 = 8;
    const MIN: i64 = i8::MIN as i64;
    const MAX: i64 = i8::MAX as i64;
    #[inline(always)]
    fn to_i32(self) -> i32 {
        self as i32
    }
    #[inline(always)]
    fn saturate(v: i64) -> Self {
        saturate_i64(v, i8::MIN as i32, i8::MAX as i32) as i8
    }
    #[inline(always)]
    fn dot_exact(a: &[Self], b: &[Self]) -> i64 {
        linalg::dot_i8_exact(a, b)
    }
    #[cfg(plasticore_arm_dsp)]
    #[inline(always)]
    fn dot2_exact(r0: &[Self], r1: &[Self], x: &[Self]) -> (i64, i64) {
        dsp::dot2_i8(r0, r1, x)
    }
    #[cfg(plasticore_arm_dsp)]
    #[inline(always)]
    fn matvec_special(m: &[Self], cols: usize, x: &[Self], shift: u32, out: &mut [Self]) -> bool {
        dsp::matvec_i8(m, cols, x, shift, out)
    }
    #[cfg(plasticore_arm_fpu)]
    #[inline(always)]
    fn quantize_special(x: &[f32], inv: f32, out: &mut [Self]) -> usize {
        fpu::quantize_i8(x, inv, out)
    }
}

/// `clamp(v, min, max)` for an `i64` `v` and `i32` bounds: a 32-bit clamp
/// (one `SSAT` on Arm) when `v` fits in `i32`, which is the common case,
/// else the bound on `v`'s side.
#[inline(always)]
fn saturate_i64(v: i64, min: i32, max: i32) -> i32 {
    let w = v as i32;
    if w as i64 == v {
        w.clamp(min, max)
    } else if v < 0 {
        min
    } else {
        max
    }
}

/// `v / 2^s` rounded half up: `(v + 2^(s−1)) >> s` with an arithmetic shift,
/// computed without overflow as `(v >> s) + ((v >> (s−1)) & 1)`; `s = 0` is
/// the identity. Shifts above 63 act as 63.
///
/// ```
/// use plasticore::fixed::round_shift;
/// assert_eq!(round_shift(5, 1), 3);   //  2.5 → 3
/// assert_eq!(round_shift(-5, 1), -2); // −2.5 → −2 (half up)
/// assert_eq!(round_shift(7, 0), 7);
/// ```
#[inline]
pub const fn round_shift(v: i64, s: u32) -> i64 {
    if s == 0 {
        v
    } else {
        let s = if s > 63 { 63 } else { s };
        (v >> s) + ((v >> (s - 1)) & 1)
    }
}

fn check_scale(scale: f32) -> Result<(), Error> {
    if scale.is_finite() && scale > 0.0 {
        Ok(())
    } else {
        Err(Error::InvalidArgument { what: "scale", expected: "a finite value > 0" })
    }
}

/// Quantises: `out[i] = clamp(round_half_even(x[i] / scale), MIN, MAX)`, the
/// division in `f32` (as NumPy's `np.clip(np.rint(x / scale), lo, hi)` on float32).
///
/// # Errors
/// Lengths differ ([`Error::ShapeMismatch`]), `scale` not finite and
/// positive ([`Error::InvalidArgument`]), a NaN or ±∞ in `x`
/// ([`Error::NonFinite`]); `out` is untouched then.
pub fn quantize<T: Fixed>(x: &[f32], scale: f32, out: &mut [T]) -> Result<(), Error> {
    check_len("out", x.len(), out.len())?;
    check_scale(scale)?;
    crate::error::check_finite("x", x)?;
    // x / 2^k = x · 2^−k exactly (the same real number, rounded once), so a
    // power-of-two scale (Q15, Q7) multiplies by its exact inverse.
    let inv = 1.0 / scale;
    if scale.is_normal() && scale.to_bits() & 0x007f_ffff == 0 && inv.is_normal() {
        // The elements before `out`'s first word boundary, then the core's
        // own loop (if any) from there, then the rest.
        let lead = out.as_ptr().align_offset(4).min(out.len());
        let (xh, xt) = slices::split(x, lead);
        let (oh, ot) = slices::split_mut(out, lead);
        convert_pow2(xh, oh, inv);
        let done = T::quantize_special(xt, inv, ot);
        convert_pow2(slices::tail(xt, done), slices::split_mut(ot, done).1, inv);
    } else {
        convert(x, out, |v| v / scale);
    }
    Ok(())
}

/// `x · inv` rounded and saturated for `inv = 2^k`: on cores with an FPU (and
/// the host) in f32; on soft-float cores from the bits ([`round_pow2`]: the
/// same integer, without two soft-float additions and a multiply).
#[inline(always)]
fn convert_pow2<T: Fixed>(x: &[f32], out: &mut [T], inv: f32) {
    #[cfg(not(plasticore_soft_float))]
    convert(x, out, |v| v * inv);
    #[cfg(plasticore_soft_float)]
    {
        let k = 127 - ((inv.to_bits() >> 23) & 0xff) as i32;
        for (o, &v) in out.iter_mut().zip(x) {
            *o = T::saturate(round_pow2(v.to_bits(), -k) as i64);
        }
    }
}

/// round_half_even(x · 2^k) for a finite f32 `x` given by its `bits`, exact
/// in integers: x = ±mant · 2^(e − 150) (e the biased exponent, 1 for
/// subnormals), so x · 2^k is mant shifted right by `sh = 150 − k − e`;
/// the bits shifted out decide the rounding (above half: up; exactly half:
/// to the even neighbour). |x · 2^k| ≥ 2²³ gives ±`i32::MAX` (every
/// [`Fixed`] type saturates there), below one half 0. This is the f32
/// product's rint wherever that product is exact, and where it is not (it
/// overflows, or underflows to a subnormal below one half) both saturate or
/// give 0.
#[cfg_attr(not(plasticore_soft_float), allow(dead_code))]
#[inline(always)]
fn round_pow2(bits: u32, k: i32) -> i32 {
    let e = ((bits >> 23) & 0xff) as i32;
    let frac = bits & 0x007f_ffff;
    let (mant, e) = if e == 0 { (frac, 1) } else { (frac | 0x0080_0000, e) };
    let sh = 150 - k - e;
    let mag = if sh <= 0 {
        if mant == 0 {
            0
        } else {
            i32::MAX as u32
        }
    } else if sh > 24 {
        0
    } else {
        // Adding half − 1, plus the kept part's lowest bit, carries into the
        // kept part exactly when the dropped bits exceed one half, or equal
        // it with that bit odd (mant < 2²⁴: no overflow).
        let half = 1u32 << (sh - 1);
        (mant + (half - 1) + ((mant >> sh) & 1)) >> sh
    };
    if bits >> 31 == 1 {
        -(mag as i32)
    } else {
        mag as i32
    }
}

/// `q · 2^−k` as f32 bits, built in integers (exact: |q| < 2²⁴); `None` when
/// the result would not be a normal f32 (the caller multiplies instead).
#[cfg_attr(not(plasticore_soft_float), allow(dead_code))]
#[inline(always)]
fn scale_pow2(q: i32, k: i32) -> Option<f32> {
    if q == 0 {
        return Some(0.0);
    }
    let a = q.unsigned_abs();
    let lz = a.leading_zeros() as i32;
    let e = 127 + 31 - lz - k;
    if !(1..=254).contains(&e) {
        return None;
    }
    // Drop the leading one, keep the next 23 bits (|q| < 2²⁴: nothing is lost).
    let frac = ((a << lz) << 1) >> 9;
    Some(f32::from_bits(((q < 0) as u32) << 31 | (e as u32) << 23 | frac))
}

#[inline(always)]
fn convert<T: Fixed>(x: &[f32], out: &mut [T], scaled: impl Fn(f32) -> f32) {
    for (o, &v) in out.iter_mut().zip(x) {
        *o = T::saturate(round_half_even(scaled(v)) as i64);
    }
}

/// `rint(v)` for the quantiser: (v + 1.5·2²³) − 1.5·2²³ rounds to an integer,
/// half to even, in the FPU's (IEEE default) mode when |v| ≤ 2²², and keeps
/// sign and |result| ≥ 2²² − 1 beyond, where every [`Fixed`] type saturates;
/// the cast to `i32` is then exact or saturating (±∞ included).
#[inline(always)]
fn round_half_even(v: f32) -> i32 {
    const MAGIC: f32 = 12_582_912.0;
    ((v + MAGIC) - MAGIC) as i32
}

/// Dequantises: `out[i] = q[i] · scale` in `f32`.
///
/// # Errors
/// [`Error::ShapeMismatch`] if the lengths differ, [`Error::InvalidArgument`] for a `scale` that is not finite and positive; `out` is untouched then.
pub fn dequantize<T: Fixed>(q: &[T], scale: f32, out: &mut [f32]) -> Result<(), Error> {
    check_len("out", q.len(), out.len())?;
    check_scale(scale)?;
    let mut done = 0;
    if scale == Q15_SCALE && q.as_ptr().align_offset(4) == 0 {
        done = T::dequantize_q15_special(q, out);
    }
    let (q, out) = (slices::tail(q, done), slices::split_mut(out, done).1);
    // Soft-float cores: a power-of-two scale sets the exponent, no float
    // conversion or multiply (the same bits: q·2^−k is exact).
    #[cfg(plasticore_soft_float)]
    if scale.to_bits() & 0x007f_ffff == 0 && scale.is_normal() {
        let k = 127 - ((scale.to_bits() >> 23) & 0xff) as i32;
        for (o, &v) in out.iter_mut().zip(q) {
            *o = scale_pow2(v.to_i32(), k).unwrap_or(v.to_i32() as f32 * scale);
        }
        return Ok(());
    }
    for (o, &v) in out.iter_mut().zip(q) {
        *o = v.to_i32() as f32 * scale;
    }
    Ok(())
}

/// A real multiplier `M = multiplier · 2⁻³¹ · 2^shift` applied to integer
/// accumulators, as CMSIS-NN and TensorFlow Lite Micro requantise
/// (`multiplier` in [2³⁰, 2³¹), so `M` keeps 31 significant bits).
///
/// [`Requant::apply`] computes `saturate_i32(round_shift(acc · multiplier, 31 − shift))`
/// exactly in 64 bits: one rounding (half up), where TFLM's
/// `MultiplyByQuantizedMultiplier` rounds twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Requant {
    multiplier: i32,
    shift: i32,
}

impl Requant {
    /// From its parts.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] unless `multiplier` is in [2³⁰, 2³¹) and `shift` in −31..=31.
    pub const fn new(multiplier: i32, shift: i32) -> Result<Self, Error> {
        if multiplier < (1 << 30) {
            return Err(Error::InvalidArgument {
                what: "multiplier",
                expected: "a value in [2^30, 2^31)",
            });
        }
        if shift < -31 || shift > 31 {
            return Err(Error::InvalidArgument { what: "shift", expected: "a value in -31..=31" });
        }
        Ok(Requant { multiplier, shift })
    }

    /// The nearest representation of a real multiplier `m` in [2⁻³¹, 2³¹).
    ///
    /// `m = f·2^e` with `f` in [0.5, 1); `multiplier = round(f·2³¹)` (carried
    /// into the exponent when it rounds up to 2³¹), `shift = e`.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] unless `m` is finite and in [2⁻³¹, 2³¹).
    pub fn from_real(m: f64) -> Result<Self, Error> {
        if !(m.is_finite() && (1.0 / 2147483648.0..2147483648.0).contains(&m)) {
            return Err(Error::InvalidArgument {
                what: "real multiplier",
                expected: "a finite value in [2^-31, 2^31)",
            });
        }
        let (mut f, mut e) = libm::frexp(m);
        let mut q = libm::round(f * 2147483648.0);
        if q >= 2147483648.0 {
            q /= 2.0;
            e += 1;
        }
        f = q;
        Requant::new(f as i32, e)
    }

    /// The integer multiplier.
    pub const fn multiplier(&self) -> i32 {
        self.multiplier
    }

    /// The power-of-two exponent.
    pub const fn shift(&self) -> i32 {
        self.shift
    }

    /// `M · acc`, rounded half up and saturated to `i32`.
    #[inline]
    pub fn apply(&self, acc: i32) -> i32 {
        let p = acc as i64 * self.multiplier as i64;
        let right = 31 - self.shift; // 0..=62
        let v = if right >= 0 {
            round_shift(p, right as u32)
        } else {
            p.saturating_mul(1i64 << (-right) as u32)
        };
        v.clamp(i32::MIN as i64, i32::MAX as i64) as i32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_shift_is_floor_of_v_plus_half() {
        for v in -1000i64..1000 {
            for s in 0..12u32 {
                let want = if s == 0 {
                    v
                } else {
                    // floor((v + 2^(s-1)) / 2^s) with exact rational arithmetic
                    (v + (1 << (s - 1))).div_euclid(1 << s)
                };
                assert_eq!(round_shift(v, s), want, "v={v} s={s}");
            }
        }
        assert_eq!(round_shift(i64::MAX, 1), 1 << 62);
        assert_eq!(round_shift(i64::MIN, 1), -(1 << 62));
    }

    #[test]
    fn quantize_rounds_half_to_even_and_saturates() {
        let x = [0.5f32, 1.5, 2.5, -0.5, -1.5, 1e9, -1e9, 0.49];
        let mut q = [0i8; 8];
        quantize(&x, 1.0, &mut q).unwrap();
        assert_eq!(q, [0, 2, 2, 0, -2, 127, -128, 0]);
        let mut q16 = [0i16; 2];
        quantize(&[0.999_999, -1.0], Q15_SCALE, &mut q16).unwrap();
        assert_eq!(q16, [32767, -32768]);
    }

    #[test]
    fn round_half_even_equals_rint_wherever_a_fixed_type_can_tell() {
        // Every f32 whose rint fits in ±2^16 (all of Q15's and Q7's range and
        // past it), plus a sweep of larger magnitudes; the reference is libm's rintf.
        let mut rng = crate::rng::Rng::new(7);
        let check = |v: f32| {
            let want = (libm::rintf(v) as i64).clamp(-(1 << 20), 1 << 20);
            let got = (round_half_even(v) as i64).clamp(-(1 << 20), 1 << 20);
            assert_eq!(got, want, "{v:e}");
        };
        for k in -(1i32 << 17)..(1 << 17) {
            let v = k as f32 / 2.0; // every half-integer: the ties
            check(v);
            check(libm::nextafterf(v, f32::INFINITY));
            check(libm::nextafterf(v, f32::NEG_INFINITY));
        }
        for _ in 0..200_000 {
            check(f32::from_bits(rng.next()) % 1e30);
        }
        for v in [0.0, -0.0, 4194304.5, -4194304.5, 8388607.5, f32::MAX, f32::MIN, 1e-45, -1e-45] {
            check(v);
        }
        assert_eq!(round_half_even(f32::INFINITY), i32::MAX);
        assert_eq!(round_half_even(f32::NEG_INFINITY), i32::MIN);
    }

    #[test]
    fn integer_paths_equal_the_float_ones_bit_for_bit() {
        // round_pow2 (soft-float cores) against rint of the f32 product, and
        // scale_pow2 against the f32 multiply, over every scale 2^k the
        // quantiser can take and values from random bits (ties and
        // subnormals included).
        let mut rng = crate::rng::Rng::new(5);
        let sat = |v: i64| v.clamp(-(1 << 23), 1 << 23);
        for k in -126..=126i32 {
            let inv = f32::from_bits(((127 + k) as u32) << 23);
            let check = |x: f32| {
                if !x.is_finite() {
                    return;
                }
                let want = sat(libm::rintf(x * inv) as i64);
                assert_eq!(sat(round_pow2(x.to_bits(), k) as i64), want, "x {x:e} k {k}");
            };
            for _ in 0..2000 {
                let x = f32::from_bits(rng.next());
                if x.is_finite() {
                    check(x);
                }
            }
            for m in -70i32..70 {
                // Ties and neighbours at this scale.
                let x = m as f32 * 0.5 / inv;
                check(x);
                check(libm::nextafterf(x, 0.0));
                check(libm::nextafterf(x, f32::INFINITY));
            }
            for x in [0.0, -0.0, f32::MIN_POSITIVE, -1e-45, f32::MAX, f32::MIN] {
                check(x);
            }
            let scale = 1.0 / inv;
            for q in [i16::MIN as i32, -12345, -1, 0, 1, 77, i16::MAX as i32, 1 << 23, -(1 << 23)] {
                if let Some(got) = scale_pow2(q, k) {
                    assert_eq!(got.to_bits(), (q as f32 * scale).to_bits(), "q {q} k {k}");
                } else {
                    let v = q as f32 * scale;
                    assert!(!v.is_normal() && v != 0.0, "q {q} k {k}: {v:e} is normal");
                }
            }
        }
    }

    #[test]
    fn quantize_with_any_scale_is_numpy_rint_of_the_f32_quotient() {
        // np.clip(np.rint(np.float32(x) / np.float32(s)), lo, hi): the quotient
        // rounded to f32, then rint in f64 (exact for an f32 value).
        let mut rng = crate::rng::Rng::new(11);
        for scale in [Q15_SCALE, Q7_SCALE, 0.01, 3.0e-5, 0.75, 2.0, 1e-38] {
            let mut x = [0.0f32; 512];
            rng.fill_uniform(&mut x, -1.5, 1.5);
            let mut q = [0i16; 512];
            quantize(&x, scale, &mut q).unwrap();
            for (&v, &g) in x.iter().zip(&q) {
                let want = libm::rint((v / scale) as f64).clamp(-32768.0, 32767.0);
                assert_eq!(g as f64, want, "x {v:e} scale {scale:e}");
            }
        }
    }

    #[test]
    fn quantize_rejects_bad_input_and_leaves_out_alone() {
        let mut q = [7i8; 2];
        assert!(matches!(
            quantize(&[1.0, f32::NAN], 1.0, &mut q),
            Err(Error::NonFinite { index: 1, .. })
        ));
        assert!(quantize(&[1.0, 2.0], 0.0, &mut q).is_err());
        assert!(quantize(&[1.0, 2.0], f32::INFINITY, &mut q).is_err());
        assert!(quantize(&[1.0], 1.0, &mut q).is_err());
        assert_eq!(q, [7, 7]);
    }

    #[test]
    fn dequantize_multiplies_by_the_scale() {
        let mut y = [0.0f32; 3];
        dequantize(&[-128i8, 0, 127], Q7_SCALE, &mut y).unwrap();
        assert_eq!(y, [-1.0, 0.0, 127.0 / 128.0]);
        assert!(dequantize(&[1i16], -1.0, &mut y[..1]).is_err());
    }

    #[test]
    fn requant_matches_the_real_multiplier() {
        for &m in &[0.5f64, 0.25, 0.123_456, 1.0, 3.75, 1e-6, 1000.0] {
            let r = Requant::from_real(m).unwrap();
            for acc in [-100_000i32, -7, 0, 1, 13, 99_999, 1 << 20] {
                let want = libm::floor(acc as f64 * m + 0.5);
                let got = r.apply(acc) as f64;
                // multiplier keeps 31 bits: the error is below half a unit plus 2^-31 relative
                assert!((got - want).abs() <= 1.0, "m={m} acc={acc}: {got} vs {want}");
            }
        }
        assert_eq!(Requant::from_real(0.5).unwrap().apply(3), 2); // 1.5 → 2 (half up)
        assert!(Requant::from_real(0.0).is_err());
        assert!(Requant::from_real(f64::NAN).is_err());
        assert!(Requant::new(5, 0).is_err());
        assert!(Requant::new(1 << 30, 40).is_err());
    }
}
