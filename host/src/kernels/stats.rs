//! `stats.*` kernels: KL divergence, moving averages, per-capita rates.

use plasticore::stats;

use super::{core_err, input, param, Call, Kernel};
use crate::npy::{Array, DType::F32};

/// The stats kernels.
pub fn kernels() -> Vec<Kernel> {
    vec![
        Kernel {
            name: "stats.kl",
            summary: "KL divergence sum_i p_i ln(p_i/q_i) (0 ln 0 = 0; +inf where p > 0 = q; negative entries rejected; no normalisation)",
            inputs: vec![input("p", F32, "n"), input("q", F32, "n")],
            params: vec![],
            output: "float32 [] (a scalar)",
            run: kl,
        },
        Kernel {
            name: "stats.moving_average",
            summary: "mean of each full window (pandas rolling(window).mean() without the leading NaNs)",
            inputs: vec![input("x", F32, "n")],
            params: vec![param("window", None, "samples per window, 1 <= window <= n")],
            output: "float32 [n - window + 1]",
            run: moving_average,
        },
        Kernel {
            name: "stats.per_capita",
            summary: "7-day average of daily counts per `per` people; the first 6 days are NaN",
            inputs: vec![input("counts", F32, "t,s"), input("population", F32, "s")],
            params: vec![param("per", Some("100000"), "rate scale, > 0")],
            output: "float32 [t, s]",
            run: per_capita,
        },
    ]
}

fn kl(c: &Call) -> Result<Array, String> {
    let v = stats::kl(c.f32("p"), c.f32("q")).map_err(core_err("stats.kl"))?;
    Ok(Array::f32(vec![], vec![v]))
}

fn moving_average(c: &Call) -> Result<Array, String> {
    let x = c.f32("x");
    let w: usize = c.param("window")?;
    let len = x.len().checked_sub(w).map_or(0, |r| r + 1);
    let mut out = vec![0.0; len];
    stats::moving_average(x, w, &mut out).map_err(core_err("stats.moving_average"))?;
    Ok(Array::f32(vec![len], out))
}

fn per_capita(c: &Call) -> Result<Array, String> {
    let counts = c.f32("counts");
    let per: f32 = c.param("per")?;
    let mut out = vec![0.0; counts.len()];
    stats::per_capita_7day(counts, c.f32("population"), per, &mut out)
        .map_err(core_err("stats.per_capita"))?;
    Ok(Array::f32(c.shape("counts").to_vec(), out))
}
