//! Puts the selected board's memory map where cortex-m-rt's link.x finds it.
use std::{env, fs, path::PathBuf};

fn main() {
    let board = if env::var_os("CARGO_FEATURE_NRF52840_DK").is_some() {
        "nrf52840-dk"
    } else {
        "qemu-mps2-an386"
    };
    let out = PathBuf::from(env::var("OUT_DIR").unwrap());
    let src = format!("memory/{board}.x");
    fs::copy(&src, out.join("memory.x")).unwrap();
    println!("cargo:rustc-link-search={}", out.display());
    println!("cargo:rerun-if-changed=memory");
    println!("cargo:rerun-if-changed=build.rs");
}
