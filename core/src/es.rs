//! OpenAI evolution strategy (Salimans et al. 2017, "Evolution Strategies as a
//! Scalable Alternative to Reinforcement Learning"), as used by Najarro & Risi
//! 2020 to evolve Hebbian coefficients. An ask/tell step, `no_std`, no buffers
//! of its own: noise is regenerated from seeds instead of stored.
//!
//! Generation `g` with parameters θ, population `n` (even), σ, learning rate α:
//! - pair `p` draws ε_p ~ N(0, I) from `Rng::new(mix(seed, g, p))`;
//!   candidate `2p` is θ + σε_p and candidate `2p+1` is θ − σε_p (antithetic);
//! - fitnesses are replaced by centred ranks `u_k = rank_k / (n − 1) − 1/2`;
//! - `∇ = 1/(nσ) Σ_p (u_{2p} − u_{2p+1}) ε_p`, and θ ← θ + α(∇ − λθ) (L2 penalty λ);
//! - then σ ← max(σ·σ_decay, σ_min) and α ← max(α·α_decay, α_min).
//!
//! [`OpenAiEs::tell_adam`] takes the same ∇ (and the L2 term, `∇ − λθ`)
//! through Adam (Kingma & Ba 2015) instead of the plain step:
//! `m ← β₁m + (1 − β₁)g`, `v ← β₂v + (1 − β₂)g²`,
//! `θ ← θ + α·m̂/(√v̂ + ε)` with the bias corrections `m̂ = m/(1 − β₁ᵗ)`,
//! `v̂ = v/(1 − β₂ᵗ)` — the moments in caller buffers ([`Adam`]).

use crate::error::{check_finite, check_len, Error};
use crate::rng::Rng;

/// Hyper-parameters of [`OpenAiEs`].
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct EsConfig {
    /// Candidates per generation (even, ≥ 2).
    pub population: usize,
    /// Initial noise scale σ (> 0).
    pub sigma: f32,
    /// σ multiplier per generation (in (0, 1]).
    pub sigma_decay: f32,
    /// Lower bound of σ.
    pub sigma_min: f32,
    /// Initial learning rate α (> 0).
    pub lr: f32,
    /// α multiplier per generation (in (0, 1]).
    pub lr_decay: f32,
    /// Lower bound of α.
    pub lr_min: f32,
    /// L2 penalty λ (≥ 0).
    pub l2: f32,
}

impl EsConfig {
    /// Najarro & Risi's settings: 64 candidates, σ 0.1 (×0.999 a
    /// generation, floor 0.01), learning rate 0.2 (×0.995, floor 0.001),
    /// L2 0.005. `const`, for presets built from it.
    pub const DEFAULT: EsConfig = EsConfig {
        population: 64,
        sigma: 0.1,
        sigma_decay: 0.999,
        sigma_min: 0.01,
        lr: 0.2,
        lr_decay: 0.995,
        lr_min: 0.001,
        l2: 0.005,
    };
}

impl Default for EsConfig {
    /// [`EsConfig::DEFAULT`].
    fn default() -> Self {
        EsConfig::DEFAULT
    }
}

/// Adam's state for [`OpenAiEs::tell_adam`]: the moments, in buffers the
/// caller owns (θ's length each), and the step count.
#[derive(Debug)]
pub struct Adam<'a> {
    /// First moment m.
    pub m: &'a mut [f32],
    /// Second moment v.
    pub v: &'a mut [f32],
    /// Steps taken so far (t).
    pub t: u32,
}

impl Adam<'_> {
    /// β₁ (the paper's default).
    pub const BETA1: f32 = 0.9;
    /// β₂ (the paper's default).
    pub const BETA2: f32 = 0.999;
    /// ε (the paper's default).
    pub const EPS: f32 = 1e-8;
}

/// The mutable state of the strategy (everything but θ), e.g. for checkpoints.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct EsState {
    /// Current σ.
    pub sigma: f32,
    /// Current learning rate.
    pub lr: f32,
    /// Generations told so far.
    pub generation: u64,
    /// Seed of the noise streams.
    pub seed: u64,
}

/// OpenAI-ES with antithetic sampling and centred ranks (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OpenAiEs {
    cfg: EsConfig,
    state: EsState,
}

/// `b^t` by repeated squaring (the same bits on every target).
fn pow_u32(mut b: f32, mut t: u32) -> f32 {
    let mut r = 1.0f32;
    while t > 0 {
        if t & 1 == 1 {
            r *= b;
        }
        b *= b;
        t >>= 1;
    }
    r
}

pub(crate) fn mix(seed: u64, generation: u64, pair: u64) -> u64 {
    let mut z = seed ^ generation.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z ^= pair.wrapping_mul(0xD6E8_FEB8_6659_FD93);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Centred ranks: `out[k] = rank(fitness[k]) / (n − 1) − 1/2`, in [−½, ½]
/// (ties ranked by index). O(n²), no scratch.
///
/// # Errors
/// [`Error::ShapeMismatch`], [`Error::Empty`], [`Error::NonFinite`].
pub fn centered_ranks(fitness: &[f32], out: &mut [f32]) -> Result<(), Error> {
    check_len("out", fitness.len(), out.len())?;
    crate::error::check_nonempty("fitness", fitness.len())?;
    check_finite("fitness", fitness)?;
    let n = fitness.len();
    let denom = if n > 1 { (n - 1) as f32 } else { 1.0 };
    for (k, (o, &f)) in out.iter_mut().zip(fitness).enumerate() {
        let rank = fitness.iter().enumerate().filter(|&(m, &g)| g < f || (g == f && m < k)).count();
        *o = rank as f32 / denom - 0.5;
    }
    Ok(())
}

impl OpenAiEs {
    /// A strategy at generation 0.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for an odd or zero population, σ or α
    /// not > 0, decays outside (0, 1], a negative L2 or non-finite values.
    pub fn new(cfg: EsConfig, seed: u64) -> Result<Self, Error> {
        let bad = |what, expected| Err(Error::InvalidArgument { what, expected });
        if cfg.population < 2 || !cfg.population.is_multiple_of(2) {
            return bad("population", "an even number >= 2");
        }
        let pos = |v: f32| v.is_finite() && v > 0.0;
        if !pos(cfg.sigma) || !pos(cfg.lr) {
            return bad("sigma, lr", "finite values > 0");
        }
        if !(pos(cfg.sigma_decay)
            && cfg.sigma_decay <= 1.0
            && pos(cfg.lr_decay)
            && cfg.lr_decay <= 1.0)
        {
            return bad("sigma_decay, lr_decay", "values in (0, 1]");
        }
        let nonneg = |v: f32| v.is_finite() && v >= 0.0;
        if !(nonneg(cfg.l2) && nonneg(cfg.sigma_min) && nonneg(cfg.lr_min)) {
            return bad("l2, sigma_min, lr_min", "finite values >= 0");
        }
        Ok(OpenAiEs { cfg, state: EsState { sigma: cfg.sigma, lr: cfg.lr, generation: 0, seed } })
    }

    /// Resumes from a saved state (the config is re-validated).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] if `cfg` is invalid (as [`OpenAiEs::new`]) or the state's σ
    /// or learning rate is not finite and > 0.
    pub fn from_state(cfg: EsConfig, state: EsState) -> Result<Self, Error> {
        let mut es = OpenAiEs::new(cfg, state.seed)?;
        if !(state.sigma.is_finite() && state.sigma > 0.0 && state.lr.is_finite() && state.lr > 0.0)
        {
            return Err(Error::InvalidArgument {
                what: "es state",
                expected: "finite sigma and lr > 0",
            });
        }
        es.state = state;
        Ok(es)
    }

    /// The configuration.
    pub fn config(&self) -> EsConfig {
        self.cfg
    }
    /// The current state.
    pub fn state(&self) -> EsState {
        self.state
    }

    /// ε of pair `pair` in the current generation (N(0, I), `out.len()` values).
    pub fn noise(&self, pair: usize, out: &mut [f32]) {
        let mut rng = Rng::new(mix(self.state.seed, self.state.generation, pair as u64));
        rng.fill_normal(out);
    }

    /// Candidate `k` (0 ≤ k < population) of this generation: θ ± σε_{k/2}.
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] if `out.len() != theta.len()`,
    /// [`Error::InvalidArgument`] for `k` out of range.
    pub fn candidate(&self, theta: &[f32], k: usize, out: &mut [f32]) -> Result<(), Error> {
        check_len("candidate", theta.len(), out.len())?;
        if k >= self.cfg.population {
            return Err(Error::InvalidArgument {
                what: "candidate index",
                expected: "an index below the population",
            });
        }
        self.noise(k / 2, out);
        let s = if k.is_multiple_of(2) { self.state.sigma } else { -self.state.sigma };
        for (o, &t) in out.iter_mut().zip(theta) {
            *o = t + s * *o;
        }
        Ok(())
    }

    /// Updates θ from the fitnesses of this generation's candidates (higher is
    /// better) and moves to the next generation. `scratch` needs `theta.len()`
    /// elements and `ranks` `population` elements.
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] for the lengths, [`Error::NonFinite`] in
    /// `fitness`; θ and the state are unchanged then.
    pub fn tell(
        &mut self,
        theta: &mut [f32],
        fitness: &[f32],
        ranks: &mut [f32],
        scratch: &mut [f32],
    ) -> Result<(), Error> {
        let n = self.cfg.population;
        check_len("fitness", n, fitness.len())?;
        check_len("ranks", n, ranks.len())?;
        check_len("scratch", theta.len(), scratch.len())?;
        centered_ranks(fitness, ranks)?;
        let (sigma, lr, l2) = (self.state.sigma, self.state.lr, self.cfg.l2);
        let scale = 1.0 / (n as f32 * sigma);
        // θ ← θ + α(∇ − λθ), with the penalty from the old θ.
        for t in theta.iter_mut() {
            *t -= lr * l2 * *t;
        }
        for (p, pair) in ranks.chunks_exact(2).enumerate() {
            let wgt = lr * scale * (pair[0] - pair[1]);
            self.noise(p, scratch);
            for (t, e) in theta.iter_mut().zip(scratch.iter()) {
                *t += wgt * e;
            }
        }
        self.next_generation();
        Ok(())
    }

    /// σ and α decay; the generation advances.
    fn next_generation(&mut self) {
        let c = self.cfg;
        self.state.sigma = (self.state.sigma * c.sigma_decay).max(c.sigma_min);
        self.state.lr = (self.state.lr * c.lr_decay).max(c.lr_min);
        self.state.generation += 1;
    }

    /// As [`OpenAiEs::tell`], the step taken by Adam on `g = ∇ − λθ` (see the
    /// module docs): `grad` and `scratch` need `theta.len()` elements, and so
    /// do `adam.m` and `adam.v` (zero at the start of a run).
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] for the lengths, [`Error::NonFinite`] in
    /// `fitness`; θ, the moments and the state are unchanged then.
    pub fn tell_adam(
        &mut self,
        theta: &mut [f32],
        fitness: &[f32],
        ranks: &mut [f32],
        scratch: &mut [f32],
        grad: &mut [f32],
        adam: &mut Adam<'_>,
    ) -> Result<(), Error> {
        let n = self.cfg.population;
        check_len("fitness", n, fitness.len())?;
        check_len("ranks", n, ranks.len())?;
        check_len("scratch", theta.len(), scratch.len())?;
        check_len("grad", theta.len(), grad.len())?;
        check_len("adam.m", theta.len(), adam.m.len())?;
        check_len("adam.v", theta.len(), adam.v.len())?;
        centered_ranks(fitness, ranks)?;
        let (sigma, lr, l2) = (self.state.sigma, self.state.lr, self.cfg.l2);
        let scale = 1.0 / (n as f32 * sigma);
        for (g, &t) in grad.iter_mut().zip(theta.iter()) {
            *g = -l2 * t;
        }
        for (p, pair) in ranks.chunks_exact(2).enumerate() {
            let wgt = scale * (pair[0] - pair[1]);
            self.noise(p, scratch);
            for (g, e) in grad.iter_mut().zip(scratch.iter()) {
                *g += wgt * e;
            }
        }
        adam.t = adam.t.saturating_add(1);
        let (b1, b2) = (Adam::BETA1, Adam::BETA2);
        let c1 = 1.0 - pow_u32(b1, adam.t);
        let c2 = 1.0 - pow_u32(b2, adam.t);
        let moments = adam.m.iter_mut().zip(adam.v.iter_mut());
        for ((t, &g), (m, v)) in theta.iter_mut().zip(grad.iter()).zip(moments) {
            *m = b1 * *m + (1.0 - b1) * g;
            *v = b2 * *v + (1.0 - b2) * g * g;
            *t += lr * (*m / c1) / (crate::math::sqrt(*v / c2) + Adam::EPS);
        }
        self.next_generation();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_are_centred_and_ordered() {
        let mut r = [0.0; 5];
        centered_ranks(&[3.0, -1.0, 10.0, 3.0, 0.0], &mut r).unwrap();
        assert_eq!(r, [0.0, -0.5, 0.5, 0.25, -0.25]);
        assert!(centered_ranks(&[1.0, f32::NAN], &mut r[..2]).is_err());
        assert!(centered_ranks(&[], &mut []).is_err());
    }

    /// Adam against the paper's update written out in f64, on the ES's own
    /// gradient estimate (noise and ranks recomputed here), for three steps.
    #[test]
    fn adam_steps_match_the_paper_in_f64() {
        const D: usize = 6;
        let cfg = EsConfig { population: 8, sigma: 0.2, lr: 0.05, l2: 0.01, ..EsConfig::default() };
        let mut es = OpenAiEs::new(cfg, 7).unwrap();
        let mut theta = [0.3f32, -0.2, 0.1, 0.0, 0.5, -0.4];
        let (mut m, mut v) = ([0.0f32; D], [0.0f32; D]);
        let mut adam = Adam { m: &mut m, v: &mut v, t: 0 };
        let (mut rm, mut rv, mut rt) = ([0.0f64; D], [0.0f64; D], theta.map(f64::from));
        let (mut ranks, mut scratch, mut grad) = ([0.0f32; 8], [0.0f32; D], [0.0f32; D]);
        for step in 1..=3 {
            let fitness: [f32; 8] = core::array::from_fn(|k| ((k * 5 + step) % 8) as f32);
            // The reference: centred ranks, ∇ = Σ_p (u₂ₚ − u₂ₚ₊₁) ε_p / (nσ) − λθ.
            let (sigma, lr) = (es.state().sigma as f64, es.state().lr as f64);
            let mut u = [0.0f32; 8];
            centered_ranks(&fitness, &mut u).unwrap();
            let mut g = rt.map(|t| -0.01 * t);
            for p in 0..4 {
                let mut eps = [0.0f32; D];
                es.noise(p, &mut eps);
                for i in 0..D {
                    g[i] += (u[2 * p] - u[2 * p + 1]) as f64 * eps[i] as f64 / (8.0 * sigma);
                }
            }
            for i in 0..D {
                rm[i] = 0.9 * rm[i] + 0.1 * g[i];
                rv[i] = 0.999 * rv[i] + 0.001 * g[i] * g[i];
                let mh = rm[i] / (1.0 - 0.9f64.powi(step as i32));
                let vh = rv[i] / (1.0 - 0.999f64.powi(step as i32));
                rt[i] += lr * mh / (vh.sqrt() + 1e-8);
            }
            es.tell_adam(&mut theta, &fitness, &mut ranks, &mut scratch, &mut grad, &mut adam)
                .unwrap();
            for i in 0..D {
                assert!(
                    (theta[i] as f64 - rt[i]).abs() < 1e-5,
                    "step {step} θ{i}: {} vs {}",
                    theta[i],
                    rt[i]
                );
            }
        }
        assert_eq!(adam.t, 3);
        assert_eq!(es.state().generation, 3);
        // Wrong lengths change nothing.
        let before = theta;
        let mut short = [0.0f32; D - 1];
        let mut bad = Adam { m: &mut short, v: &mut [0.0; D], t: 0 };
        assert!(es
            .tell_adam(&mut theta, &[0.0; 8], &mut ranks, &mut scratch, &mut grad, &mut bad)
            .is_err());
        assert_eq!(theta, before);
        assert_eq!(es.state().generation, 3);
    }

    #[test]
    fn minimises_a_quadratic() {
        // f(θ) = −Σ (θ_i − c_i)², maximised at c.
        let dim = 10;
        let c: [f32; 10] = core::array::from_fn(|i| i as f32 * 0.3 - 1.0);
        let cfg = EsConfig { population: 40, sigma: 0.1, lr: 0.1, l2: 0.0, ..EsConfig::default() };
        let mut es = OpenAiEs::new(cfg, 42).unwrap();
        let mut theta = [0.0f32; 10];
        let (mut cand, mut scratch) = ([0.0f32; 10], [0.0f32; 10]);
        let (mut fit, mut ranks) = ([0.0f32; 40], [0.0f32; 40]);
        let loss = |t: &[f32]| -> f32 { t.iter().zip(&c).map(|(a, b)| (a - b) * (a - b)).sum() };
        let start = loss(&theta);
        for _ in 0..300 {
            for (k, f) in fit.iter_mut().enumerate() {
                es.candidate(&theta, k, &mut cand).unwrap();
                *f = -loss(&cand);
            }
            es.tell(&mut theta, &fit, &mut ranks, &mut scratch).unwrap();
        }
        let end = loss(&theta);
        assert!(end < 0.01 * start, "loss {start} -> {end}");
        assert_eq!(es.state().generation, 300);
        assert!(es.state().sigma < 0.1 && es.state().lr < 0.1);
        assert_eq!(dim, theta.len());
    }

    #[test]
    fn antithetic_pairs_and_bad_inputs() {
        let es = OpenAiEs::new(EsConfig::default(), 1).unwrap();
        let theta = [1.0f32; 6];
        let (mut a, mut b) = ([0.0; 6], [0.0; 6]);
        es.candidate(&theta, 4, &mut a).unwrap();
        es.candidate(&theta, 5, &mut b).unwrap();
        for (x, y) in a.iter().zip(&b) {
            assert!((x + y - 2.0).abs() < 1e-6);
        }
        assert!(es.candidate(&theta, 64, &mut a).is_err());
        assert!(es.candidate(&theta, 0, &mut a[..5]).is_err());
        let bad = EsConfig { population: 7, ..EsConfig::default() };
        assert!(OpenAiEs::new(bad, 0).is_err());
        let mut es = es;
        let mut t = theta;
        let fit = [0.0f32; 64];
        let mut r = [0.0f32; 64];
        let mut s = [0.0f32; 6];
        let mut nan = fit;
        nan[3] = f32::NAN;
        assert!(es.tell(&mut t, &nan, &mut r, &mut s).is_err());
        assert_eq!(t, theta);
        assert_eq!(es.state().generation, 0);
        assert!(es.tell(&mut t, &fit[..10], &mut r, &mut s).is_err());
    }
}
