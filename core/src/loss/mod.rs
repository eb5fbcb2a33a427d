//! Training losses.

pub mod supcon;

pub use supcon::{supcon_loss, supcon_loss_grad, supcon_scratch_len};
