//! Neural-network building blocks: softmax, activations, layer norm, feed-forward.

mod activation;
mod feedforward;
mod layernorm;
mod softmax;

pub use activation::{gelu, relu, Activation};
pub(crate) use feedforward::Accum;
pub use feedforward::FeedForward;
pub(crate) use layernorm::layer_norm_row;
pub use layernorm::{layer_norm, layer_norm_in_place, LAYER_NORM_EPS};
pub use softmax::{logsumexp, softmax, softmax_in_place, softmax_rows};
