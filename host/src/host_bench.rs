//! Host timings with criterion, the ecosystem's benchmark harness: every
//! self-test case as a criterion benchmark. `cargo bench -p plasticore-host`
//! runs them (`benches/kernels.rs`, full statistics and history under
//! `target/criterion`), and `plasticore bench` takes the host columns of the
//! report from the same benchmarks, with shorter settings.

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use criterion::Criterion;
use plasticore_selftest::{cases, Meter};

use crate::report::CaseKey;

/// The benchmark id of case `i`: its number, kernel and shape in the
/// characters criterion keeps as they are in a directory name.
pub fn case_id(i: usize, kernel: &str, shape: &str) -> String {
    format!("{i:03}-{kernel}-{shape}")
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || "._-".contains(c) { c } else { '_' })
        .take(60)
        .collect()
}

/// A self-test meter that hands the kernel to criterion.
struct CriterionMeter<'c> {
    c: &'c mut Criterion,
    id: &'c str,
}

impl Meter for CriterionMeter<'_> {
    fn measure(&mut self, kernel: &mut dyn FnMut()) {
        self.c.bench_function(self.id, |b| b.iter(&mut *kernel));
    }
}

/// Runs every self-test case as a criterion benchmark; returns each case's
/// key with its benchmark id.
pub fn bench_cases(c: &mut Criterion) -> Vec<(CaseKey, String)> {
    cases()
        .iter()
        .enumerate()
        .map(|(i, case)| {
            let id = case_id(i, case.kernel, case.shape);
            (case.run)(&mut CriterionMeter { c, id: &id });
            ((case.kernel.to_string(), case.shape.to_string()), id)
        })
        .collect()
}

/// Host nanoseconds per call of each case: criterion's mean estimate
/// (warm-up 0.2 s, 0.5 s of 20 samples), its files under `dir`.
pub fn host_timings(dir: &Path) -> HashMap<CaseKey, f64> {
    let mut c = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(200))
        .measurement_time(Duration::from_millis(500))
        .nresamples(10_000)
        .without_plots()
        .output_directory(dir);
    bench_cases(&mut c)
        .into_iter()
        .filter_map(|(key, id)| {
            let text = std::fs::read_to_string(dir.join(&id).join("new/estimates.json")).ok()?;
            let v: serde_json::Value = serde_json::from_str(&text).ok()?;
            Some((key, v["mean"]["point_estimate"].as_f64()?))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_kept_by_criterion_as_directory_names() {
        let id = case_id(7, "lsh.index", "query n=128 d=16 L=4 K=8 probes=8");
        assert_eq!(id, "007-lsh.index-query_n_128_d_16_L_4_K_8_probes_8");
        assert!(id.len() <= 60);
    }
}
