//! Episode seeds: training (bit 63 set) and validation (bits 63..62 = `01`)
//! never meet each other nor the small seeds of `simulate` and the tests;
//! the board's on-device evolution draws the same ones.

pub use plasticore::evolution::{train_seed, validation_seed};
