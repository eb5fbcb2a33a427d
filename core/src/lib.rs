//! # plasticore
//!
//! A `no_std`, allocation-free numerics core for on-device adaptive learning on
//! microcontrollers: dense linear algebra, neural-network blocks, and (in
//! later modules) locality-sensitive hashing, Hebbian plasticity and attention.
//!
//! Every kernel is written once over slices with run-time dimensions (like
//! CMSIS-DSP) and returns `Result<_, `[`Error`]`>` where sizes can disagree;
//! thin const-generic types ([`linalg::Matrix`], [`linalg::Vector`]) make sizes
//! compile-time facts for firmware. Nothing allocates; scratch memory is passed
//! in by the caller. Results are bit-identical on x86-64 and Cortex-M4F: every
//! reduction has a fixed order and no fused multiply-add is used.
//!
//! Features: `std` (`std::error::Error` impls), `defmt` (`defmt::Format`
//! derives), `fast-math` (`micromath` approximations instead of `libm`).
#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

#[cfg(feature = "std")]
extern crate std;

pub mod attention;
pub mod blob;
pub mod env;
pub mod error;
pub mod es;
pub mod fixed;
pub mod hebbian;
pub mod linalg;
pub mod lsh;
pub mod math;
pub mod nn;
pub mod rng;
mod slices;

pub use error::Error;
pub mod cost;
pub mod loss;
pub mod radioactive;
pub mod stats;
pub mod tensor;
