//! `plasticore evolve` as a library: the defaults solve CartPole on unseen
//! seeds, a resumed run equals an uninterrupted one, blobs round-trip.

use plasticore_host::evolve::{
    blob_bytes, evolve, mean_return_par, parse_blob, train_seed, validation_seed, EvolveOptions,
};

#[test]
fn defaults_solve_cartpole_on_unseen_seeds() {
    let opts = EvolveOptions::default();
    let r = evolve(&opts, None, false, false).unwrap();
    let seeds: Vec<u64> = (1000..1100).collect();
    let (mean, _) = mean_return_par(&r.sizes, &r.config, &r.coeffs, &seeds).unwrap();
    assert!(mean >= 475.0, "defaults reached only {mean} after {} generations", r.history.len());
    // Round trip through the blob.
    let bytes = blob_bytes(&r.sizes, &r.config, &r.coeffs).unwrap();
    let (s, c, v) = parse_blob(&bytes).unwrap();
    assert_eq!((s, c), (r.sizes.clone(), r.config));
    assert_eq!(v, r.coeffs);
    assert!(parse_blob(&bytes[..bytes.len() - 1]).is_err());
}

#[test]
fn resume_continues_exactly() {
    let dir = std::env::temp_dir().join(format!("plasticore-hebbian-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // With Adam the checkpoint carries its moments and step count too, and
    // with the GA its elites.
    for (optimizer, strategy) in [("sgd", "es"), ("adam", "es"), ("sgd", "ga")] {
        let ck = dir.join(format!("run-{optimizer}-{strategy}.ckpt.json"));
        let opts = EvolveOptions {
            sharing: "neuron".into(),
            population: 8,
            episodes: 2,
            validate_every: 2,
            validate_episodes: 10,
            generations: 6,
            target: 1e9,
            optimizer: optimizer.into(),
            strategy: strategy.into(),
            ..EvolveOptions::default()
        };
        let full = evolve(&opts, None, false, false).unwrap();
        let first = EvolveOptions { generations: 3, ..opts.clone() };
        evolve(&first, Some(&ck), false, false).unwrap();
        let resumed = evolve(&opts, Some(&ck), true, false).unwrap();
        assert_eq!(resumed.history.len(), 6);
        assert_eq!(full.coeffs, resumed.coeffs, "{optimizer} {strategy}");
        // Other options cannot resume this checkpoint.
        let other = EvolveOptions { seed: 99, ..opts.clone() };
        assert!(evolve(&other, Some(&ck), true, false).is_err());
    }
    // The two optimizers take different steps.
    let o = |optimizer: &str| EvolveOptions {
        population: 8,
        episodes: 2,
        generations: 2,
        target: 1e9,
        optimizer: optimizer.into(),
        ..EvolveOptions::default()
    };
    let (a, b) = (
        evolve(&o("sgd"), None, false, false).unwrap(),
        evolve(&o("adam"), None, false, false).unwrap(),
    );
    assert_ne!(a.history[1].mean, b.history[1].mean);
    assert!(evolve(&o("rmsprop"), None, false, false).is_err());
    // The GA searches otherwise again; it takes no ES step, and only es or ga.
    let ga = EvolveOptions { strategy: "ga".into(), ..o("sgd") };
    assert_ne!(evolve(&ga, None, false, false).unwrap().history[1].mean, a.history[1].mean);
    assert!(
        evolve(&EvolveOptions { strategy: "ga".into(), ..o("adam") }, None, false, false).is_err()
    );
    assert!(
        evolve(&EvolveOptions { strategy: "cma".into(), ..o("sgd") }, None, false, false).is_err()
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn evolution_seeds_never_meet_test_seeds() {
    for g in 0..50 {
        for e in 0..10 {
            assert!(train_seed(1, g, e) >= 1 << 63);
        }
    }
    for e in 0..1000 {
        let s = validation_seed(1, e);
        assert!((1 << 62..1 << 63).contains(&s));
    }
}
