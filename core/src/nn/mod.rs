//! Neural-network building blocks: softmax and activations.

mod softmax;

pub use softmax::{softmax, softmax_in_place, softmax_rows};
