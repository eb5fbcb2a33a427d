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
    match x.iter().position(|v| !v.is_finite()) {
        None => Ok(()),
        Some(index) => Err(Error::NonFinite { what, index }),
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
