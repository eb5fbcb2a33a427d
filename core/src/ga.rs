//! A simple genetic algorithm with truncation selection and elitism (as in
//! Such et al. 2017, "Deep Neuroevolution: Genetic Algorithms Are a
//! Competitive Alternative for Training Deep Neural Networks for Reinforcement
//! Learning"; evosax's `SimpleGA` without the carried elite). A
//! gradient-free alternative to [`crate::es::OpenAiEs`] for deceptive tasks,
//! where the ES's averaged gradient points at a local optimum. The same
//! ask/tell shape, `no_std`; the elites live in buffers the caller owns.
//!
//! Generation `g`, population `n`, `e` elites `E_0 … E_{e−1}` (best first),
//! mutation scale σ:
//! - candidate 0 is `E_0` unchanged, so the best so far is evaluated again on
//!   new episodes (its fitness is noisy);
//! - candidate `k ≥ 1` draws from `Rng::new(mix(seed, g, k))` a parent
//!   `E_j`, `j` uniform in `[0, e)`, then `ε ~ N(0, I)`, and is `E_j + σε`;
//! - the `e` fittest candidates (ties to the lower index) become the elites,
//!   best first; then σ ← max(σ·σ_decay, σ_min).
//!
//! The result is `E_0`. At generation 0 every elite is the starting point
//! ([`SimpleGa::init`]).

use crate::error::{check_finite, check_len, Error};
use crate::es::mix;
use crate::rng::Rng;

/// Hyper-parameters of [`SimpleGa`].
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct GaConfig {
    /// Candidates per generation (≥ 2).
    pub population: usize,
    /// Elites kept per generation (1 ≤ elites ≤ population).
    pub elites: usize,
    /// Initial mutation scale σ (> 0).
    pub sigma: f32,
    /// σ multiplier per generation (in (0, 1]).
    pub sigma_decay: f32,
    /// Lower bound of σ (≥ 0).
    pub sigma_min: f32,
}

impl Default for GaConfig {
    /// Population 64, half of it kept, σ 0.1 decaying by 0.999 to 0.01.
    fn default() -> Self {
        GaConfig { population: 64, elites: 32, sigma: 0.1, sigma_decay: 0.999, sigma_min: 0.01 }
    }
}

/// The mutable state of the algorithm besides the elites, e.g. for checkpoints.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct GaState {
    /// Current σ.
    pub sigma: f32,
    /// Generations told so far.
    pub generation: u64,
    /// Seed of the draws.
    pub seed: u64,
}

/// The genetic algorithm (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SimpleGa {
    cfg: GaConfig,
    state: GaState,
}

fn check_config(c: &GaConfig) -> Result<(), Error> {
    let ok = c.population >= 2
        && c.elites >= 1
        && c.elites <= c.population
        && c.sigma.is_finite()
        && c.sigma > 0.0
        && c.sigma_decay > 0.0
        && c.sigma_decay <= 1.0
        && c.sigma_min.is_finite()
        && c.sigma_min >= 0.0;
    if ok {
        Ok(())
    } else {
        Err(Error::InvalidArgument {
            what: "GA config",
            expected: "population >= 2, 1 <= elites <= population, sigma > 0, sigma_decay in (0, 1], sigma_min >= 0",
        })
    }
}

/// Rank of candidate `k` of fitness `f`: how many candidates are fitter,
/// ties to the lower index.
fn place(fitness: &[f32], k: usize, f: f32) -> usize {
    fitness.iter().enumerate().filter(|&(j, &x)| x > f || (x == f && j < k)).count()
}

fn elites_len() -> Error {
    Error::InvalidArgument { what: "elites", expected: "elites × the candidate's length values" }
}

impl SimpleGa {
    /// A fresh run at generation 0.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for a configuration outside the documented ranges.
    pub fn new(cfg: GaConfig, seed: u64) -> Result<Self, Error> {
        check_config(&cfg)?;
        Ok(SimpleGa { cfg, state: GaState { sigma: cfg.sigma, generation: 0, seed } })
    }

    /// A run resumed from a saved state (elites saved by the caller).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for a bad configuration or a non-finite or
    /// negative σ.
    pub fn from_state(cfg: GaConfig, state: GaState) -> Result<Self, Error> {
        check_config(&cfg)?;
        if !(state.sigma.is_finite() && state.sigma >= 0.0) {
            return Err(Error::InvalidArgument {
                what: "GA state",
                expected: "a finite sigma >= 0",
            });
        }
        Ok(SimpleGa { cfg, state })
    }

    /// The configuration.
    pub fn config(&self) -> GaConfig {
        self.cfg
    }

    /// The state (σ, generation, seed).
    pub fn state(&self) -> GaState {
        self.state
    }

    /// Fills every elite of `elites` (`elites · theta.len()` values, elite
    /// after elite) with the starting point `theta`.
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] for the length, [`Error::NonFinite`] in `theta`.
    pub fn init(&self, theta: &[f32], elites: &mut [f32]) -> Result<(), Error> {
        check_len("elites", self.cfg.elites * theta.len(), elites.len())?;
        check_finite("theta", theta)?;
        if !theta.is_empty() {
            for e in elites.chunks_exact_mut(theta.len()) {
                e.iter_mut().zip(theta).for_each(|(e, &t)| *e = t);
            }
        }
        Ok(())
    }

    /// Candidate `k` (0 ≤ k < population) of this generation, from the elites.
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] if `elites` is not `elites · out.len()` long,
    /// [`Error::InvalidArgument`] for `k` out of range.
    pub fn candidate(&self, elites: &[f32], k: usize, out: &mut [f32]) -> Result<(), Error> {
        let d = out.len();
        check_len("elites", self.cfg.elites * d, elites.len())?;
        if k >= self.cfg.population {
            return Err(Error::InvalidArgument {
                what: "candidate index",
                expected: "an index below the population",
            });
        }
        let best = elites.get(..d).ok_or_else(elites_len)?;
        if k == 0 {
            out.iter_mut().zip(best).for_each(|(o, &e)| *o = e);
            return Ok(());
        }
        let mut rng = Rng::new(mix(self.state.seed, self.state.generation, k as u64));
        let j = rng.below(self.cfg.elites as u32) as usize;
        let parent = elites.get(j * d..(j + 1) * d).ok_or_else(elites_len)?;
        rng.fill_normal(out);
        let s = self.state.sigma;
        for (o, &p) in out.iter_mut().zip(parent) {
            *o = p + s * *o;
        }
        Ok(())
    }

    /// Keeps the `elites` fittest of this generation's candidates (higher is
    /// better), best first, and moves to the next generation. `next` is
    /// scratch of the elites' size.
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] for the lengths, [`Error::NonFinite`] in
    /// `fitness`; the elites and the state are unchanged then.
    pub fn tell(
        &mut self,
        elites: &mut [f32],
        fitness: &[f32],
        next: &mut [f32],
    ) -> Result<(), Error> {
        let (n, e) = (self.cfg.population, self.cfg.elites);
        check_len("fitness", n, fitness.len())?;
        check_len("next", elites.len(), next.len())?;
        check_finite("fitness", fitness)?;
        let d = elites.len().checked_div(e).unwrap_or(0);
        check_len("elites", e * d, elites.len())?;
        for (k, &f) in fitness.iter().enumerate() {
            let r = place(fitness, k, f);
            if let (true, Some(slot)) = (r < e, next.get_mut(r * d..(r + 1) * d)) {
                self.candidate(elites, k, slot)?;
            }
        }
        elites.iter_mut().zip(next.iter()).for_each(|(a, &b)| *a = b);
        let c = self.cfg;
        self.state.sigma = (self.state.sigma * c.sigma_decay).max(c.sigma_min);
        self.state.generation += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_rank_fitter_first_and_ties_by_index() {
        let f = [3.0, -1.0, 10.0, 3.0, 0.0];
        let r: [usize; 5] = core::array::from_fn(|k| place(&f, k, f[k]));
        assert_eq!(r, [1, 4, 0, 2, 3]);
    }

    /// Candidates against the definition recomputed here: elite 0 as is, the
    /// others a drawn elite plus σ times the same stream's normals.
    #[test]
    fn candidates_follow_the_definition() {
        let cfg = GaConfig { population: 6, elites: 3, sigma: 0.5, ..GaConfig::default() };
        let ga = SimpleGa::new(cfg, 9).unwrap();
        let elites: [f32; 6] = [1.0, 2.0, 10.0, 20.0, 100.0, 200.0];
        let mut out = [0.0f32; 2];
        ga.candidate(&elites, 0, &mut out).unwrap();
        assert_eq!(out, [1.0, 2.0]);
        for k in 1..6 {
            ga.candidate(&elites, k, &mut out).unwrap();
            let mut rng = Rng::new(mix(9, 0, k as u64));
            let j = rng.below(3) as usize;
            let (a, b) = (rng.normal(), rng.normal());
            assert_eq!(out, [elites[2 * j] + 0.5 * a, elites[2 * j + 1] + 0.5 * b], "k {k}");
        }
    }

    #[test]
    fn tell_keeps_the_fittest_best_first() {
        let cfg = GaConfig { population: 4, elites: 2, sigma: 0.1, ..GaConfig::default() };
        let mut ga = SimpleGa::new(cfg, 3).unwrap();
        let mut elites = [0.0f32; 6];
        ga.init(&[1.0, 2.0, 3.0], &mut elites).unwrap();
        let cands: [[f32; 3]; 4] = core::array::from_fn(|k| {
            let mut c = [0.0; 3];
            ga.candidate(&elites, k, &mut c).unwrap();
            c
        });
        let mut next = [0.0f32; 6];
        ga.tell(&mut elites, &[1.0, 5.0, -2.0, 5.0], &mut next).unwrap();
        assert_eq!(&elites[..3], &cands[1]);
        assert_eq!(&elites[3..], &cands[3]);
        assert_eq!(ga.state().generation, 1);
        assert!((ga.state().sigma - 0.0999).abs() < 1e-7);
    }

    #[test]
    fn maximises_a_quadratic() {
        let c: [f32; 8] = core::array::from_fn(|i| i as f32 * 0.4 - 1.5);
        let loss = |t: &[f32]| -> f32 { t.iter().zip(&c).map(|(a, b)| (a - b) * (a - b)).sum() };
        let cfg = GaConfig {
            population: 40,
            elites: 10,
            sigma: 0.3,
            sigma_decay: 0.98,
            sigma_min: 0.001,
        };
        let mut ga = SimpleGa::new(cfg, 5).unwrap();
        let mut elites = [0.0f32; 80];
        let mut next = [0.0f32; 80];
        ga.init(&[0.0; 8], &mut elites).unwrap();
        let start = loss(&elites[..8]);
        let (mut fit, mut cand) = ([0.0f32; 40], [0.0f32; 8]);
        for _ in 0..200 {
            for (k, f) in fit.iter_mut().enumerate() {
                ga.candidate(&elites, k, &mut cand).unwrap();
                *f = -loss(&cand);
            }
            ga.tell(&mut elites, &fit, &mut next).unwrap();
        }
        let end = loss(&elites[..8]);
        assert!(end < 1e-3 * start, "loss {start} -> {end}");
    }

    #[test]
    fn bad_inputs_change_nothing() {
        for bad in [
            GaConfig { population: 1, elites: 1, ..GaConfig::default() },
            GaConfig { elites: 0, ..GaConfig::default() },
            GaConfig { elites: 65, ..GaConfig::default() },
            GaConfig { sigma: f32::NAN, ..GaConfig::default() },
            GaConfig { sigma_decay: 1.5, ..GaConfig::default() },
        ] {
            assert!(SimpleGa::new(bad, 0).is_err(), "{bad:?}");
        }
        let cfg = GaConfig { population: 4, elites: 2, ..GaConfig::default() };
        let mut ga = SimpleGa::new(cfg, 1).unwrap();
        let mut elites = [0.5f32; 4];
        let mut next = [0.0f32; 4];
        let before = elites;
        assert!(ga.tell(&mut elites, &[0.0, f32::NAN, 1.0, 2.0], &mut next).is_err());
        assert!(ga.tell(&mut elites, &[0.0; 3], &mut next).is_err());
        assert!(ga.tell(&mut elites, &[0.0; 4], &mut next[..3]).is_err());
        assert_eq!(elites, before);
        assert_eq!(ga.state().generation, 0);
        let mut out = [0.0f32; 2];
        assert!(ga.candidate(&elites, 4, &mut out).is_err());
        assert!(ga.candidate(&elites[..3], 1, &mut out).is_err());
        assert!(ga.init(&[f32::INFINITY, 0.0], &mut elites).is_err());
        assert!(SimpleGa::from_state(cfg, GaState { sigma: -1.0, generation: 0, seed: 0 }).is_err());
    }
}
