//! Small control environments, `no_std`, so that firmware can simulate them on
//! the board with the same arithmetic as the host.

pub mod cartpole;

pub use cartpole::{CartPole, Step};
