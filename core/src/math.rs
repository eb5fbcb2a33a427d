//! Scalar elementary functions: `libm` (within 1 ulp and bit-identical on
//! every target). Every kernel calls these, never `f32` methods, so that the
//! choice is made once.
//!
//! Faster approximations are a function a caller chooses, never a Cargo
//! feature (a feature would change every dependent's results at once):
//! [`approx`] has micromath's `exp`, `tanh`, `sin` and `cos` with measured
//! error bounds.

/// e^x.
#[inline]
pub fn exp(x: f32) -> f32 {
    libm::expf(x)
}

/// Natural logarithm.
#[inline]
pub fn ln(x: f32) -> f32 {
    libm::logf(x)
}

/// Square root, correctly rounded: the FPU's `VSQRT.F32` on Arm cores with a
/// single-precision FPU (Cortex-M4F, M7, M33; libm's `sqrtf` is a software
/// routine there), libm's `sqrtf` elsewhere. IEEE 754 square root is
/// correctly rounded, so both give the same bits for every non-negative input
/// (±0, subnormals and +∞ included).
#[inline]
pub fn sqrt(x: f32) -> f32 {
    #[cfg(plasticore_arm_fpu)]
    {
        fpu::sqrt(x)
    }
    #[cfg(not(plasticore_arm_fpu))]
    {
        libm::sqrtf(x)
    }
}

/// The one FPU instruction used directly (see [`sqrt`]).
#[cfg(plasticore_arm_fpu)]
#[allow(unsafe_code)]
mod fpu {
    /// `VSQRT.F32`, through `s0` (saved and restored around it: stable Rust
    /// cannot name the FPU registers as operands on these targets).
    #[inline(never)]
    pub(super) fn sqrt(x: f32) -> f32 {
        let y: u32;
        // SAFETY: register-only work plus one push and pop of `s0` below the
        // stack pointer (so `nostack` is not claimed), which leaves `s0` as it
        // was; no memory Rust can see, no condition flags (the FPU sets only
        // FPSCR's cumulative exception bits, as every float instruction does).
        unsafe {
            core::arch::asm!(
                "vmov s0, {x}",
                "vsqrt.f32 s0, s0",
                "vmov {y}, s0",
                x = in(reg) x.to_bits(),
                y = lateout(reg) y,
                out("s0") _,
                options(pure, nomem, nostack, preserves_flags),
            );
        }
        f32::from_bits(y)
    }
}

/// Hyperbolic tangent.
#[inline]
pub fn tanh(x: f32) -> f32 {
    libm::tanhf(x)
}

/// |x|, exact.
#[inline]
pub fn abs(x: f32) -> f32 {
    libm::fabsf(x)
}

/// Sine.
#[inline]
pub fn sin(x: f32) -> f32 {
    libm::sinf(x)
}

/// Cosine.
#[inline]
pub fn cos(x: f32) -> f32 {
    libm::cosf(x)
}

/// Error function.
#[inline]
pub fn erf(x: f32) -> f32 {
    libm::erff(x)
}

/// Documented bound on the relative error of [`exp`] over [−80, 80]
/// (measured by the tests below against f64).
pub const EXP_MAX_REL_ERR: f32 = 2.5e-7;

/// Documented bound on the absolute error of [`tanh`] over [−10, 10].
pub const TANH_MAX_ABS_ERR: f32 = 2.5e-7;

/// micromath's approximations (Rust ports of well-known bit tricks and short
/// polynomials): faster and smaller than libm, with the error bounds below
/// (measured by this module's tests against f64). Still deterministic:
/// the same bits on every target. `ln` and `sqrt` are not offered: micromath's
/// are off by percents.
pub mod approx {
    /// e^x.
    #[inline]
    pub fn exp(x: f32) -> f32 {
        micromath::F32Ext::exp(x)
    }

    /// Hyperbolic tangent, `1 − 2 / (e^{2x} + 1)` over [`exp`] (micromath has none).
    #[inline]
    pub fn tanh(x: f32) -> f32 {
        let e = exp(2.0 * x);
        1.0 - 2.0 / (e + 1.0)
    }

    /// Sine.
    #[inline]
    pub fn sin(x: f32) -> f32 {
        micromath::F32Ext::sin(x)
    }

    /// Cosine.
    #[inline]
    pub fn cos(x: f32) -> f32 {
        micromath::F32Ext::cos(x)
    }

    /// Bound on the relative error of [`exp`] over [−80, 80].
    pub const EXP_MAX_REL_ERR: f32 = 3e-3;
    /// Bound on the absolute error of [`tanh`] over [−10, 10].
    pub const TANH_MAX_ABS_ERR: f32 = 1.5e-3;
    /// Bound on the absolute error of [`sin`] and [`cos`] over [−10, 10].
    pub const SIN_COS_MAX_ABS_ERR: f32 = 2e-3;
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;

    fn max_rel(f: impl Fn(f32) -> f32, g: impl Fn(f64) -> f64, lo: f32, hi: f32) -> f64 {
        let n = 100_000;
        let mut worst = 0.0f64;
        for i in 0..=n {
            let x = lo + (hi - lo) * i as f32 / n as f32;
            let want = g(x as f64);
            let e = ((f(x) as f64 - want) / want.abs().max(f64::MIN_POSITIVE)).abs();
            worst = worst.max(e);
        }
        worst
    }

    #[test]
    fn exp_error_is_within_its_documented_bound() {
        let e = max_rel(exp, f64::exp, -80.0, 80.0);
        std::println!("exp max rel err {e:e}");
        assert!(e <= EXP_MAX_REL_ERR as f64, "{e}");
    }

    #[test]
    fn tanh_error_is_within_its_documented_bound() {
        let n = 100_000;
        let mut worst = 0.0f64;
        for i in 0..=n {
            let x = -10.0 + 20.0 * i as f32 / n as f32;
            worst = worst.max((tanh(x) as f64 - (x as f64).tanh()).abs());
        }
        std::println!("tanh max abs err {worst:e}");
        assert!(worst <= TANH_MAX_ABS_ERR as f64, "{worst}");
    }

    #[test]
    fn approximations_are_within_their_documented_bounds() {
        let e = max_rel(approx::exp, f64::exp, -80.0, 80.0);
        let n = 100_000;
        let (mut t, mut sc) = (0.0f64, 0.0f64);
        for i in 0..=n {
            let x = -10.0 + 20.0 * i as f32 / n as f32;
            t = t.max((approx::tanh(x) as f64 - (x as f64).tanh()).abs());
            sc = sc.max((approx::sin(x) as f64 - (x as f64).sin()).abs());
            sc = sc.max((approx::cos(x) as f64 - (x as f64).cos()).abs());
        }
        std::println!("approx: exp max rel {e:e}, tanh max abs {t:e}, sin/cos max abs {sc:e}");
        assert!(e <= approx::EXP_MAX_REL_ERR as f64, "exp {e}");
        assert!(t <= approx::TANH_MAX_ABS_ERR as f64, "tanh {t}");
        assert!(sc <= approx::SIN_COS_MAX_ABS_ERR as f64, "sin/cos {sc}");
        // An approximation, not libm in disguise.
        assert!(e > 1e-5, "exp {e}");
    }

    #[test]
    fn sqrt_and_ln_are_close() {
        let s = max_rel(sqrt, f64::sqrt, 1e-3, 1e3);
        let l = max_rel(ln, f64::ln, 1e-3, 0.5);
        std::println!("sqrt {s:e} ln {l:e}");
        assert!(s <= 1e-7 && l <= 2.5e-7, "{s} {l}");
    }
}
