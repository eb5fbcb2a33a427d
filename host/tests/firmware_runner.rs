//! `cargo run` in `firmware/`: the runner in `firmware/.cargo/config.toml`
//! hands the ELF to `plasticore firmware exec`, which reads the board from
//! the image, boots it under QEMU and prints the decoded defmt log.

use std::path::Path;
use std::process::Command;

fn firmware_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../firmware")
}

#[test]
fn the_firmware_runner_is_firmware_exec_for_every_target() {
    let config = std::fs::read_to_string(firmware_dir().join(".cargo/config.toml")).unwrap();
    for triple in [
        "thumbv7em-none-eabihf",
        "thumbv7m-none-eabi",
        "thumbv6m-none-eabi",
        "thumbv8m.main-none-eabihf",
        "riscv32imc-unknown-none-elf",
    ] {
        let section = config
            .split(&format!("[target.{triple}]"))
            .nth(1)
            .unwrap_or_else(|| panic!("no [target.{triple}]"));
        let runner = section.lines().find(|l| l.starts_with("runner")).unwrap();
        assert!(runner.contains("-- firmware exec"), "{triple}: {runner}");
    }
}

#[test]
fn cargo_run_in_firmware_prints_the_decoded_log() {
    // The runner's command with this test's own `plasticore` binary (the
    // configured one builds the same binary through cargo).
    let runner = format!("{} firmware exec", env!("CARGO_BIN_EXE_plasticore"));
    let out = Command::new(env!("CARGO"))
        .args(["run", "--release", "--bin", "adaptive-controller"])
        .current_dir(firmware_dir())
        .env("CARGO_TARGET_THUMBV7EM_NONE_EABIHF_RUNNER", runner)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    // Decoded text, not defmt's binary frames.
    assert!(stdout.starts_with("app|adaptive-controller|qemu-mps2-an386|Cortex-M4F"), "{stdout}");
    assert!(stdout.contains("\nsummary|plastic|200.0|300.0\n"), "{stdout}");
}

#[test]
fn exec_rejects_an_image_that_is_not_ours() {
    let dir = tempfile::tempdir().unwrap();
    let bogus = dir.path().join("x.elf");
    std::fs::write(&bogus, b"not an elf").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_plasticore"))
        .args(["firmware", "exec"])
        .arg(&bogus)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("not an ELF"), "{err}");
}
