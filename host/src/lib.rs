//! The `plasticore` host harness: runs core kernels on `.npy` files, builds
//! and boots the firmware, and measures resources.
#![deny(missing_docs)]

pub mod adaptation;
pub mod apps;
pub mod boards;
pub mod cmsis;
pub mod envs;
pub mod evolve;
pub mod firmware;
pub mod host_bench;
pub mod kernels;
pub mod limits;
pub mod lsh_index;
pub mod npy;
pub mod report;
pub mod simd;
pub mod simulate;
