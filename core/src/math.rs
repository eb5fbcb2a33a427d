//! Scalar elementary functions: `libm` by default (correctly rounded to within
//! 1 ulp and bit-identical on every target), `micromath` with feature `fast-math`.
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

/// Natural logarithm.
#[inline]
pub fn ln(x: f32) -> f32 {
    #[cfg(feature = "fast-math")]
    {
        micromath::F32Ext::ln(x)
    }
    #[cfg(not(feature = "fast-math"))]
    {
        libm::logf(x)
    }
}

/// Square root (IEEE-exact in both back-ends' hardware paths; libm is exact everywhere).
#[inline]
pub fn sqrt(x: f32) -> f32 {
    #[cfg(feature = "fast-math")]
    {
        micromath::F32Ext::sqrt(x)
    }
    #[cfg(not(feature = "fast-math"))]
    {
        libm::sqrtf(x)
    }
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
