//! Acrobot-v1, with the dynamics ("book" variant), constants and RK4 step of
//! Gymnasium's `AcrobotEnv`.
//!
//! State `[θ1, θ2, θ̇1, θ̇2]`; actions 0, 1, 2 apply torque −1, 0, +1 at the
//! joint between the links. One classical RK4 step of `dt = 0.2` on the
//! equations of motion (Sutton & Barto's book), then θ wrapped to [−π, π]
//! and θ̇1, θ̇2 clipped to ±4π, ±9π. Reward −1 a step, 0 on the terminal
//! step (`−cos θ1 − cos(θ1 + θ2) > 1`); truncated after 500 steps. Reset draws
//! every component from U(−0.1, 0.1). Link centres of mass are at half the
//! link lengths (Gymnasium keeps them at 0.5 m whatever the lengths, so its
//! `link_length_2` changes nothing; at nominal lengths the two agree),
//! moments of inertia 1, as in Gymnasium. Arithmetic is f32
//! (Gymnasium's is f64).

use core::f32::consts::PI;

use super::{check_sign, unit_output, Dynamics, Environment, Step};
use crate::error::Error;
use crate::math::{cos, sin};
use crate::rng::Rng;

/// Steps before truncation (the `TimeLimit` of Acrobot-v1).
pub const MAX_STEPS: u32 = 500;
/// Integration step (s).
pub const DT: f32 = 0.2;
/// Speed limits of the two joints (rad/s).
pub const MAX_VEL: [f32; 2] = [4.0 * PI, 9.0 * PI];
/// Torques of actions 0, 1, 2.
pub const TORQUES: [f32; 3] = [-1.0, 0.0, 1.0];
const G: f32 = 9.8;
const MOI: f32 = 1.0;

dynamics_params! {
    /// The dynamics parameters (Gymnasium's attribute names, lower case).
    #[cfg_attr(feature = "defmt", derive(defmt::Format))]
    pub struct AcrobotParams {
        /// Length of link 1 (m).
        link_length_1 = 1.0,
        /// Length of link 2 (m); its centre of mass is at half of it.
        link_length_2 = 1.0,
        /// Mass of link 1 (kg).
        link_mass_1 = 1.0,
        /// Mass of link 2 (kg).
        link_mass_2 = 1.0,
        /// +1, or −1 to reverse the actuator.
        actuator_sign = 1.0,
    }
    validate: validate
}

/// Errors unless lengths and masses are finite and > 0 and
/// `actuator_sign` is ±1.
fn validate(p: &AcrobotParams) -> Result<(), Error> {
    let pos = |v: f32| v.is_finite() && v > 0.0;
    if !(pos(p.link_length_1) && pos(p.link_length_2) && pos(p.link_mass_1) && pos(p.link_mass_2)) {
        return Err(Error::InvalidArgument {
            what: "acrobot parameters",
            expected: "finite link lengths and masses > 0",
        });
    }
    check_sign(p.actuator_sign)
}

impl AcrobotParams {
    /// d/dt of `[θ1, θ2, θ̇1, θ̇2]` under torque `a` (the book's equations).
    fn dsdt(&self, s: [f32; 4], a: f32) -> [f32; 4] {
        let (m1, m2, l1) = (self.link_mass_1, self.link_mass_2, self.link_length_1);
        let (lc1, lc2) = (0.5 * self.link_length_1, 0.5 * self.link_length_2);
        let [t1, t2, dt1, dt2] = s;
        let d1 = m1 * lc1 * lc1 + m2 * (l1 * l1 + lc2 * lc2 + 2.0 * l1 * lc2 * cos(t2)) + MOI + MOI;
        let d2 = m2 * (lc2 * lc2 + l1 * lc2 * cos(t2)) + MOI;
        let phi2 = m2 * lc2 * G * cos(t1 + t2 - PI / 2.0);
        let phi1 = -m2 * l1 * lc2 * dt2 * dt2 * sin(t2) - 2.0 * m2 * l1 * lc2 * dt2 * dt1 * sin(t2)
            + (m1 * lc1 + m2 * l1) * G * cos(t1 - PI / 2.0)
            + phi2;
        let ddt2 = (a + d2 / d1 * phi1 - m2 * l1 * lc2 * dt1 * dt1 * sin(t2) - phi2)
            / (m2 * lc2 * lc2 + MOI - d2 * d2 / d1);
        let ddt1 = -(d2 * ddt2 + phi1) / d1;
        [dt1, dt2, ddt1, ddt2]
    }
}

/// `x` wrapped into [lo, hi] by whole periods (Gymnasium's `wrap`).
fn wrap(mut x: f32, lo: f32, hi: f32) -> f32 {
    let d = hi - lo;
    // Bounded: |x| ≤ π + dt·9π after a step, so at most a few turns.
    for _ in 0..64 {
        if x > hi {
            x -= d;
        } else if x < lo {
            x += d;
        } else {
            break;
        }
    }
    x
}

/// The acrobot.
#[derive(Debug, Clone)]
pub struct Acrobot {
    params: AcrobotParams,
    state: [f32; 4],
    steps: u32,
}

impl Acrobot {
    /// An acrobot with `params` (validated), hanging at rest.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] if a parameter is out of its range
    /// ([`Dynamics::validate`]).
    pub fn new(params: AcrobotParams) -> Result<Self, Error> {
        params.validate()?;
        Ok(Acrobot { params, state: [0.0; 4], steps: 0 })
    }

    /// Start of an episode: every component ~ U(−0.1, 0.1).
    pub fn reset(&mut self, rng: &mut Rng) -> [f32; 6] {
        let s = [(); 4].map(|_| rng.uniform(-0.1, 0.1));
        self.set_state(s);
        self.obs()
    }

    /// Sets `[θ1, θ2, θ̇1, θ̇2]` and restarts the step count.
    pub fn set_state(&mut self, state: [f32; 4]) {
        self.state = state;
        self.steps = 0;
    }

    /// `[θ1, θ2, θ̇1, θ̇2]`.
    pub fn state(&self) -> [f32; 4] {
        self.state
    }

    /// `[cos θ1, sin θ1, cos θ2, sin θ2, θ̇1, θ̇2]`.
    pub fn obs(&self) -> [f32; 6] {
        let [t1, t2, d1, d2] = self.state;
        [cos(t1), sin(t1), cos(t2), sin(t2), d1, d2]
    }

    /// One step with action 0, 1 or 2.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for an action other than 0, 1, 2 (nothing changes).
    pub fn step(&mut self, action: usize) -> Result<Step<6>, Error> {
        let Some(&torque) = TORQUES.get(action) else {
            return Err(Error::InvalidArgument { what: "action", expected: "0, 1 or 2" });
        };
        let a = torque * self.params.actuator_sign * self.params.actuator_gain;
        let p = self.params;
        let s = self.state;
        // One classical RK4 step over [0, DT].
        let add = |x: [f32; 4], k: [f32; 4], h: f32| core::array::from_fn(|i| x[i] + h * k[i]);
        let k1 = p.dsdt(s, a);
        let k2 = p.dsdt(add(s, k1, DT / 2.0), a);
        let k3 = p.dsdt(add(s, k2, DT / 2.0), a);
        let k4 = p.dsdt(add(s, k3, DT), a);
        let mut ns: [f32; 4] =
            core::array::from_fn(|i| s[i] + DT / 6.0 * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i]));
        ns[0] = wrap(ns[0], -PI, PI);
        ns[1] = wrap(ns[1], -PI, PI);
        ns[2] = ns[2].clamp(-MAX_VEL[0], MAX_VEL[0]);
        ns[3] = ns[3].clamp(-MAX_VEL[1], MAX_VEL[1]);
        self.state = ns;
        self.steps += 1;
        let terminated = -cos(ns[0]) - cos(ns[1] + ns[0]) > 1.0;
        Ok(Step {
            obs: self.obs(),
            reward: if terminated { 0.0 } else { -1.0 },
            terminated,
            truncated: self.steps >= MAX_STEPS,
        })
    }
}

environment!(
    Acrobot,
    AcrobotParams,
    "acrobot",
    6,
    [1.0, 1.0, 1.0, 1.0, 1.0 / MAX_VEL[0], 1.0 / MAX_VEL[1]],
    Acrobot::new,
    /// One output `y`: torque −1 (action 0) if `y < −1/3`, +1 (action 2) if
    /// `y > 1/3`, else 0; three outputs: the index of the largest.
    fn act(&mut self, output: &[f32]) -> Result<([f32; 6], f32, bool), Error> {
        let action = match output.len() {
            1 => {
                let y = unit_output(output)?;
                if y < -1.0 / 3.0 {
                    0
                } else if y > 1.0 / 3.0 {
                    2
                } else {
                    1
                }
            }
            3 => super::action_from_output(output),
            n => {
                return Err(Error::ShapeMismatch { what: "network outputs", expected: 1, found: n })
            }
        };
        let st = self.step(action)?;
        Ok((st.obs, st.reward, st.done()))
    }
);
