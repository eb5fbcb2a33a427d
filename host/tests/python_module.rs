//! The Python module inside `cargo test`: builds `python/` into a virtual
//! environment (`target/python-venv`, made on first use) exactly as a user
//! does — `pip install ./python` — with NumPy, pytest and Ray, then runs its
//! pytest suite against this build of the CLI. The suite compares the module
//! with the CLI, the board's self-test checksums and NumPy references, and
//! runs the Ray driver on a local two-CPU Ray. A Python without `venv`, a
//! failed install, a failing or a skipped test fails this test.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root").to_path_buf()
}

fn run(cmd: &mut Command, what: &str) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{what}: cannot start: {e}"));
    let text =
        format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{what} failed:\n{text}");
    text
}

#[test]
fn python_module_passes_its_suite() {
    let root = root();
    let venv = root.join("target/python-venv");
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    let py = venv.join("bin/python");
    if !py.exists() {
        run(
            Command::new(&python).args(["-m", "venv"]).arg(&venv),
            "creating the virtual environment (Debian: apt-get install python3-venv)",
        );
    }
    run(
        Command::new(&py).args([
            "-m",
            "pip",
            "install",
            "-q",
            "--disable-pip-version-check",
            "numpy",
            "pytest",
            "ray",
            "gymnasium",
        ]),
        "pip install numpy pytest ray gymnasium",
    );
    // The documented install, built in its own target directory (the
    // extension links against this Python; the workspace's builds do not).
    run(
        Command::new(&py)
            .args([
                "-m",
                "pip",
                "install",
                "-q",
                "--disable-pip-version-check",
                "--force-reinstall",
                "--no-deps",
            ])
            .arg(root.join("python"))
            .env("CARGO_TARGET_DIR", root.join("target/python")),
        "pip install ./python",
    );
    let out = run(
        Command::new(&py)
            .args(["-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider"])
            .arg(root.join("python/tests"))
            .current_dir(&root)
            .env("PLASTICORE_BIN", env!("CARGO_BIN_EXE_plasticore")),
        "pytest python/tests",
    );
    println!("{out}");
    let summary = out.lines().last().unwrap_or_default();
    assert!(
        summary.contains(" passed") && !summary.contains("skipped") && !summary.contains("failed"),
        "pytest summary: {summary}"
    );
}
