//! Pendulum-v1, with the dynamics and constants of Gymnasium's `PendulumEnv`.
//!
//! State `[θ, θ̇]`, observation `[cos θ, sin θ, θ̇]`, torque `u` clipped to
//! `±max_torque`. With `g = 10`, `m = 1`, `l = 1`, `dt = 0.05`:
//!
//! ```text
//! cost = norm(θ)² + 0.1·θ̇² + 0.001·u²          (norm: θ wrapped to [−π, π))
//! θ̇ ← clip(θ̇ + (3g/(2l)·sin θ + 3/(m·l²)·u)·dt, ±8);   θ ← θ + θ̇·dt
//! ```
//!
//! Reward `−cost`; never terminates, truncated after 200 steps. Reset draws
//! θ ~ U(−π, π), θ̇ ~ U(−1, 1). Arithmetic is f32 (Gymnasium's is f64).

use super::{check_sign, unit_output, Dynamics, Environment, Step};
use crate::error::Error;
use crate::math::{cos, sin};
use crate::rng::Rng;

/// Steps before truncation (the `TimeLimit` of Pendulum-v1).
pub const MAX_STEPS: u32 = 200;
/// Integration step (s).
pub const DT: f32 = 0.05;
/// Angular speed limit (rad/s).
pub const MAX_SPEED: f32 = 8.0;

dynamics_params! {
    /// The dynamics parameters (Gymnasium's attribute names).
    #[cfg_attr(feature = "defmt", derive(defmt::Format))]
    pub struct PendulumParams {
        /// Mass (kg), `m`.
        m = 1.0,
        /// Length (m), `l`.
        l = 1.0,
        /// Torque limit (N·m), `max_torque`.
        max_torque = 2.0,
        /// Gravity (m/s²), `g`.
        g = 10.0,
        /// +1, or −1 to reverse the actuator.
        actuator_sign = 1.0,
    }
    validate: validate
}

/// Errors unless every parameter is finite, `m`, `l`, `max_torque` > 0 and
/// `actuator_sign` is ±1.
fn validate(p: &PendulumParams) -> Result<(), Error> {
    let pos = |v: f32| v.is_finite() && v > 0.0;
    if !(pos(p.m) && pos(p.l) && pos(p.max_torque) && p.g.is_finite()) {
        return Err(Error::InvalidArgument {
            what: "pendulum parameters",
            expected: "finite, with m, l, max_torque > 0",
        });
    }
    check_sign(p.actuator_sign)
}

/// θ wrapped to [−π, π).
fn angle_normalize(x: f32) -> f32 {
    use core::f32::consts::PI;
    let y = (x + PI) % (2.0 * PI);
    (if y < 0.0 { y + 2.0 * PI } else { y }) - PI
}

/// The pendulum.
#[derive(Debug, Clone)]
pub struct Pendulum {
    params: PendulumParams,
    state: [f32; 2],
    steps: u32,
}

impl Pendulum {
    /// A pendulum with `params` (validated), hanging at rest.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] if a parameter is out of its range
    /// ([`Dynamics::validate`]).
    pub fn new(params: PendulumParams) -> Result<Self, Error> {
        params.validate()?;
        Ok(Pendulum { params, state: [0.0; 2], steps: 0 })
    }

    /// Start of an episode: θ ~ U(−π, π), θ̇ ~ U(−1, 1).
    pub fn reset(&mut self, rng: &mut Rng) -> [f32; 3] {
        use core::f32::consts::PI;
        let th = rng.uniform(-PI, PI);
        let thdot = rng.uniform(-1.0, 1.0);
        self.set_state([th, thdot]);
        self.obs()
    }

    /// Sets `[θ, θ̇]` and restarts the step count.
    pub fn set_state(&mut self, state: [f32; 2]) {
        self.state = state;
        self.steps = 0;
    }

    /// `[θ, θ̇]`.
    pub fn state(&self) -> [f32; 2] {
        self.state
    }

    /// `[cos θ, sin θ, θ̇]`.
    pub fn obs(&self) -> [f32; 3] {
        let [th, thdot] = self.state;
        [cos(th), sin(th), thdot]
    }

    /// One step with torque `u` (clipped to ±max_torque).
    ///
    /// # Errors
    /// [`Error::NonFinite`] for `u` (nothing changes).
    pub fn step(&mut self, u: f32) -> Result<Step<3>, Error> {
        if !u.is_finite() {
            return Err(Error::NonFinite { what: "torque", index: 0 });
        }
        let p = self.params;
        let u = u.max(-p.max_torque).min(p.max_torque) * p.actuator_sign * p.actuator_gain;
        let [th, thdot] = self.state;
        let a = angle_normalize(th);
        let cost = a * a + 0.1 * thdot * thdot + 0.001 * (u * u);
        let acc = 3.0 * p.g / (2.0 * p.l) * sin(th) + 3.0 / (p.m * p.l * p.l) * u;
        let newthdot = (thdot + acc * DT).clamp(-MAX_SPEED, MAX_SPEED);
        let newth = th + newthdot * DT;
        self.state = [newth, newthdot];
        self.steps += 1;
        Ok(Step {
            obs: self.obs(),
            reward: -cost,
            terminated: false,
            truncated: self.steps >= MAX_STEPS,
        })
    }
}

environment!(
    Pendulum,
    PendulumParams,
    "pendulum",
    3,
    [1.0, 1.0, 1.0 / MAX_SPEED],
    Pendulum::new,
    /// One output `y`, clamped to [−1, 1]: torque `u = y · max_torque` (the
    /// current parameter, so the network always spans the actuator's range).
    fn act(&mut self, output: &[f32]) -> Result<([f32; 3], f32, bool), Error> {
        let u = unit_output(output)? * self.params.max_torque;
        let st = self.step(u)?;
        Ok((st.obs, st.reward, st.done()))
    }
);
