//! MountainCarContinuous-v0, with the dynamics and constants of Gymnasium's
//! `Continuous_MountainCarEnv`.
//!
//! State `[x, v]`, force `f = clip(a, −1, 1)`:
//!
//! ```text
//! v ← clip(v + f·power − 0.0025·cos(3x), ±0.07);   x ← clip(x + v, −1.2, 0.6)
//! v ← 0 if x = −1.2 and v < 0
//! ```
//!
//! with `power = 0.0015`. Terminates when x ≥ 0.45 and v ≥ 0 (reward +100),
//! each step also costs `0.1·a²`; truncated after 999 steps. Reset draws
//! x ~ U(−0.6, −0.4), v = 0. Arithmetic is f32 (Gymnasium's is f64 on an
//! f32 state).

use super::{check_sign, unit_output, Dynamics, Environment, Step};
use crate::error::Error;
use crate::math::cos;
use crate::rng::Rng;

/// Steps before truncation (the `TimeLimit` of MountainCarContinuous-v0).
pub const MAX_STEPS: u32 = 999;
/// Position limits.
pub const MIN_POSITION: f32 = -1.2;
/// Position limits.
pub const MAX_POSITION: f32 = 0.6;
/// Speed limit.
pub const MAX_SPEED: f32 = 0.07;
/// The goal position.
pub const GOAL_POSITION: f32 = 0.45;

dynamics_params! {
    /// The dynamics parameters (Gymnasium's attribute names).
    #[cfg_attr(feature = "defmt", derive(defmt::Format))]
    pub struct MountainCarParams {
        /// Force gain, `power`.
        power = 0.0015,
        /// +1, or −1 to reverse the actuator.
        actuator_sign = 1.0,
    }
    validate: validate
}

/// Errors unless `power` is finite and > 0 and `actuator_sign` is ±1.
fn validate(p: &MountainCarParams) -> Result<(), Error> {
    if !(p.power.is_finite() && p.power > 0.0) {
        return Err(Error::InvalidArgument { what: "power", expected: "a finite power > 0" });
    }
    check_sign(p.actuator_sign)
}

/// The car.
#[derive(Debug, Clone)]
pub struct MountainCar {
    params: MountainCarParams,
    state: [f32; 2],
    steps: u32,
}

impl MountainCar {
    /// A car with `params` (validated) at the valley's bottom.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] if a parameter is out of its range
    /// ([`Dynamics::validate`]).
    pub fn new(params: MountainCarParams) -> Result<Self, Error> {
        params.validate()?;
        Ok(MountainCar { params, state: [-0.5, 0.0], steps: 0 })
    }

    /// Start of an episode: x ~ U(−0.6, −0.4), v = 0.
    pub fn reset(&mut self, rng: &mut Rng) -> [f32; 2] {
        self.set_state([rng.uniform(-0.6, -0.4), 0.0]);
        self.state
    }

    /// Sets `[x, v]` and restarts the step count.
    pub fn set_state(&mut self, state: [f32; 2]) {
        self.state = state;
        self.steps = 0;
    }

    /// `[x, v]`.
    pub fn state(&self) -> [f32; 2] {
        self.state
    }

    /// One step with action `a` (the force, clipped to ±1).
    ///
    /// # Errors
    /// [`Error::NonFinite`] for `a` (nothing changes).
    pub fn step(&mut self, a: f32) -> Result<Step<2>, Error> {
        if !a.is_finite() {
            return Err(Error::NonFinite { what: "action", index: 0 });
        }
        let f = a.clamp(-1.0, 1.0) * self.params.actuator_sign * self.params.actuator_gain;
        let [mut x, mut v] = self.state;
        v += f * self.params.power - 0.0025 * cos(3.0 * x);
        v = v.clamp(-MAX_SPEED, MAX_SPEED);
        x = (x + v).clamp(MIN_POSITION, MAX_POSITION);
        if x == MIN_POSITION && v < 0.0 {
            v = 0.0;
        }
        self.state = [x, v];
        self.steps += 1;
        let terminated = x >= GOAL_POSITION && v >= 0.0;
        let reward = if terminated { 100.0 } else { 0.0 } - 0.1 * a * a;
        Ok(Step { obs: self.state, reward, terminated, truncated: self.steps >= MAX_STEPS })
    }
}

environment!(
    MountainCar,
    MountainCarParams,
    "mountaincar",
    2,
    [1.0 / 1.2, 1.0 / MAX_SPEED],
    MountainCar::new,
    /// One output `y`, clamped to [−1, 1]: the force `a = y`.
    fn act(&mut self, output: &[f32]) -> Result<([f32; 2], f32, bool), Error> {
        let st = self.step(unit_output(output)?)?;
        Ok((st.obs, st.reward, st.done()))
    }
);
