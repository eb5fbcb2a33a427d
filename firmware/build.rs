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
    println!("cargo::rustc-check-cfg=cfg(cmsis_ref, small_flash)");
    // The board's name in the image, zero-padded to 24 bytes (board/mod.rs,
    // tests/on_target.rs): `plasticore firmware exec` reads it.
    let out = PathBuf::from(env::var("OUT_DIR").unwrap());
    let mut name = [0u8; 24];
    name[..board.len()].copy_from_slice(board.as_bytes());
    fs::write(
        out.join("board_name.rs"),
        format!(
            "/// The board's name, zero-padded (`{board}`).\n#[no_mangle]\nstatic PLASTICORE_BOARD: [u8; 24] = {name:?};\n"
        ),
    )
    .unwrap();
    // The micro:bit's 256 KiB of flash: link only the reference cases that fit its 16 KiB of RAM.
    if board == "qemu-microbit" {
        println!("cargo:rustc-cfg=small_flash");
    }
    println!("cargo:rerun-if-env-changed=PLASTICORE_CMSIS_LIB");
    // CMSIS-DSP's reference kernels, compiled for this core by `plasticore bench`.
    if let Some(lib) = env::var_os("PLASTICORE_CMSIS_LIB").map(PathBuf::from) {
        if let (Some(dir), Some(stem)) = (lib.parent(), lib.file_stem()) {
            let name = stem.to_string_lossy();
            println!("cargo:rustc-link-search=native={}", dir.display());
            println!("cargo:rustc-link-lib=static={}", name.strip_prefix("lib").unwrap_or(&name));
            println!("cargo:rustc-cfg=cmsis_ref");
            println!("cargo:rerun-if-changed={}", lib.display());
        }
    }
    // The adaptive controller's coefficients: the committed `plastic.rs`, or
    // the generated Rust of another evolved rule named by PLASTICORE_PLASTIC_RS
    // (`plasticore evolve` writes it beside its blob; Python: `Blob.rust_source()`).
    println!("cargo:rerun-if-env-changed=PLASTICORE_PLASTIC_RS");
    let plastic = env::var_os("PLASTICORE_PLASTIC_RS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("src/bin/adaptive-controller/plastic.rs"));
    println!("cargo:rerun-if-changed={}", plastic.display());
    fs::copy(&plastic, out.join("plastic.rs")).unwrap_or_else(|e| {
        panic!("PLASTICORE_PLASTIC_RS: cannot read {}: {e}", plastic.display())
    });
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
    let src = format!("memory/{board}.x");
    fs::copy(&src, out.join("memory.x")).unwrap();
    // flip-link puts the stack at the bottom of RAM, below the statics: the
    // stack's floor is the memory map's RAM origin.
    let map = fs::read_to_string(&src).unwrap();
    let origin = map
        .lines()
        .find(|l| l.trim_start().starts_with("RAM"))
        .and_then(|l| l.split("ORIGIN").nth(1))
        .and_then(|r| r.split(['=', ',']).nth(1))
        .map(|v| v.trim().to_string())
        .expect("RAM ORIGIN in memory.x");
    fs::write(
        out.join("ram_origin.rs"),
        format!(
            "/// RAM origin of this board's memory map.\npub const RAM_ORIGIN: usize = {origin};\n"
        ),
    )
    .unwrap();
    println!("cargo:rustc-link-search={}", out.display());
}
