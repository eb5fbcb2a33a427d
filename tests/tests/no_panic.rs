//! No call into the core can panic, proven at link time.
//!
//! `nopanic/` is a Cortex-M4F image that calls every public function of the
//! core on inputs the optimiser cannot see, with a panic handler that calls a
//! function defined nowhere: it links only if no panic path survives
//! optimisation. Built here at `opt-level = 3` and `"s"`; the test also
//! requires every `pub fn` of the core to be called in it, so the proof keeps
//! up with the API. (At `opt-level = 1` and `"z"` the optimiser keeps some
//! unreachable checks it cannot prove, so those levels are not claimed.)

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root").to_path_buf()
}

fn build(opt: &str, dir: &str) {
    let root = root();
    let out = Command::new(env!("CARGO"))
        .current_dir(root.join("nopanic"))
        .args(["build", "--release", "--config"])
        .arg(format!("profile.release.opt-level={opt}"))
        .env("CARGO_TARGET_DIR", root.join("nopanic/target").join(dir))
        .env_remove("RUSTFLAGS")
        .output()
        .expect("run cargo");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "the no-panic image does not link at opt-level {opt}: a panic is reachable.\n\
         Find it with: cd nopanic && cargo build --release --features diagnose \
         --config 'profile.release.opt-level={opt}' && python3 panic_callers.py \
         target/thumbv7em-none-eabihf/release/plasticore-nopanic\n{stderr}"
    );
}

#[test]
fn no_panic_is_reachable_at_opt_level_3() {
    build("3", "o3");
}

#[test]
fn no_panic_is_reachable_at_opt_level_s() {
    build("\"s\"", "os");
}

/// Every `pub fn` (and `pub const fn`) name in the core's sources.
fn public_fns(dir: &Path, names: &mut BTreeSet<String>) {
    for e in std::fs::read_dir(dir).expect("read core/src") {
        let p = e.expect("entry").path();
        if p.is_dir() {
            public_fns(&p, names);
            continue;
        }
        let src = std::fs::read_to_string(&p).expect("read source");
        // Test modules come last in each file; their helpers are not API.
        let api = src.split("#[cfg(test)]").next().unwrap_or("");
        for line in api.lines() {
            let l = line.trim_start();
            let rest = l.strip_prefix("pub fn ").or_else(|| l.strip_prefix("pub const fn "));
            if let Some(rest) = rest {
                let name: String =
                    rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                names.insert(name);
            }
        }
    }
}

#[test]
fn the_check_calls_every_public_function() {
    let root = root();
    let mut names = BTreeSet::new();
    public_fns(&root.join("core/src"), &mut names);
    assert!(names.len() > 150, "found {} public functions", names.len());
    let mut check = String::new();
    for e in std::fs::read_dir(root.join("nopanic/src")).expect("read nopanic/src") {
        let p = e.expect("entry").path();
        if p.extension().is_some_and(|x| x == "rs") {
            check += &std::fs::read_to_string(&p).expect("read check");
        }
    }
    let missing: Vec<_> = names
        .iter()
        .filter(|n| {
            ![format!("{n}("), format!("{n}::<"), format!("::{n}")]
                .iter()
                .any(|pat| check.contains(pat.as_str()))
        })
        .collect();
    assert!(missing.is_empty(), "nopanic/src does not call: {missing:?}");
    eprintln!("{} public function names covered", names.len());
}
