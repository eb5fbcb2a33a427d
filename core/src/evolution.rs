//! The whole evolution loop, with no host: OpenAI-ES ([`crate::es`]) over a
//! parameter vector, generation after generation, in buffers the caller owns,
//! until a validation mean reaches a target. What `plasticore evolve` does on
//! the host with the ES and the plain step, the same bits on a board.
//!
//! Run `seed`, generation `g`:
//! - θ₀ is drawn from U(−0.1, 0.1) by `Rng::new(seed ^ 0x1E17)`;
//! - every candidate `k` runs the episodes [`train_seed`]`(seed, g, e)`,
//!   `e < episodes`; its fitness is the mean return, summed in `f64` in
//!   episode order and rounded to `f32`;
//! - the generation's mean is the `f32` sum of the fitnesses over the
//!   population, its max their maximum; the ES steps θ ([`OpenAiEs::tell`]);
//! - after every `validate_every`-th generation (counted from the start,
//!   or from [`Evolution::resume`]) θ runs the episodes
//!   [`validation_seed`]`(seed, e)`, `e < validate_episodes` (never a
//!   training seed); the best θ so far is kept, and the run is over once a
//!   validation mean reaches `target` or `generations` are done.
//!
//! An episode is the caller's: a closure `(coefficients, seed) → return`,
//! which builds its controller from the coefficients and runs any
//! environment.
//!
//! After deployment a [`Monitor`] watches the returns; when their mean over
//! a window falls below a threshold (the plant changed), the caller goes on
//! evolving from the deployed θ with [`Evolution::resume`].

use crate::error::{check_len, Error};
use crate::es::{EsConfig, EsState, OpenAiEs};
use crate::rng::Rng;

/// The settings of a run: the ES and the evaluation schedule.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Settings {
    /// The evolution strategy (population, σ, learning rate, L2, decays).
    pub es: EsConfig,
    /// Episodes per candidate per generation (≥ 1).
    pub episodes: u32,
    /// Validate θ after every this many generations (≥ 1).
    pub validate_every: u64,
    /// Episodes of a validation (≥ 1).
    pub validate_episodes: u32,
    /// The validation mean return that ends the run.
    pub target: f32,
    /// Generations at most.
    pub generations: u64,
}

/// CartPole from random coefficients on a board (and on the host:
/// `plasticore evolve cartpole --preset on-device`): 32 candidates of 3
/// episodes each, θ validated on 100 episodes every 5 generations until
/// their mean reaches 475; the ES's σ 0.1, learning rate 0.2 and L2 0.005
/// with the default decays. With these, runs 1–6 solved CartPole on the
/// f32 and the Q15 network in at most 20 generations (16 candidates of 2
/// episodes took up to 55 on the Q15 network; 64 of 5, the host's preset,
/// three times the steps).
pub const CARTPOLE_ON_DEVICE: Settings = Settings {
    es: EsConfig { population: 32, ..EsConfig::DEFAULT },
    episodes: 3,
    validate_every: 5,
    validate_episodes: 100,
    target: 475.0,
    generations: 300,
};

/// The buffers of a run, all the caller's: `dim` parameters, `n` candidates.
#[derive(Debug)]
pub struct Buffers<'a> {
    /// θ, the mean of the search distribution (`dim`).
    pub theta: &'a mut [f32],
    /// The best θ by validation (`dim`).
    pub best: &'a mut [f32],
    /// The candidate under evaluation (`dim`).
    pub candidate: &'a mut [f32],
    /// The ES's noise (`dim`).
    pub scratch: &'a mut [f32],
    /// The fitness of each candidate (`n`).
    pub fitness: &'a mut [f32],
    /// Their centred ranks (`n`).
    pub ranks: &'a mut [f32],
}

/// What one generation gave.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Generation {
    /// Its index, from 0.
    pub index: u64,
    /// The mean fitness of the population.
    pub mean: f32,
    /// The best candidate's fitness.
    pub max: f32,
    /// θ's validation mean return, after the generations that validate.
    pub validation: Option<f32>,
}

/// A run of the evolution strategy (see the module docs).
#[derive(Debug)]
pub struct Evolution<'a> {
    settings: Settings,
    es: OpenAiEs,
    seed: u64,
    buf: Buffers<'a>,
    best_validation: Option<f32>,
    reached: bool,
    /// Generations until the next validation (no 64-bit division on a board).
    until_validation: u64,
}

/// Seed of training episode `e` of generation `g` of run `run` (bit 63 set).
pub fn train_seed(run: u64, g: u64, e: u64) -> u64 {
    mix(run ^ 0x5452_4149_4E00_0000, g.wrapping_mul(1_000_003).wrapping_add(e)) | (1 << 63)
}

/// Seed of validation episode `e` of run `run` (bits 63..62 = `01`): never
/// a training seed, nor one of the small seeds of simulations and tests.
pub fn validation_seed(run: u64, e: u64) -> u64 {
    (mix(run ^ 0x5641_4C49_4400_0000, e) & !(3 << 62)) | (1 << 62)
}

/// An episode: the return of the controller built from the coefficients,
/// in an episode with the seed. A trait object, so that the loop is in
/// flash once however many closures call it.
pub type Episode<'a> = dyn FnMut(&[f32], u64) -> Result<f32, Error> + 'a;

/// SplitMix64's finaliser of `a ^ b·φ`.
fn mix(a: u64, b: u64) -> u64 {
    let mut z = a ^ b.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The mean return of `coeffs` over the episodes `seeds` (an `f64` sum in
/// order, rounded to `f32`).
///
/// # Errors
/// The episode's; [`Error::NonFinite`] for a return that is not finite.
pub fn mean_return(
    episode: &mut Episode<'_>,
    coeffs: &[f32],
    seeds: impl Iterator<Item = u64>,
) -> Result<f32, Error> {
    let mut n = 0u64;
    // From −0.0, as `Iterator::sum` starts, so that the host's sums agree.
    let mut sum = -0.0f64;
    for s in seeds {
        let r = episode(coeffs, s)?;
        if !r.is_finite() {
            return Err(Error::NonFinite { what: "episode return", index: n as usize });
        }
        sum += r as f64;
        n += 1;
    }
    Ok((sum / n.max(1) as f64) as f32)
}

impl<'a> Evolution<'a> {
    /// A run from generation 0: θ drawn from `seed` (see the module docs).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for invalid ES settings (as
    /// [`OpenAiEs::new`]), zero episodes or validation cadence, or a target
    /// that is not a number; [`Error::ShapeMismatch`] for buffers of other
    /// lengths than θ's and the population's; [`Error::Empty`] for an empty θ.
    pub fn new(settings: Settings, seed: u64, buf: Buffers<'a>) -> Result<Self, Error> {
        let es = OpenAiEs::new(settings.es, seed)?;
        let run = Evolution::checked(settings, es, seed, buf)?;
        Rng::new(seed ^ 0x1E17).fill_uniform(run.buf.theta, -0.1, 0.1);
        Ok(run)
    }

    /// A run that goes on from the θ already in `buf.theta`, with the ES in
    /// `state` (evolving again after the plant changed; `state.seed` is the
    /// run's seed). The best θ so far is θ, not yet validated; validations
    /// come every `validate_every` generations from here.
    ///
    /// # Errors
    /// As [`Evolution::new`], and as [`OpenAiEs::from_state`];
    /// [`Error::NonFinite`] in θ.
    pub fn resume(settings: Settings, state: EsState, buf: Buffers<'a>) -> Result<Self, Error> {
        crate::error::check_finite("theta", buf.theta)?;
        let es = OpenAiEs::from_state(settings.es, state)?;
        Evolution::checked(settings, es, state.seed, buf)
    }

    fn checked(
        settings: Settings,
        es: OpenAiEs,
        seed: u64,
        buf: Buffers<'a>,
    ) -> Result<Self, Error> {
        if settings.episodes == 0 || settings.validate_every == 0 || settings.validate_episodes == 0
        {
            return Err(Error::InvalidArgument {
                what: "episodes, validate_every, validate_episodes",
                expected: "values >= 1",
            });
        }
        if settings.target.is_nan() {
            return Err(Error::InvalidArgument { what: "target", expected: "a number" });
        }
        let dim = buf.theta.len();
        crate::error::check_nonempty("theta", dim)?;
        check_len("best", dim, buf.best.len())?;
        check_len("candidate", dim, buf.candidate.len())?;
        check_len("scratch", dim, buf.scratch.len())?;
        check_len("fitness", settings.es.population, buf.fitness.len())?;
        check_len("ranks", settings.es.population, buf.ranks.len())?;
        crate::slices::copy(buf.best, buf.theta);
        let until_validation = settings.validate_every;
        Ok(Evolution {
            settings,
            es,
            seed,
            buf,
            best_validation: None,
            reached: false,
            until_validation,
        })
    }

    /// Runs one generation: every candidate's episodes through `episode`,
    /// the ES step, and the validation when one is due.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] once the run is over; the episode's
    /// errors and [`Error::NonFinite`] for a return that is not finite. An
    /// error in a candidate's episodes leaves θ, the ES and the best θ
    /// unchanged; one in the validation keeps the step and the best θ.
    pub fn generation(&mut self, episode: &mut Episode<'_>) -> Result<Generation, Error> {
        if self.is_done() {
            return Err(Error::InvalidArgument { what: "generation", expected: "a run not over" });
        }
        let (s, g) = (self.settings, self.es.state().generation);
        let Buffers { theta, candidate, fitness, .. } = &mut self.buf;
        for (k, f) in fitness.iter_mut().enumerate() {
            self.es.candidate(theta, k, candidate)?;
            let seeds = (0..s.episodes as u64).map(|e| train_seed(self.seed, g, e));
            *f = mean_return(episode, candidate, seeds)?;
        }
        let mean = self.buf.fitness.iter().sum::<f32>() / s.es.population as f32;
        let max = self.buf.fitness.iter().copied().fold(f32::MIN, f32::max);
        self.es.tell(self.buf.theta, self.buf.fitness, self.buf.ranks, self.buf.scratch)?;
        let mut validation = None;
        self.until_validation -= 1;
        if self.until_validation == 0 {
            self.until_validation = s.validate_every;
            let seeds = (0..s.validate_episodes as u64).map(|e| validation_seed(self.seed, e));
            let v = mean_return(episode, self.buf.theta, seeds)?;
            if self.best_validation.is_none_or(|b| v > b) {
                self.best_validation = Some(v);
                crate::slices::copy(self.buf.best, self.buf.theta);
            }
            self.reached = v >= s.target;
            validation = Some(v);
        }
        Ok(Generation { index: g, mean, max, validation })
    }

    /// Whether the run is over: the target reached, or every generation run.
    pub fn is_done(&self) -> bool {
        self.reached || self.es.state().generation >= self.settings.generations
    }
    /// Whether a validation mean reached the target.
    pub fn reached(&self) -> bool {
        self.reached
    }
    /// Generations run.
    pub fn generations_run(&self) -> u64 {
        self.es.state().generation
    }
    /// The current θ.
    pub fn theta(&self) -> &[f32] {
        self.buf.theta
    }
    /// The best θ by validation and its validation mean (θ₀ and `None`
    /// before the first validation).
    pub fn best(&self) -> (&[f32], Option<f32>) {
        (self.buf.best, self.best_validation)
    }
    /// The ES's state, to resume from ([`Evolution::resume`]).
    pub fn state(&self) -> EsState {
        self.es.state()
    }
    /// The settings.
    pub fn settings(&self) -> Settings {
        self.settings
    }
}

/// Watches a deployed controller: once `W` episodes are in, the mean of
/// the last `W` returns (an `f32` sum, oldest first) below the threshold
/// says the plant has changed.
///
/// A ring of `W` returns written through checked indexing (heapless's
/// `HistoryBuf::write` indexes with a bounds check, which would link a
/// panic path into applications that must have none).
#[derive(Debug, Clone)]
pub struct Monitor<const W: usize> {
    returns: [f32; W],
    /// Where the next return goes: the oldest once the ring is full.
    next: usize,
    episodes: u32,
    threshold: f32,
}

impl<const W: usize> Monitor<W> {
    /// A monitor with no episodes yet.
    pub const fn new(threshold: f32) -> Self {
        const { assert!(W > 0, "a window of at least one episode") };
        Monitor { returns: [0.0; W], next: 0, episodes: 0, threshold }
    }

    /// Records an episode's return; true if the window is full and its mean
    /// is below the threshold (a NaN return counts as below).
    pub fn push(&mut self, ret: f32) -> bool {
        if let Some(slot) = self.returns.get_mut(self.next) {
            *slot = ret;
        }
        self.next = (self.next + 1) % W;
        self.episodes = self.episodes.saturating_add(1);
        self.mean().is_some_and(|m| m < self.threshold || m.is_nan())
    }

    /// The mean of the last `W` returns, once there are `W`.
    pub fn mean(&self) -> Option<f32> {
        let (newer, older) = self.returns.split_at_checked(self.next).unwrap_or((&[], &[]));
        let sum = older.iter().chain(newer).sum::<f32>();
        (self.episodes as usize >= W).then_some(sum / W as f32)
    }

    /// Episodes recorded since the start (or [`Monitor::clear`]).
    pub fn episodes(&self) -> u32 {
        self.episodes
    }

    /// Forgets every return (after the controller was replaced).
    pub fn clear(&mut self) {
        *self = Monitor::new(self.threshold);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIM: usize = 3;
    const N: usize = 8;

    fn settings() -> Settings {
        Settings {
            es: EsConfig { population: N, sigma: 0.3, lr: 0.5, l2: 0.0, ..EsConfig::default() },
            episodes: 2,
            validate_every: 2,
            validate_episodes: 4,
            target: -0.05,
            generations: 200,
        }
    }

    struct Bufs([f32; DIM], [f32; DIM], [f32; DIM], [f32; DIM], [f32; N], [f32; N]);

    impl Bufs {
        fn new() -> Self {
            Bufs([0.0; DIM], [0.0; DIM], [0.0; DIM], [0.0; DIM], [0.0; N], [0.0; N])
        }
        fn get(&mut self) -> Buffers<'_> {
            Buffers {
                theta: &mut self.0,
                best: &mut self.1,
                candidate: &mut self.2,
                scratch: &mut self.3,
                fitness: &mut self.4,
                ranks: &mut self.5,
            }
        }
    }

    /// −‖c − (1, −2, 0.5)‖², the seed ignored: a maximum of 0 at the target point.
    fn sphere(c: &[f32], _seed: u64) -> Result<f32, Error> {
        let t = [1.0f32, -2.0, 0.5];
        Ok(-c.iter().zip(t).map(|(a, b)| (a - b) * (a - b)).sum::<f32>())
    }

    #[test]
    fn seeds_never_meet_and_match_their_formula() {
        let mut train = [0u64; 64];
        for (i, t) in train.iter_mut().enumerate() {
            *t = train_seed(1, (i / 8) as u64, (i % 8) as u64);
        }
        for t in train {
            assert_eq!(t >> 63, 1);
        }
        for e in 0..64 {
            let v = validation_seed(1, e);
            assert_eq!(v >> 62, 1);
            assert!(!train.contains(&v));
        }
        // SplitMix64's finaliser evaluated in Python's integers.
        assert_eq!(train_seed(1, 0, 0), 0xa1ad_310d_0592_1bd6);
        assert_eq!(train_seed(1, 7, 3), 0x80b5_a9dc_3378_76ba);
        assert_eq!(validation_seed(1, 0), 0x4883_eadc_1301_41a1);
        assert_eq!(validation_seed(1, 99), 0x76e2_f453_4b3b_d0ca);
    }

    #[test]
    fn climbs_a_sphere_to_its_target_and_keeps_the_best() {
        let mut b = Bufs::new();
        let mut run = Evolution::new(settings(), 7, b.get()).unwrap();
        let mut last = None;
        while !run.is_done() {
            let g = run.generation(&mut sphere).unwrap();
            assert!(g.max >= g.mean);
            last = g.validation.or(last);
        }
        assert!(run.reached(), "not reached in {} generations", run.generations_run());
        let (best, v) = run.best();
        assert_eq!(v, last);
        assert!(v.unwrap() >= -0.05);
        // The best θ's own value is the validation mean (a deterministic episode).
        assert_eq!(sphere(best, 0).unwrap(), v.unwrap());
        assert!(run.generation(&mut sphere).is_err(), "a finished run refuses");
    }

    #[test]
    fn equals_the_es_driven_by_hand() {
        // The same arithmetic written out with OpenAiEs and the seed formulas.
        let s = Settings { target: f32::INFINITY, ..settings() };
        let mut b = Bufs::new();
        let mut run = Evolution::new(s, 3, b.get()).unwrap();
        let mut theta = [0.0f32; DIM];
        Rng::new(3 ^ 0x1E17).fill_uniform(&mut theta, -0.1, 0.1);
        let mut es = OpenAiEs::new(s.es, 3).unwrap();
        let (mut cand, mut fit, mut ranks, mut scratch) =
            ([0.0; DIM], [0.0; N], [0.0; N], [0.0; DIM]);
        let noisy = |c: &[f32], seed: u64| Ok(sphere(c, 0)? + (seed % 1000) as f32 * 1e-3);
        for g in 0..6u64 {
            for (k, f) in fit.iter_mut().enumerate() {
                es.candidate(&theta, k, &mut cand).unwrap();
                let r: f64 =
                    (0..2).map(|e| noisy(&cand, train_seed(3, g, e)).unwrap() as f64).sum();
                *f = (r / 2.0) as f32;
            }
            let mean = fit.iter().sum::<f32>() / N as f32;
            es.tell(&mut theta, &fit, &mut ranks, &mut scratch).unwrap();
            let got = run.generation(&mut { noisy }).unwrap();
            assert_eq!((got.index, got.mean.to_bits()), (g, mean.to_bits()));
            assert_eq!(run.theta(), &theta);
            assert_eq!(got.validation.is_some(), g % 2 == 1);
        }
    }

    #[test]
    fn the_on_device_preset_is_the_es_default_but_for_its_population() {
        let d = EsConfig::default();
        assert_eq!(CARTPOLE_ON_DEVICE.es, EsConfig { population: 32, ..d });
        assert!(OpenAiEs::new(CARTPOLE_ON_DEVICE.es, 0).is_ok());
    }

    #[test]
    fn bad_input_is_refused_and_errors_change_nothing() {
        let mut b = Bufs::new();
        let bad = |f: fn(&mut Settings)| {
            let mut s = settings();
            f(&mut s);
            s
        };
        for s in [
            bad(|s| s.episodes = 0),
            bad(|s| s.validate_every = 0),
            bad(|s| s.validate_episodes = 0),
            bad(|s| s.target = f32::NAN),
            bad(|s| s.es.population = 7),
            bad(|s| s.es.sigma = f32::INFINITY),
        ] {
            assert!(matches!(Evolution::new(s, 1, b.get()), Err(Error::InvalidArgument { .. })));
        }
        let mut short = [0.0f32; N - 1];
        let mut bb = Bufs::new();
        let g = bb.get();
        let buf = Buffers { fitness: &mut short, ..g };
        assert!(matches!(Evolution::new(settings(), 1, buf), Err(Error::ShapeMismatch { .. })));
        let mut run = Evolution::new(settings(), 1, b.get()).unwrap();
        let theta: [f32; DIM] = run.theta().try_into().unwrap();
        let mut nan = |_: &[f32], _: u64| Ok(f32::NAN);
        assert!(matches!(run.generation(&mut nan), Err(Error::NonFinite { .. })));
        let mut fails = |_: &[f32], _: u64| Err(Error::Empty { what: "plant" });
        assert!(run.generation(&mut fails).is_err());
        assert_eq!(run.theta(), &theta);
        assert_eq!(run.generations_run(), 0);
        // Resuming from a NaN θ is refused.
        let mut r = Bufs::new();
        r.0[1] = f32::NAN;
        let st = EsState { sigma: 0.1, lr: 0.1, generation: 4, seed: 1 };
        assert!(matches!(Evolution::resume(settings(), st, r.get()), Err(Error::NonFinite { .. })));
    }

    #[test]
    fn the_monitor_fires_on_the_window_mean_only() {
        let mut m = Monitor::<3>::new(475.0);
        // A single bad episode in a good window does not fire.
        assert!(!m.push(500.0) && !m.push(500.0) && m.mean().is_none());
        assert!(!m.push(430.0), "mean 476.7 >= 475");
        assert!(!m.push(500.0) && !m.push(500.0) && !m.push(500.0));
        assert_eq!(m.mean(), Some(500.0));
        // Three returns of 470, 480, 474: mean 474.67 < 475.
        assert!(!m.push(470.0) && !m.push(480.0));
        assert!(m.push(474.0));
        assert_eq!(m.episodes(), 9);
        m.clear();
        assert_eq!((m.episodes(), m.mean()), (0, None));
        assert!(!m.push(9.0) && !m.push(9.0), "not full: no verdict");
        assert!(m.push(f32::NAN), "NaN counts as below");
    }

    #[test]
    fn resume_goes_on_from_theta_and_the_state() {
        let mut a = Bufs::new();
        let mut run = Evolution::new(settings(), 5, a.get()).unwrap();
        for _ in 0..3 {
            run.generation(&mut sphere).unwrap();
        }
        let (state, theta): (EsState, [f32; DIM]) = (run.state(), run.theta().try_into().unwrap());
        run.generation(&mut sphere).unwrap();
        let want: [f32; DIM] = run.theta().try_into().unwrap();
        let mut b = Bufs::new();
        b.0 = theta;
        let mut again = Evolution::resume(settings(), state, b.get()).unwrap();
        assert_eq!(again.best(), (&theta[..], None));
        again.generation(&mut sphere).unwrap();
        assert_eq!(again.theta(), &want);
    }
}
