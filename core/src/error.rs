//! The one error type of the crate.
//!
//! Every kernel that takes caller data returns `Result<_, Error>`. Each variant
//! names the argument it is about (`what`), so a harness can print one clear line.

use core::fmt;

/// Everything that can go wrong with data a caller passes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum Error {
    /// A slice or dimension has the wrong length: `what` expected `expected`, got `found`.
    ShapeMismatch {
        /// The argument whose size is wrong.
        what: &'static str,
        /// The length the kernel needs.
        expected: usize,
        /// The length it was given.
        found: usize,
    },
    /// An argument that must not be empty is empty (or a dimension is zero).
    Empty {
        /// The empty argument.
        what: &'static str,
    },
    /// An input contains NaN or ±∞ where the kernel needs finite numbers.
    NonFinite {
        /// The argument holding the value.
        what: &'static str,
        /// Index (flat) of the first offending element.
        index: usize,
    },
    /// A value is outside its domain (a negative probability, a window longer than the series, …).
    InvalidArgument {
        /// The argument.
        what: &'static str,
        /// What the kernel expected of it.
        expected: &'static str,
    },
    /// A fixed-capacity container is full; nothing was changed.
    Capacity {
        /// The container's capacity.
        capacity: usize,
    },
    /// A parameter blob failed to decode (bad magic, version, length or checksum); nothing was read.
    CorruptBlob {
        /// What was wrong with it.
        reason: &'static str,
    },
    /// A value was used before it was initialised (an index whose planes
    /// were never drawn); nothing was changed.
    Uninitialized {
        /// What is not initialised, and how to initialise it.
        what: &'static str,
    },
    /// The flash under a [`crate::store::BlobStore`] refused a read, an
    /// erase or a write.
    Storage {
        /// What the flash reported (`not aligned`, `out of bounds`, `other`).
        what: &'static str,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Error::ShapeMismatch { what, expected, found } => {
                write!(f, "{what}: expected length {expected}, found {found}")
            }
            Error::Empty { what } => write!(f, "{what}: must not be empty"),
            Error::NonFinite { what, index } => {
                write!(f, "{what}: non-finite value (NaN or inf) at index {index}")
            }
            Error::InvalidArgument { what, expected } => write!(f, "{what}: expected {expected}"),
            Error::Capacity { capacity } => write!(f, "capacity of {capacity} is full"),
            Error::CorruptBlob { reason } => write!(f, "corrupt parameter blob: {reason}"),
            Error::Uninitialized { what } => write!(f, "{what}: used before it was initialised"),
            Error::Storage { what } => write!(f, "flash storage failed: {what}"),
        }
    }
}

impl core::error::Error for Error {}

/// `Ok(())` if `found == expected`, else [`Error::ShapeMismatch`].
///
/// # Errors
/// [`Error::ShapeMismatch`] if `found != expected`.
#[inline]
pub fn check_len(what: &'static str, expected: usize, found: usize) -> Result<(), Error> {
    if expected == found {
        Ok(())
    } else {
        Err(Error::ShapeMismatch { what, expected, found })
    }
}

/// `Ok(())` if every element is finite, else [`Error::NonFinite`] at the first offender.
///
/// # Errors
/// [`Error::NonFinite`] with the index of the first NaN or ±∞.
#[inline]
pub fn check_finite(what: &'static str, x: &[f32]) -> Result<(), Error> {
    if surely_finite(x) {
        return Ok(());
    }
    match x.iter().position(|v| !v.is_finite()) {
        None => Ok(()),
        Some(index) => Err(Error::NonFinite { what, index }),
    }
}

/// `true` only if every element is finite; `false` calls for the exact scan.
///
/// With a hardware FPU: Σ x₂ᵢ·x₂ᵢ₊₁ is non-finite if any factor is (±∞·y and
/// NaN·y are ±∞ or NaN, ±∞·0 is NaN, and a non-finite sum stays so), one
/// multiply-add per two elements; a finite product that overflows only sends
/// the caller to the exact scan. Without one (soft float) a multiply costs
/// tens of instructions, so the exponent field is tested instead. Kept out
/// of line: one copy serves every caller (a copy inlined at each of them
/// costs flash a small image notices).
#[inline(never)]
fn surely_finite(x: &[f32]) -> bool {
    #[cfg(not(plasticore_soft_float))]
    {
        let mut acc = 0.0f32;
        let pairs = x.chunks_exact(2);
        let odd = pairs.remainder().iter().all(|v| v.is_finite());
        for p in pairs {
            acc += p[0] * p[1];
        }
        odd && acc.is_finite()
    }
    #[cfg(plasticore_soft_float)]
    {
        x.iter().all(|v| v.is_finite())
    }
}

/// `Ok(())` if `n > 0`, else [`Error::Empty`].
///
/// # Errors
/// [`Error::Empty`] if `n == 0`.
#[inline]
pub fn check_nonempty(what: &'static str, n: usize) -> Result<(), Error> {
    if n == 0 {
        Err(Error::Empty { what })
    } else {
        Ok(())
    }
}

/// The number of rows of length `d` in `x`.
///
/// # Errors
/// [`Error::Empty`] for an empty `x`; [`Error::ShapeMismatch`] if `x` is
/// not a whole number of rows.
#[inline]
pub(crate) fn check_rows(x: &[f32], d: usize) -> Result<usize, Error> {
    check_nonempty("x", x.len())?;
    let d = d.max(1);
    if !x.len().is_multiple_of(d) {
        return Err(Error::ShapeMismatch {
            what: "x (a whole number of rows of length d)",
            expected: (x.len() / d + 1) * d,
            found: x.len(),
        });
    }
    Ok(x.len() / d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_finite_finds_the_first_offender_and_survives_overflowing_products() {
        let big = [1e30f32; 7];
        // 1e30 · 1e30 overflows: the quick test fails, the exact scan says finite.
        assert_eq!(check_finite("x", &big), Ok(()));
        for bad in [f32::NAN, f32::INFINITY, f32::NEG_INFINITY] {
            for n in 1..6 {
                for at in 0..n {
                    let mut x = [0.0f32; 6];
                    x[at] = bad;
                    assert_eq!(
                        check_finite("x", &x[..n]),
                        Err(Error::NonFinite { what: "x", index: at }),
                        "{bad} at {at} of {n}"
                    );
                }
            }
            // Beside a zero (∞·0 = NaN) and a second offender of the other sign.
            let x = [1.0, bad, 0.0, -bad];
            assert_eq!(check_finite("x", &x), Err(Error::NonFinite { what: "x", index: 1 }));
        }
        assert_eq!(check_finite("x", &[]), Ok(()));
    }
}
