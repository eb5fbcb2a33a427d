//! Tells the integer kernels which loop shape the target's compiler turns into
//! its best multiply-accumulate (the results are exact integers, so the shape
//! never changes a bit; see `src/fixed/linalg.rs`).
fn main() {
    println!("cargo::rustc-check-cfg=cfg(plasticore_arm_dsp, plasticore_mac64)");
    let target = std::env::var("TARGET").unwrap_or_default();
    if target.starts_with("thumbv7em") {
        // ARMv7E-M DSP extension: LLVM's ParallelDSP pass pairs 16-bit products into SMLALD.
        println!("cargo:rustc-cfg=plasticore_arm_dsp");
    } else if target.starts_with("thumbv7m") || target.starts_with("thumbv8m.main") {
        // 32 × 32 → 64-bit multiply-accumulate (SMLAL) without the DSP extension.
        println!("cargo:rustc-cfg=plasticore_mac64");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
