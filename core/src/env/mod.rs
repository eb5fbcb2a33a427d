//! Small control environments, `no_std`, so that firmware can simulate them on
//! the board with the same arithmetic as the host.
//!
//! Each environment follows Gymnasium's `step` (checked against recorded
//! transitions) and takes **dynamics parameters** named as Gymnasium's
//! attributes in lower case, plus `actuator_sign` (±1, reversing the actuator)
//! and the changes every deployed controller meets, the same keys in every
//! environment ([`Deployment`]): `actuator_gain` (a weakening motor: the
//! force or torque times the gain), `sensor_bias` and `sensor_noise` (added
//! to every observation component; the noise N(0, σ²) drawn from the
//! episode's seed) and `action_delay` (steps between an output and the
//! actuator applying it). The gain is physics, inside each environment's
//! step; bias, noise and delay sit between the environment and the
//! controller, in [`Channel`], which [`crate::hebbian::episode()`] runs.
//! [`Environment`] is what every environment offers a controller:
//! [`Environment::act`] maps a network's outputs to an action, as documented
//! on each environment, so that one episode loop ([`crate::hebbian::episode()`])
//! serves all four.

/// Declares the dynamics parameters of an environment once: a struct of
/// `f32` fields with their nominal values, the keys every environment shares
/// appended ([`Deployment`]: `actuator_gain`, `sensor_bias`, `sensor_noise`,
/// `action_delay`), and its [`Dynamics`] impl (keys, the key message,
/// `get_mut`, `deployment`), whose `validate` is the given function followed
/// by [`Deployment::check`]. The four environments here use it; so can an
/// environment of your own (`examples/own-environment`):
///
/// ```
/// use plasticore::Error;
///
/// plasticore::dynamics_params! {
///     /// A heater's dynamics.
///     pub struct HeaterParams {
///         /// Heat loss per step (fraction).
///         loss = 0.05,
///         /// Heater power (°C per step at full power).
///         power = 0.5,
///     }
///     validate: check
/// }
///
/// fn check(p: &HeaterParams) -> Result<(), Error> {
///     if p.loss > 0.0 && p.loss < 1.0 && p.power > 0.0 {
///         Ok(())
///     } else {
///         Err(Error::InvalidArgument { what: "heater", expected: "0 < loss < 1, power > 0" })
///     }
/// }
///
/// use plasticore::env::Dynamics;
/// let mut p = HeaterParams::NOMINAL;
/// p.set("action_delay", 2.0).unwrap();
/// assert!(p.validate().is_ok() && p.deployment().delay_steps() == 2);
/// assert!(p.set("volume", 1.0).is_err());
/// ```
#[macro_export]
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
        pub struct $name {
            $(#[$fm0])* pub $f0: f32,
            $($(#[$fm])* pub $field: f32,)*
            /// Actuator gain, ≥ 0 (a weakening motor: < 1): the force or torque applied is
            /// the commanded one times the gain.
            pub actuator_gain: f32,
            /// Added to every observation component (`plasticore::env::Channel`).
            pub sensor_bias: f32,
            /// σ ≥ 0 of Gaussian noise added to every observation component, drawn from
            /// the episode's seed (`plasticore::env::Channel`).
            pub sensor_noise: f32,
            /// Steps between a network's output and the actuator applying it, a whole
            /// number from 0 to 8 (`plasticore::env::Channel`).
            pub action_delay: f32,
        }

        impl $crate::env::Dynamics for $name {
            const KEYS: &'static [&'static str] = &[
                stringify!($f0),
                $(stringify!($field),)*
                "actuator_gain",
                "sensor_bias",
                "sensor_noise",
                "action_delay",
            ];
            const KEYS_MESSAGE: &'static str = concat!(
                "one of ",
                stringify!($f0),
                $(", ", stringify!($field),)*
                ", actuator_gain, sensor_bias, sensor_noise, action_delay"
            );
            const NOMINAL: Self = $name {
                $f0: $n0,
                $($field: $nominal,)*
                actuator_gain: 1.0,
                sensor_bias: 0.0,
                sensor_noise: 0.0,
                action_delay: 0.0,
            };
            fn get_mut(&mut self, key: &str) -> Option<&mut f32> {
                Some(match key {
                    stringify!($f0) => &mut self.$f0,
                    $(stringify!($field) => &mut self.$field,)*
                    "actuator_gain" => &mut self.actuator_gain,
                    "sensor_bias" => &mut self.sensor_bias,
                    "sensor_noise" => &mut self.sensor_noise,
                    "action_delay" => &mut self.action_delay,
                    _ => return None,
                })
            }
            fn validate(&self) -> Result<(), $crate::Error> {
                $validate(self)?;
                $crate::env::Dynamics::deployment(self).check()
            }
            fn deployment(&self) -> $crate::env::Deployment {
                $crate::env::Deployment {
                    actuator_gain: self.actuator_gain,
                    sensor_bias: self.sensor_bias,
                    sensor_noise: self.sensor_noise,
                    action_delay: self.action_delay,
                }
            }
        }
    };
}

/// The [`Environment`] impl of an environment `$env` with parameters
/// `$params` (a field `params`), built by `$new`, reset by its inherent
/// `reset`, observing `$obs` values: everything but `act`, given as a fn.
macro_rules! environment {
    ($env:ident, $params:ident, $name:literal, $obs:literal, $scale:expr, $new:path, $($act:tt)*) => {
        impl Environment for $env {
            const NAME: &'static str = $name;
            const OBS: usize = $obs;
            const OBS_SCALE: &'static [f32] = &$scale;
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
    /// The keys every environment shares: actuator gain, sensor bias and
    /// noise, action delay.
    fn deployment(&self) -> Deployment;

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

/// Longest `action_delay`, in steps.
pub const MAX_ACTION_DELAY: usize = 8;

/// Most network outputs a [`Channel`] can hold back (an environment here
/// takes at most 3).
pub const MAX_OUTPUTS: usize = 4;

/// Longest observation a [`Channel`] can add bias or noise to.
pub const MAX_OBS: usize = 16;

/// The changes a deployed controller meets, keys of every environment's
/// dynamics (see the module docs). [`Deployment::NONE`] changes nothing, bit
/// for bit.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Deployment {
    /// Multiplies the force or torque (≥ 0).
    pub actuator_gain: f32,
    /// Added to every observation component.
    pub sensor_bias: f32,
    /// σ of the Gaussian noise on every observation component (≥ 0).
    pub sensor_noise: f32,
    /// Steps of delay, 0 to [`MAX_ACTION_DELAY`].
    pub action_delay: f32,
}

impl Deployment {
    /// Gain 1, no bias, no noise, no delay.
    pub const NONE: Deployment =
        Deployment { actuator_gain: 1.0, sensor_bias: 0.0, sensor_noise: 0.0, action_delay: 0.0 };

    /// Checks the ranges.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for a gain or σ that is not finite and ≥ 0,
    /// a bias that is not finite, or a delay that is not a whole number from
    /// 0 to [`MAX_ACTION_DELAY`].
    pub fn check(&self) -> Result<(), Error> {
        let bad = |what, expected| Err(Error::InvalidArgument { what, expected });
        if !(self.actuator_gain.is_finite() && self.actuator_gain >= 0.0) {
            return bad("actuator_gain", "a finite gain >= 0");
        }
        if !self.sensor_bias.is_finite() {
            return bad("sensor_bias", "a finite bias");
        }
        if !(self.sensor_noise.is_finite() && self.sensor_noise >= 0.0) {
            return bad("sensor_noise", "a finite sigma >= 0");
        }
        let d = self.action_delay;
        if !(d >= 0.0 && d <= MAX_ACTION_DELAY as f32 && d == (d as u32) as f32) {
            return bad("action_delay", "a whole number of steps from 0 to 8");
        }
        Ok(())
    }

    /// The delay in steps (checked by [`Deployment::check`]).
    pub fn delay_steps(&self) -> usize {
        (self.action_delay as usize).min(MAX_ACTION_DELAY)
    }
}

/// The sensor and actuator path between an environment and its controller:
/// [`Channel::sense`] adds `sensor_bias` and N(0, `sensor_noise`²) to the
/// observation, [`Channel::delay`] holds outputs back `action_delay` steps
/// (zero outputs are applied until the first one arrives). With
/// [`Deployment::NONE`] both pass their input through untouched. The noise
/// is drawn from its own generator, seeded from the episode's seed, so the
/// episode's other draws do not move.
#[derive(Debug, Clone)]
pub struct Channel {
    noise: Rng,
    seen: [f32; MAX_OBS],
    queue: [[f32; MAX_OUTPUTS]; MAX_ACTION_DELAY + 1],
    applied: [f32; MAX_OUTPUTS],
    step: usize,
}

impl Channel {
    /// A channel for the episode of `seed`.
    pub fn new(seed: u64) -> Self {
        Channel {
            noise: Rng::new(seed ^ 0x6E6F_6973_6521_0000),
            seen: [0.0; MAX_OBS],
            queue: [[0.0; MAX_OUTPUTS]; MAX_ACTION_DELAY + 1],
            applied: [0.0; MAX_OUTPUTS],
            step: 0,
        }
    }

    /// The observation the controller sees: `obs + sensor_bias + σ·N(0, 1)`
    /// per component (`obs` itself when both are 0).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for bias or noise on an observation longer
    /// than [`MAX_OBS`].
    pub fn sense<'a>(&'a mut self, obs: &'a [f32], d: &Deployment) -> Result<&'a [f32], Error> {
        if d.sensor_bias == 0.0 && d.sensor_noise == 0.0 {
            return Ok(obs);
        }
        let Some(seen) = self.seen.get_mut(..obs.len()) else {
            return Err(Error::InvalidArgument {
                what: "observation",
                expected: "at most 16 values for sensor_bias or sensor_noise",
            });
        };
        for (s, &o) in seen.iter_mut().zip(obs) {
            *s = o + d.sensor_bias;
            if d.sensor_noise > 0.0 {
                *s += d.sensor_noise * self.noise.normal();
            }
        }
        Ok(seen)
    }

    /// The outputs the actuator applies this step: `out` from `action_delay`
    /// steps ago (zeros before the first), `out` itself without a delay.
    /// Call once a step.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for a delay on more than [`MAX_OUTPUTS`]
    /// outputs.
    pub fn delay<'a>(&'a mut self, out: &'a [f32], d: &Deployment) -> Result<&'a [f32], Error> {
        const SLOTS: usize = MAX_ACTION_DELAY + 1;
        if out.len() > MAX_OUTPUTS {
            return Err(Error::InvalidArgument {
                what: "network outputs",
                expected: "at most 4 values for action_delay",
            });
        }
        let now = self.step;
        self.step = now.wrapping_add(1);
        if let Some(q) = self.queue.get_mut(now % SLOTS) {
            q.iter_mut().zip(out).for_each(|(q, &o)| *q = o);
        }
        let delay = d.delay_steps();
        if delay == 0 {
            return Ok(out);
        }
        let from = now.checked_sub(delay).and_then(|t| self.queue.get(t % SLOTS));
        for (i, a) in self.applied.iter_mut().enumerate() {
            *a = from.and_then(|q| q.get(i)).copied().unwrap_or(0.0);
        }
        Ok(self.applied.get(..out.len()).unwrap_or(&[]))
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
    /// Input normalisation: what each observation component is multiplied by
    /// before a network with normalised inputs sees it (the reciprocal of the
    /// component's typical range, so that every input is of order 1; see
    /// [`crate::hebbian::Scaled`]). Empty: no scaling.
    const OBS_SCALE: &'static [f32] = &[];
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

/// One network output clamped to [−1, 1]: the action of a continuous
/// environment (Pendulum, MountainCar, or one of your own).
///
/// # Errors
/// [`Error::NonFinite`] for NaN; [`Error::ShapeMismatch`] unless there is
/// exactly one output.
pub fn unit_output(output: &[f32]) -> Result<f32, Error> {
    match output {
        [y] if y.is_nan() => Err(Error::NonFinite { what: "network output", index: 0 }),
        [y] => Ok(y.clamp(-1.0, 1.0)),
        _ => {
            Err(Error::ShapeMismatch { what: "network outputs", expected: 1, found: output.len() })
        }
    }
}
