//! Small control environments, `no_std`, so that firmware can simulate them on
//! the board with the same arithmetic as the host.

pub mod cartpole;

pub use cartpole::{CartPole, Step};

pub mod acrobot;
pub mod mountain_car;
pub mod pendulum;
