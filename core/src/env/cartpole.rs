//! CartPole-v1 (Barto, Sutton & Anderson 1983), with the constants and Euler
//! integration of OpenAI Gym / Gymnasium `CartPoleEnv`.
//!
//! State `s = [x, ẋ, θ, θ̇]`. With push `F = ±force_mag` (action 1 pushes
//! right; times `actuator_sign`), `m_c = masscart`, `m_p = masspole`,
//! `M = m_c + m_p`, half-length `l = length`, `g = gravity` ([`CartPoleParams`];
//! nominal 10 N, 1.0 kg, 0.1 kg, 0.5 m, 9.8 m/s²):
//!
//! ```text
//! t  = (F + m_p·l·θ̇²·sin θ) / M
//! θ̈  = (g·sin θ − cos θ·t) / (l·(4/3 − m_p·cos²θ / M))
//! ẍ  = t − m_p·l·θ̈·cos θ / M
//! x ← x + τ·ẋ;  ẋ ← ẋ + τ·ẍ;  θ ← θ + τ·θ̇;  θ̇ ← θ̇ + τ·θ̈      (τ = 0.02, explicit Euler)
//! ```
//!
//! Every step (the failing one included) gives reward 1. The episode terminates
//! when |x| > 2.4 or |θ| > 12° (0.2095 rad) and is truncated after 500 steps.
//! Reset draws each state component from U(−0.05, 0.05). Arithmetic is f32
//! (Gym's is f64), so trajectories agree with Gym's to f32 rounding only.

use super::{check_sign, Dynamics, Environment, Step};
use crate::error::Error;
use crate::math::{cos, sin};
use crate::rng::Rng;

/// Gravity g (m/s²).
pub const GRAVITY: f32 = 9.8;
/// Cart mass (kg).
pub const MASS_CART: f32 = 1.0;
/// Pole mass (kg).
pub const MASS_POLE: f32 = 0.1;
/// Cart + pole mass.
pub const TOTAL_MASS: f32 = MASS_CART + MASS_POLE;
/// Half the pole's length (m).
pub const HALF_LENGTH: f32 = 0.5;
/// m_p · l.
pub const POLE_MASS_LENGTH: f32 = MASS_POLE * HALF_LENGTH;
/// Magnitude of the push (N).
pub const FORCE_MAG: f32 = 10.0;
/// Integration step τ (s).
pub const TAU: f32 = 0.02;
/// Pole angle limit: 12° in radians (Gym's `12 * 2 * π / 360`).
pub const THETA_THRESHOLD: f32 = 12.0 * 2.0 * core::f32::consts::PI / 360.0;
/// Cart position limit (m).
pub const X_THRESHOLD: f32 = 2.4;
/// Steps before truncation (CartPole-v1).
pub const MAX_STEPS: u32 = 500;

dynamics_params! {
    /// The dynamics parameters (Gymnasium's attribute names).
    #[cfg_attr(feature = "defmt", derive(defmt::Format))]
    pub struct CartPoleParams {
        /// Half the pole's length (m), `length`.
        length = HALF_LENGTH,
        /// Pole mass (kg), `masspole`.
        masspole = MASS_POLE,
        /// Cart mass (kg), `masscart`.
        masscart = MASS_CART,
        /// Magnitude of the push (N), `force_mag`.
        force_mag = FORCE_MAG,
        /// Gravity (m/s²), `gravity`.
        gravity = GRAVITY,
        /// +1, or −1 to reverse the actuator.
        actuator_sign = 1.0,
    }
    validate: validate
}

/// Errors unless every parameter is finite, length and masses > 0,
/// force_mag ≥ 0, and `actuator_sign` is ±1.
fn validate(p: &CartPoleParams) -> Result<(), Error> {
    let pos = |v: f32| v.is_finite() && v > 0.0;
    if !(pos(p.length)
        && pos(p.masspole)
        && pos(p.masscart)
        && p.force_mag.is_finite()
        && p.force_mag >= 0.0
        && p.gravity.is_finite())
    {
        return Err(Error::InvalidArgument {
            what: "cartpole parameters",
            expected: "finite, with length, masspole, masscart > 0 and force_mag >= 0",
        });
    }
    check_sign(p.actuator_sign)
}

/// The CartPole environment.
#[derive(Debug, Clone)]
pub struct CartPole {
    params: CartPoleParams,
    state: [f32; 4],
    steps: u32,
    done: bool,
}

impl Default for CartPole {
    fn default() -> Self {
        Self::new()
    }
}

impl CartPole {
    /// An environment with the nominal dynamics at state 0; call
    /// [`CartPole::reset`] before stepping.
    pub const fn new() -> Self {
        CartPole { params: CartPoleParams::NOMINAL, state: [0.0; 4], steps: 0, done: false }
    }

    /// An environment with `params` at state 0.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for parameters [`Dynamics::validate`] refuses.
    pub fn with(params: CartPoleParams) -> Result<Self, Error> {
        params.validate()?;
        Ok(CartPole { params, ..CartPole::new() })
    }

    /// Draws `[x, ẋ, θ, θ̇]` from U(−0.05, 0.05) (four draws, in that order) and returns it.
    pub fn reset(&mut self, rng: &mut Rng) -> [f32; 4] {
        for s in self.state.iter_mut() {
            *s = rng.uniform(-0.05, 0.05);
        }
        self.steps = 0;
        self.done = false;
        self.state
    }

    /// Sets the state (for tests and replays); the step count starts again at 0.
    pub fn set_state(&mut self, state: [f32; 4]) {
        self.state = state;
        self.steps = 0;
        self.done = false;
    }

    /// The current state `[x, ẋ, θ, θ̇]`.
    pub fn state(&self) -> [f32; 4] {
        self.state
    }

    /// Steps taken since the last reset.
    pub fn steps(&self) -> u32 {
        self.steps
    }

    /// Advances one τ with action 0 (push left) or 1 (push right); the push
    /// is `actuator_sign · (±force_mag)`.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for another action or after the episode ended.
    pub fn step(&mut self, action: usize) -> Result<Step<4>, Error> {
        if action > 1 {
            return Err(Error::InvalidArgument {
                what: "action",
                expected: "0 (left) or 1 (right)",
            });
        }
        if self.done {
            return Err(Error::InvalidArgument {
                what: "cartpole",
                expected: "reset() after the episode ended",
            });
        }
        let p = self.params;
        let total_mass = p.masspole + p.masscart;
        let polemass_length = p.masspole * p.length;
        let [x, x_dot, theta, theta_dot] = self.state;
        let push = if action == 1 { p.force_mag } else { -p.force_mag };
        let force = push * p.actuator_sign * p.actuator_gain;
        let (s, c) = (sin(theta), cos(theta));
        let temp = (force + polemass_length * theta_dot * theta_dot * s) / total_mass;
        let theta_acc =
            (p.gravity * s - c * temp) / (p.length * (4.0 / 3.0 - p.masspole * c * c / total_mass));
        let x_acc = temp - polemass_length * theta_acc * c / total_mass;
        self.state = [
            x + TAU * x_dot,
            x_dot + TAU * x_acc,
            theta + TAU * theta_dot,
            theta_dot + TAU * theta_acc,
        ];
        self.steps += 1;
        let [x, _, theta, _] = self.state;
        let terminated = !(-X_THRESHOLD..=X_THRESHOLD).contains(&x)
            || !(-THETA_THRESHOLD..=THETA_THRESHOLD).contains(&theta);
        let truncated = !terminated && self.steps >= MAX_STEPS;
        self.done = terminated || truncated;
        Ok(Step { obs: self.state, reward: 1.0, terminated, truncated })
    }
}

environment!(
    CartPole,
    CartPoleParams,
    "cartpole",
    4,
    [1.0 / 2.4, 1.0 / 3.0, 1.0 / 0.21, 1.0 / 3.0],
    CartPole::with,
    /// Action from [`super::action_from_output`]: one output pushes
    /// right when it is > 0; two outputs, the index of the larger.
    fn act(&mut self, output: &[f32]) -> Result<([f32; 4], f32, bool), Error> {
        if output.len() > 2 {
            return Err(Error::ShapeMismatch {
                what: "network outputs",
                expected: 2,
                found: output.len(),
            });
        }
        let st = self.step(super::action_from_output(output))?;
        Ok((st.obs, st.reward, st.done()))
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn falls_under_constant_push_and_rejects_bad_actions() {
        let mut env = CartPole::new();
        let mut rng = Rng::new(1);
        let s0 = env.reset(&mut rng);
        assert!(s0.iter().all(|v| v.abs() < 0.05));
        assert!(env.step(2).is_err());
        let mut n = 0;
        loop {
            let st = env.step(1).unwrap();
            n += 1;
            if st.done() {
                assert!(st.terminated);
                break;
            }
        }
        assert!(n < 100, "constant push must fail quickly, took {n}");
        assert!(env.step(0).is_err());
    }
}
