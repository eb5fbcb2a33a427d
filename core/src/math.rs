//! Scalar elementary functions: `libm` by default (within 1 ulp and
//! bit-identical on every target). Feature `fast-math` swaps in `micromath`
//! for `exp`, `tanh`, `sin` and `cos` only, with the error bounds below
//! (measured by this module's tests); `ln` and `sqrt` stay on libm because
//! micromath's are off by percents.
//!
//! Every kernel calls these, never `f32` methods, so that the choice is made once.

/// e^x.
#[inline]
pub fn exp(x: f32) -> f32 {
    #[cfg(feature = "fast-math")]
    {
        micromath::F32Ext::exp(x)
    }
    #[cfg(not(feature = "fast-math"))]
    {
        libm::expf(x)
    }
}

/// Natural logarithm (libm in both modes: micromath's `ln` is off by up to 12 %).
#[inline]
pub fn ln(x: f32) -> f32 {
    libm::logf(x)
}

/// Square root, correctly rounded (libm in both modes: micromath's is off by up to 6 %).
#[inline]
pub fn sqrt(x: f32) -> f32 {
    libm::sqrtf(x)
}

/// Hyperbolic tangent.
#[inline]
pub fn tanh(x: f32) -> f32 {
    #[cfg(feature = "fast-math")]
    {
        // tanh x = 1 - 2 / (e^{2x} + 1); micromath has no tanh.
        let e = micromath::F32Ext::exp(2.0 * x);
        1.0 - 2.0 / (e + 1.0)
    }
    #[cfg(not(feature = "fast-math"))]
    {
        libm::tanhf(x)
    }
}

/// |x|, exact.
#[inline]
pub fn abs(x: f32) -> f32 {
    libm::fabsf(x)
}

/// Sine.
#[inline]
pub fn sin(x: f32) -> f32 {
    #[cfg(feature = "fast-math")]
    {
        micromath::F32Ext::sin(x)
    }
    #[cfg(not(feature = "fast-math"))]
    {
        libm::sinf(x)
    }
}

/// Cosine.
#[inline]
pub fn cos(x: f32) -> f32 {
    #[cfg(feature = "fast-math")]
    {
        micromath::F32Ext::cos(x)
    }
    #[cfg(not(feature = "fast-math"))]
    {
        libm::cosf(x)
    }
}

/// Error function (libm in both modes: micromath has none).
#[inline]
pub fn erf(x: f32) -> f32 {
    libm::erff(x)
}

/// Documented bound on the relative error of [`exp`] over [−80, 80]
/// (measured by the tests below against f64): libm ≤ 1 ulp; micromath much more.
#[cfg(not(feature = "fast-math"))]
pub const EXP_MAX_REL_ERR: f32 = 2.5e-7;
/// Documented bound on the relative error of [`exp`] over [−80, 80]
/// (measured by the tests below against f64).
#[cfg(feature = "fast-math")]
pub const EXP_MAX_REL_ERR: f32 = 3e-3;

/// Documented bound on the absolute error of [`tanh`] over [−10, 10].
#[cfg(not(feature = "fast-math"))]
pub const TANH_MAX_ABS_ERR: f32 = 2.5e-7;
/// Documented bound on the absolute error of [`tanh`] over [−10, 10].
#[cfg(feature = "fast-math")]
pub const TANH_MAX_ABS_ERR: f32 = 1.5e-3;

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
    fn sqrt_and_ln_are_close() {
        let s = max_rel(sqrt, f64::sqrt, 1e-3, 1e3);
        let l = max_rel(ln, f64::ln, 1e-3, 0.5);
        std::println!("sqrt {s:e} ln {l:e}");
        assert!(s <= 1e-7 && l <= 2.5e-7, "{s} {l}");
    }
}
