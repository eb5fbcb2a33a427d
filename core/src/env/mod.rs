//! Small control environments, `no_std`, so that firmware can simulate them on
//! the board with the same arithmetic as the host.
//!
//! Each environment follows Gymnasium's `step` (checked against recorded
//! transitions) and takes **dynamics parameters** named as Gymnasium's
//! attributes in lower case, plus `actuator_sign` (±1, reversing the actuator).
//! [`Environment`] is what every environment offers a controller:
//! [`Environment::act`] maps a network's outputs to an action, as documented
//! on each environment, so that one episode loop ([`crate::hebbian::episode()`])
//! serves all four.

/// Declares a dynamics parameter struct once: its fields (all `f32`, named
/// as Gymnasium's attributes), their nominal values, and its [`Dynamics`]
/// impl (keys, the key message, `get_mut`), whose `validate` is the given
/// function.
macro_rules! dynamics_params {
    (
        $(#[$m:meta])*
        pub struct $name:ident {
            $(#[$fm0:meta])* $f0:ident = $n0:expr
            $(, $(#[$fm:meta])* $field:ident = $nominal:expr)* $(,)?
        }
        validate: $validate:path
    ) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq)]
        #[cfg_attr(feature = "defmt", derive(defmt::Format))]
        pub struct $name {
            $(#[$fm0])* pub $f0: f32,
            $($(#[$fm])* pub $field: f32,)*
        }

        impl Dynamics for $name {
            const KEYS: &'static [&'static str] = &[stringify!($f0), $(stringify!($field)),*];
            const KEYS_MESSAGE: &'static str =
                concat!("one of ", stringify!($f0), $(", ", stringify!($field)),*);
            const NOMINAL: Self = $name { $f0: $n0, $($field: $nominal),* };
            fn get_mut(&mut self, key: &str) -> Option<&mut f32> {
                Some(match key {
                    stringify!($f0) => &mut self.$f0,
                    $(stringify!($field) => &mut self.$field,)*
                    _ => return None,
                })
            }
            fn validate(&self) -> Result<(), Error> {
                $validate(self)
            }
        }
    };
}

/// The [`Environment`] impl of an environment `$env` with parameters
/// `$params` (a field `params`), built by `$new`, reset by its inherent
/// `reset`, observing `$obs` values: everything but `act`, given as a fn.
macro_rules! environment {
    ($env:ident, $params:ident, $name:literal, $obs:literal, $new:path, $($act:tt)*) => {
        impl Environment for $env {
            const NAME: &'static str = $name;
            const OBS: usize = $obs;
            type Obs = [f32; $obs];
            type Params = $params;
            fn with_params(params: $params) -> Result<Self, Error> {
                $new(params)
            }
            fn params(&self) -> $params {
                self.params
            }
            fn set_params(&mut self, params: $params) -> Result<(), Error> {
                params.validate()?;
                self.params = params;
                Ok(())
            }
            fn reset(&mut self, rng: &mut Rng) -> [f32; $obs] {
                $env::reset(self, rng)
            }
            $($act)*
        }
    };
}

pub mod acrobot;
pub mod cartpole;
pub mod mountain_car;
pub mod pendulum;

pub use acrobot::{Acrobot, AcrobotParams};
pub use cartpole::{CartPole, CartPoleParams};
pub use mountain_car::{MountainCar, MountainCarParams};
pub use pendulum::{Pendulum, PendulumParams};

use crate::error::Error;
use crate::rng::Rng;

/// Discrete action from a network output: with one output, 1 (push right) if
/// it is > 0, else 0; with more, the index of the first maximum.
pub fn action_from_output(out: &[f32]) -> usize {
    match out {
        [y] => usize::from(*y > 0.0),
        _ => {
            let mut best = 0;
            let mut top = f32::NAN;
            for (i, &v) in out.iter().enumerate() {
                if i == 0 || v > top {
                    best = i;
                    top = v;
                }
            }
            best
        }
    }
}

/// Outcome of one step of an environment with an `N`-value observation.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Step<const N: usize> {
    /// The observation after the step.
    pub obs: [f32; N],
    /// The step's reward.
    pub reward: f32,
    /// The episode reached a terminal state.
    pub terminated: bool,
    /// The step limit was reached.
    pub truncated: bool,
}

impl<const N: usize> Step<N> {
    /// `terminated || truncated`.
    pub fn done(&self) -> bool {
        self.terminated || self.truncated
    }
}

/// Dynamics parameters addressed by name (the `--dynamics` / `--randomize` keys).
pub trait Dynamics: Copy + PartialEq + core::fmt::Debug {
    /// The keys, in order.
    const KEYS: &'static [&'static str];
    /// The keys as one message, for errors (`"one of m, l, …"`).
    const KEYS_MESSAGE: &'static str;
    /// Gymnasium's defaults (`actuator_sign` = +1).
    const NOMINAL: Self;
    /// The parameter named `key`, if it exists.
    fn get_mut(&mut self, key: &str) -> Option<&mut f32>;
    /// Checks every parameter.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] unless every parameter is in its physical range (each environment's page says which).
    fn validate(&self) -> Result<(), Error>;

    /// The value of `key`, if it exists.
    fn get(&self, key: &str) -> Option<f32> {
        let mut p = *self;
        p.get_mut(key).map(|v| *v)
    }
    /// Sets `key` to `value`.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for an unknown key (nothing changes). The value is checked by
    /// [`Dynamics::validate`], not here.
    fn set(&mut self, key: &str, value: f32) -> Result<(), Error> {
        match self.get_mut(key) {
            Some(v) => {
                *v = value;
                Ok(())
            }
            None => {
                Err(Error::InvalidArgument { what: "dynamics key", expected: Self::KEYS_MESSAGE })
            }
        }
    }
}

/// Checks `actuator_sign` is exactly +1 or −1.
pub(crate) fn check_sign(sign: f32) -> Result<(), Error> {
    if sign == 1.0 || sign == -1.0 {
        Ok(())
    } else {
        Err(Error::InvalidArgument { what: "actuator_sign", expected: "+1 or -1" })
    }
}

/// What an episode loop needs from an environment.
pub trait Environment: Sized {
    /// Lower-case name (`cartpole`, `acrobot`, `pendulum`, `mountaincar`).
    const NAME: &'static str;
    /// Observation length.
    const OBS: usize;
    /// The observation, `[f32; OBS]`.
    type Obs: AsRef<[f32]> + Copy;
    /// The dynamics parameters.
    type Params: Dynamics;
    /// An environment with `params`.
    ///
    /// # Errors
    /// As [`Dynamics::validate`].
    fn with_params(params: Self::Params) -> Result<Self, Error>;
    /// The current dynamics.
    fn params(&self) -> Self::Params;
    /// Changes the dynamics (also mid-episode); errors and keeps the old
    /// ones if `params` are invalid.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] from [`Dynamics::validate`].
    fn set_params(&mut self, params: Self::Params) -> Result<(), Error>;
    /// Start of an episode; returns the first observation.
    fn reset(&mut self, rng: &mut Rng) -> Self::Obs;
    /// One step driven by a network's outputs (the mapping is documented on
    /// each environment). Returns the observation, reward and end flags.
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] for a number of outputs the environment does not take;
    /// [`Error::NonFinite`] for a NaN output.
    fn act(&mut self, output: &[f32]) -> Result<(Self::Obs, f32, bool), Error>;
}

/// A change of dynamics during an episode: before step `at` (0-based) the
/// parameters become `to`.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Change<P> {
    /// The step index at which the new dynamics apply.
    pub at: u32,
    /// The new dynamics.
    pub to: P,
}

/// Clamps a network output to [−1, 1]; NaN is an error.
pub(crate) fn unit_output(output: &[f32]) -> Result<f32, Error> {
    match output {
        [y] if y.is_nan() => Err(Error::NonFinite { what: "network output", index: 0 }),
        [y] => Ok(y.clamp(-1.0, 1.0)),
        _ => {
            Err(Error::ShapeMismatch { what: "network outputs", expected: 1, found: output.len() })
        }
    }
}
