//! Puts the selected board's memory map where the runtime's link.x finds it
//! (cortex-m-rt and riscv-rt read `memory.x`; esp-hal brings its own).
use std::{env, fs, path::PathBuf};

const BOARDS: &[&str] = &[
    "qemu-mps2-an386",
    "qemu-mps2-an385",
    "qemu-mps2-an500",
    "qemu-mps2-an505",
    "qemu-microbit",
    "qemu-riscv32",
    "nrf52840-dk",
    "rp-pico",
    "esp32c3",
];

fn main() {
    let on: Vec<&str> = BOARDS
        .iter()
        .copied()
        .filter(|b| {
            let var = format!("CARGO_FEATURE_{}", b.to_uppercase().replace('-', "_"));
            env::var_os(var).is_some()
        })
        .collect();
    let board = match on.as_slice() {
        [one] => *one,
        _ => panic!(
            "enable exactly one board feature (found {on:?}); use --no-default-features for any but qemu-mps2-an386"
        ),
    };
    println!("cargo:rerun-if-changed=memory");
    println!("cargo:rerun-if-changed=build.rs");
    // The runtime's linker script (it includes memory.x) and defmt's.
    if board == "esp32c3" {
        println!("cargo:rustc-link-arg=-Tlinkall.x");
        println!("cargo:rustc-link-arg=-Tdefmt.x");
        return;
    }
    println!("cargo:rustc-link-arg=-Tlink.x");
    println!("cargo:rustc-link-arg=-Tdefmt.x");
    let out = PathBuf::from(env::var("OUT_DIR").unwrap());
    let src = format!("memory/{board}.x");
    fs::copy(&src, out.join("memory.x")).unwrap();
    println!("cargo:rustc-link-search={}", out.display());
}
