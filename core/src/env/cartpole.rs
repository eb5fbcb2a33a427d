//! CartPole-v1 (Barto, Sutton & Anderson 1983), with the constants and Euler
//! integration of OpenAI Gym / Gymnasium `CartPoleEnv`.
//!
//! State `s = [x, ẋ, θ, θ̇]`. With `F = ±10` (action 1 pushes right),
//! `m_c = 1.0`, `m_p = 0.1`, `M = m_c + m_p`, half-length `l = 0.5`, `g = 9.8`:
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

/// Outcome of one step.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Step {
    /// The new observation `[x, ẋ, θ, θ̇]`.
    pub obs: [f32; 4],
    /// Always 1.0.
    pub reward: f32,
    /// The pole fell or the cart left the track.
    pub terminated: bool,
    /// The step limit was reached.
    pub truncated: bool,
}

impl Step {
    /// `terminated || truncated`.
    pub fn done(&self) -> bool {
        self.terminated || self.truncated
    }
}

/// The CartPole environment.
#[derive(Debug, Clone)]
pub struct CartPole {
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
    /// An environment at state 0; call [`CartPole::reset`] before stepping.
    pub const fn new() -> Self {
        CartPole {
            state: [0.0; 4],
            steps: 0,
            done: false,
        }
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

    /// Advances one τ with action 0 (push left) or 1 (push right).
    ///
    /// Errors: [`Error::InvalidArgument`] for another action or after the episode ended.
    pub fn step(&mut self, action: usize) -> Result<Step, Error> {
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
        let [x, x_dot, theta, theta_dot] = self.state;
        let force = if action == 1 { FORCE_MAG } else { -FORCE_MAG };
        let (s, c) = (sin(theta), cos(theta));
        let temp = (force + POLE_MASS_LENGTH * theta_dot * theta_dot * s) / TOTAL_MASS;
        let theta_acc =
            (GRAVITY * s - c * temp) / (HALF_LENGTH * (4.0 / 3.0 - MASS_POLE * c * c / TOTAL_MASS));
        let x_acc = temp - POLE_MASS_LENGTH * theta_acc * c / TOTAL_MASS;
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
        Ok(Step {
            obs: self.state,
            reward: 1.0,
            terminated,
            truncated,
        })
    }
}

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
