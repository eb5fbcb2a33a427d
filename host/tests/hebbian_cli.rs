//! `plasticore evolve`, `simulate` and `run hebbian.update` end to end.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use plasticore_host::npy::{read_npy, write_npy, Array};

fn data(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/hebbian").join(rel)
}

fn plasticore() -> Command {
    Command::cargo_bin("plasticore").unwrap()
}

fn one_line_exit_2(c: &mut Command) -> String {
    let a = c.assert().code(2);
    let err = String::from_utf8(a.get_output().stderr.clone()).unwrap();
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    err
}

#[test]
fn evolve_defaults_then_simulate_json() {
    let dir = tempfile::tempdir().unwrap();
    let blob = dir.path().join("cp.blob");
    plasticore().args(["evolve", "cartpole", "--quiet", "--out"]).arg(&blob).assert().success();
    for ext in ["rs", "svg", "ckpt.json"] {
        assert!(blob.with_extension(ext).exists(), "{ext}");
    }
    let out = plasticore()
        .args(["simulate", "cartpole", "--episodes", "100", "--seed", "7", "--json", "--coeffs"])
        .arg(&blob)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["episodes"], 100);
    assert!(v["mean_return"].as_f64().unwrap() >= 475.0, "{v}");
    assert!(v["min_return"].as_f64().unwrap() <= 500.0);
}

fn simulate_json(args: &[&str], blob: &Path) -> serde_json::Value {
    let out = plasticore()
        .args(["simulate"])
        .args(args)
        .args(["--json", "--coeffs"])
        .arg(blob)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).unwrap()
}

#[test]
fn every_environment_evolves_plastic_and_static_and_simulates_with_changes() {
    let dir = tempfile::tempdir().unwrap();
    for (env, randomize, change) in [
        ("cartpole", "length=0.3:0.7,actuator_sign=-1:1", "length=1"),
        ("acrobot", "link_mass_2=0.8:1.2", "link_mass_2=2"),
        ("pendulum", "m=0.8:1.2", "m=1.5,actuator_sign=-1"),
        ("mountaincar", "power=0.001:0.002", "power=0.0009"),
    ] {
        for st in [false, true] {
            let blob = dir.path().join(format!("{env}{st}.blob"));
            let mut c = plasticore();
            c.args(["evolve", env, "--quiet", "--generations", "2", "--population", "8"])
                .args(["--randomize", randomize, "--out"])
                .arg(&blob);
            if st {
                c.arg("--static");
            }
            c.assert().success();
            let v = simulate_json(&["--episodes", "4", env], &blob);
            assert_eq!(v["env"], env);
            assert_eq!(v["model"], if st { "static" } else { "plastic" });
            let returns: Vec<f64> =
                v["returns"].as_array().unwrap().iter().map(|r| r.as_f64().unwrap()).collect();
            let mean = returns.iter().sum::<f64>() / 4.0;
            assert!((v["mean_return"].as_f64().unwrap() - mean).abs() < 1e-3 * (1.0 + mean.abs()));
            // A change at step 10: the returns before and after add up to the whole.
            let w = simulate_json(
                &["--episodes", "4", "--change-at", "10", "--change-to", change, env],
                &blob,
            );
            let sum = w["mean_return_before_change"].as_f64().unwrap()
                + w["mean_return_after_change"].as_f64().unwrap();
            let whole = w["mean_return"].as_f64().unwrap();
            assert!((sum - whole).abs() < 1e-3 * (1.0 + whole.abs()), "{w}");
            assert_eq!(w["change_at"], 10);
        }
    }
}

#[test]
fn dynamics_specs_are_checked() {
    let blob = data("cartpole_abcd_lr.blob");
    for (flag, spec, needle) in [
        ("--dynamics", "bogus=1", "unknown cartpole dynamics key 'bogus'"),
        ("--dynamics", "length=abc", "expected a finite number"),
        ("--dynamics", "length=-1", "length"),
        ("--dynamics", "actuator_sign=0.5", "actuator_sign"),
        ("--dynamics", "length", "expected key=value"),
        ("--randomize", "length=0.7:0.3", "lo <= hi"),
        ("--randomize", "length=0.3", "expected key=lo:hi"),
        ("--randomize", "m=1:2", "unknown cartpole dynamics key 'm'"),
        ("--dynamics", "actuator_gain=-0.5", "actuator_gain"),
        ("--dynamics", "sensor_bias=inf", "expected a finite number"),
        ("--dynamics", "sensor_noise=-1", "sensor_noise"),
        ("--dynamics", "action_delay=1.5", "action_delay"),
        ("--dynamics", "action_delay=9", "action_delay"),
        ("--randomize", "action_delay=0:2.5", "whole steps"),
        ("--randomize", "sensor_noise=0:-1", "lo <= hi"),
    ] {
        let err = one_line_exit_2(
            plasticore().args(["simulate", "cartpole", flag, spec, "--coeffs"]).arg(&blob),
        );
        assert!(err.contains(needle), "{spec}: {err}");
    }
    let err = one_line_exit_2(plasticore().args([
        "evolve",
        "pendulum",
        "--randomize",
        "length=1:2",
        "--out",
        "/tmp/never.blob",
    ]));
    assert!(err.contains("unknown pendulum dynamics key 'length'"), "{err}");
    // A CartPole blob in another environment names both sizes.
    let err = one_line_exit_2(plasticore().args(["simulate", "acrobot", "--coeffs"]).arg(&blob));
    assert!(err.contains("4 inputs") && err.contains("6 observations"), "{err}");
}

#[test]
fn simulate_rejects_corrupt_and_truncated_blobs() {
    let dir = tempfile::tempdir().unwrap();
    let good = std::fs::read(data("cartpole_abcd_lr.blob")).unwrap();
    let trunc = dir.path().join("t.blob");
    std::fs::write(&trunc, &good[..good.len() - 3]).unwrap();
    let err = one_line_exit_2(plasticore().args(["simulate", "cartpole", "--coeffs"]).arg(&trunc));
    assert!(err.contains("corrupt parameter blob: truncated"), "{err}");
    let mut bad = good.clone();
    bad[100] ^= 4;
    let flip = dir.path().join("f.blob");
    std::fs::write(&flip, &bad).unwrap();
    let err = one_line_exit_2(plasticore().args(["simulate", "cartpole", "--coeffs"]).arg(&flip));
    assert!(err.contains("checksum mismatch"), "{err}");
}

fn case0(name: &str, keep: usize) -> Array {
    let a = read_npy(data(&format!("{name}.npy"))).unwrap();
    let n: usize = a.shape[1..].iter().product();
    let v = a.as_f32().unwrap()[..n].to_vec();
    let mut shape = a.shape[1..].to_vec();
    if keep < usize::MAX {
        // keep only the first `keep` components of the last axis
        let last = *shape.last().unwrap();
        let v2: Vec<f32> = v.chunks(last).flat_map(|c| c[..keep].iter().copied()).collect();
        *shape.last_mut().unwrap() = keep;
        return Array::f32(shape, v2);
    }
    Array::f32(shape, v)
}

#[test]
fn run_hebbian_update_matches_numpy_golden_and_rejects_bad_k() {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(format!("{n}.npy"));
    write_npy(p("w"), &case0("w", usize::MAX)).unwrap();
    write_npy(p("pre"), &case0("pre", usize::MAX)).unwrap();
    write_npy(p("post"), &case0("post", usize::MAX)).unwrap();
    write_npy(p("c5"), &case0("coeffs_synapse", 5)).unwrap();
    write_npy(p("c4"), &case0("coeffs_synapse", 4)).unwrap();
    let inputs = |c: &mut Command, coeffs: &str| {
        c.args(["run", "hebbian.update"]);
        for (k, f) in [("w", "w"), ("pre", "pre"), ("post", "post"), ("coeffs", coeffs)] {
            c.arg("--input").arg(format!("{k}={}", p(f).display()));
        }
    };
    let out = dir.path().join("out.npy");
    let mut c = plasticore();
    inputs(&mut c, "c5");
    c.args(["--param", "rule=ABCD_lr", "--param", "norm=maxabs", "--output"])
        .arg(&out)
        .assert()
        .success();
    let got = read_npy(&out).unwrap();
    // expected[rule 6 = ABCD_lr, sharing 0 = synapse, norm 1 = maxabs, case 0]
    let exp = read_npy(data("expected.npy")).unwrap();
    let nw = 5 * 7;
    let base = ((6 * 3) * 3 + 1) * 6 * nw;
    let want = &exp.as_f32().unwrap()[base..base + nw];
    assert_eq!(got.shape, vec![5, 7]);
    for (g, w) in got.as_f32().unwrap().iter().zip(want) {
        assert!((g - w).abs() < 4e-6, "{g} vs {w}");
    }
    let mut c = plasticore();
    inputs(&mut c, "c4");
    c.args(["--param", "rule=ABCD_lr", "--output"]).arg(dir.path().join("o2.npy"));
    let err = one_line_exit_2(&mut c);
    assert!(err.contains("needs k = 5"), "{err}");
}

#[test]
fn adaptation_writes_table_plot_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let md = dir.path().join("adaptation.md");
    std::fs::write(
        &md,
        "# Head kept\n\nhand-written\n\n<!-- Everything below is generated by `plasticore adaptation`; do not edit. -->\nold\n",
    )
    .unwrap();
    plasticore()
        .args([
            "adaptation",
            "--env",
            "cartpole,pendulum",
            "--generations",
            "2",
            "--population",
            "8",
            "--eval-episodes",
            "4",
            "--seeds",
            "1,2",
            "--out-dir",
        ])
        .arg(dir.path())
        .assert()
        .success();
    let text = std::fs::read_to_string(&md).unwrap();
    assert!(text.starts_with("# Head kept\n\nhand-written\n"), "{text}");
    assert!(!text.contains("\nold\n"));
    for env in ["CartPole-v1", "Pendulum-v1"] {
        assert!(text.contains(&format!("### {env}")), "{text}");
    }
    // Eleven networks per environment (four on nominal dynamics, four
    // randomised, three with either actuator sign), eight conditions each.
    let rows = |prefix: &str| text.lines().filter(|l| l.starts_with(prefix)).count();
    assert_eq!(rows("| ABCD_lr |"), 6, "{text}");
    assert_eq!(rows("| static |"), 6, "{text}");
    assert_eq!(rows("| static, 40 hidden |"), 3, "{text}");
    assert_eq!(rows("| static, 80 hidden |"), 3, "{text}");
    assert_eq!(text.matches("| actuator_sign ±1 |").count(), 6, "{text}");
    // Each environment: three trainings × two static networks.
    assert_eq!(text.matches("- Trained on ").count(), 12);
    for cond in ["actuator_gain=0.5", "sensor_noise=", "sensor_bias=", "action_delay=2"] {
        assert!(
            text.contains(&format!("wins on {cond}"))
                || text.contains(&format!("ties on {cond}"))
                || text.contains(&format!("loses on {cond}")),
            "{cond}"
        );
    }
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("adaptation.json")).unwrap())
            .unwrap();
    assert_eq!(json[0]["rows"].as_array().unwrap().len(), 11);
    assert!(json[0]["rows"][0]["steps"].as_u64().unwrap() > 0);
    let cells = &json[0]["rows"][0]["cells"];
    assert_eq!(cells.as_array().unwrap().len(), 8);
    // Two evolutions × 4 evaluation episodes pooled per cell.
    assert_eq!(cells[0]["episodes"], 8);
    assert!(std::fs::read_to_string(dir.path().join("adaptation.svg")).unwrap().contains("<svg"));
}

/// The keys every environment shares change what they say, from the
/// command line, in every environment: a dead motor, sensor noise drawn
/// per seed, a delay that costs a balancing controller its balance.
#[test]
fn deployment_keys_work_from_the_command_line() {
    let blob = data("cartpole_abcd_lr.blob");
    let blob = blob.as_path();
    let nominal = simulate_json(&["cartpole", "--episodes", "20"], blob);
    assert!(nominal["mean_return"].as_f64().unwrap() >= 475.0, "{nominal}");
    // No force at all: the pole falls as fast as with a random push.
    let dead =
        simulate_json(&["cartpole", "--episodes", "20", "--dynamics", "actuator_gain=0"], blob);
    assert!(dead["mean_return"].as_f64().unwrap() < 100.0, "{dead}");
    // Sensor noise from the seed: the same seeds give the same returns.
    let args = ["cartpole", "--episodes", "20", "--dynamics", "sensor_noise=0.05"];
    let (a, b) = (simulate_json(&args, blob), simulate_json(&args, blob));
    assert_eq!(a["weight_checksums"], b["weight_checksums"]);
    // The plastic weights saw other inputs (the controller still balances).
    assert_ne!(a["weight_checksums"], nominal["weight_checksums"]);
    // A change to a delay half-way, and randomised delays, run in every environment.
    for env in ["cartpole", "acrobot", "pendulum", "mountaincar"] {
        let spec = "action_delay=0:3,sensor_bias=-0.1:0.1,actuator_gain=0.5:1";
        let err = plasticore()
            .args(["simulate", env, "--episodes", "2", "--randomize", spec, "--coeffs"])
            .arg(blob)
            .output()
            .unwrap();
        // The CartPole blob runs only in CartPole; the spec is checked first everywhere.
        let text = String::from_utf8_lossy(&err.stderr);
        assert!(
            env == "cartpole" && err.status.success() || text.contains("inputs"),
            "{env}: {text}"
        );
    }
    let changed = simulate_json(
        &["cartpole", "--episodes", "10", "--change-at", "100", "--change-to", "action_delay=4"],
        blob,
    );
    let before = changed["mean_return_before_change"].as_f64().unwrap();
    assert!((before - 100.0).abs() < 1e-9, "{changed}");
}

/// The committed presets solve Acrobot and MountainCarContinuous with both
/// network kinds from `plasticore evolve ENV` alone; the blob records the
/// normalised inputs, so `simulate` (another process, its own episodes)
/// reproduces the return on 100 unseen seeds. The preset is printed.
#[test]
fn presets_solve_acrobot_and_mountaincar_with_both_network_kinds() {
    let dir = tempfile::tempdir().unwrap();
    for (env, threshold) in [("acrobot", -100.0), ("mountaincar", 90.0)] {
        for kind in [None, Some("--static")] {
            let blob = dir.path().join(format!("{env}{}.blob", kind.unwrap_or("")));
            let a = plasticore()
                .args(["evolve", env, "--out"])
                .arg(&blob)
                .args(kind)
                .assert()
                .success();
            let err = String::from_utf8_lossy(&a.get_output().stderr).to_string();
            assert!(err.contains(&format!("plasticore: {env} ")), "preset line: {err}");
            let v = simulate_json(&[env, "--episodes", "100"], &blob);
            let mean = v["mean_return"].as_f64().unwrap();
            assert!(mean >= threshold, "{env} {kind:?}: {mean}");
        }
    }
    // MountainCar's preset normalises the inputs, and the blob says so.
    let blob = dir.path().join("mountaincar.blob");
    let bytes = std::fs::read(&blob).unwrap();
    let b = plasticore::blob::Blob::parse(&bytes).unwrap();
    assert!(plasticore::hebbian::NetSpec::parse(&b).unwrap().normalized);
}

/// Pendulum's preset (a bias input, the GA; plain ABCD without
/// normalisation for the plastic network) swings both network kinds up and
/// balances them: ≥ −200 on 100 unseen seeds (a swing-up policy scores
/// about −150). The blob records the bias input, the generated Rust says
/// how to run it, and `simulate` runs it.
#[test]
fn the_pendulum_preset_swings_up_both_network_kinds() {
    let dir = tempfile::tempdir().unwrap();
    for kind in [None, Some("--static")] {
        let blob = dir.path().join(format!("pendulum{}.blob", kind.unwrap_or("")));
        let a = plasticore()
            .args(["evolve", "pendulum", "--out"])
            .arg(&blob)
            .args(kind)
            .assert()
            .success();
        let err = String::from_utf8_lossy(&a.get_output().stderr).to_string();
        assert!(err.contains("bias") && err.contains("GA population 64"), "preset line: {err}");
        let v = simulate_json(&["pendulum", "--episodes", "100"], &blob);
        let mean = v["mean_return"].as_f64().unwrap();
        assert!(mean >= -200.0, "pendulum {kind:?}: {mean}");
        let rust = std::fs::read_to_string(blob.with_extension("rs")).unwrap();
        assert!(rust.contains("pub const BIAS_INPUT: bool = true;"), "{rust}");
    }
    let bytes = std::fs::read(dir.path().join("pendulum--static.blob")).unwrap();
    let b = plasticore::blob::Blob::parse(&bytes).unwrap();
    let spec = plasticore::hebbian::StaticNetSpec::parse(&b).unwrap();
    assert!(spec.bias && spec.normalized);
    assert_eq!(spec.topology.sizes(), &[4, 16, 1]);
    // Without the bias input the same search stays far from swinging up.
    let raw = dir.path().join("raw.blob");
    plasticore()
        .args([
            "evolve",
            "pendulum",
            "--static",
            "--bias",
            "false",
            "--generations",
            "100",
            "--out",
        ])
        .arg(&raw)
        .assert()
        .success();
    let raw_mean =
        simulate_json(&["pendulum", "--episodes", "100"], &raw)["mean_return"].as_f64().unwrap();
    assert!(raw_mean < -500.0, "pendulum static without a bias: {raw_mean}");
}

/// A preset setting is overridden by its flag, and a bad `--normalize` value
/// is a usage error.
#[test]
fn preset_settings_are_overridable() {
    let dir = tempfile::tempdir().unwrap();
    let blob = dir.path().join("raw.blob");
    let a = plasticore()
        .args(["evolve", "mountaincar", "--normalize", "false", "--generations", "2", "--out"])
        .arg(&blob)
        .assert()
        .success();
    let err = String::from_utf8_lossy(&a.get_output().stderr).to_string();
    assert!(err.contains("raw inputs") && err.contains("at most 2 generations"), "{err}");
    let bytes = std::fs::read(&blob).unwrap();
    let b = plasticore::blob::Blob::parse(&bytes).unwrap();
    assert!(!plasticore::hebbian::NetSpec::parse(&b).unwrap().normalized);
    let a = plasticore()
        .args(["evolve", "mountaincar", "--normalize", "maybe", "--out"])
        .arg(&blob)
        .assert()
        .code(2);
    assert!(String::from_utf8_lossy(&a.get_output().stderr).contains("--normalize"));
    for (flag, value) in [("--bias", "maybe"), ("--strategy", "cma"), ("--optimizer", "newton")] {
        let a = plasticore()
            .args(["evolve", "cartpole", flag, value, "--out"])
            .arg(&blob)
            .assert()
            .code(2);
        let err = String::from_utf8_lossy(&a.get_output().stderr).to_string();
        assert!(err.lines().next().is_some_and(|l| l.contains(flag)), "{flag}: {err}");
    }
    // Adam is a step of the ES, not of the GA.
    let a = plasticore()
        .args(["evolve", "cartpole", "--strategy", "ga", "--optimizer", "adam", "--out"])
        .arg(&blob)
        .assert()
        .code(2);
    assert!(String::from_utf8_lossy(&a.get_output().stderr).contains("--strategy ga"));
}

/// The adaptive controller flashes what the CartPole preset evolves: with
/// nothing but its training range and seed, `plasticore evolve` writes the
/// committed blobs byte for byte, plastic and static.
#[test]
fn the_adaptive_controller_runs_what_the_cartpole_preset_evolves() {
    let dir = tempfile::tempdir().unwrap();
    let app = Path::new(env!("CARGO_MANIFEST_DIR")).join("../firmware/src/bin/adaptive-controller");
    for (net, flags) in [("plastic", &[][..]), ("static", &["--static"][..])] {
        let out = dir.path().join(format!("{net}.blob"));
        plasticore()
            .args(["evolve", "cartpole", "--quiet", "--seed", "1", "--randomize"])
            .arg("length=0.25:0.75,masspole=0.05:0.2,force_mag=7:13")
            .args(flags)
            .arg("--out")
            .arg(&out)
            .assert()
            .success();
        let want = std::fs::read(app.join(format!("{net}.blob"))).unwrap();
        assert_eq!(std::fs::read(&out).unwrap(), want, "{net}");
    }
}
