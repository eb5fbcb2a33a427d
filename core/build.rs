//! Tells the integer kernels which loop shape suits the target (the results
//! are exact integers, so the shape never changes a bit; see
//! `src/fixed/linalg.rs` and `src/fixed/dsp/`).
fn main() {
    println!(
        "cargo::rustc-check-cfg=cfg(plasticore_arm_dsp, plasticore_mac64, plasticore_arm_fpu, plasticore_armv6m, plasticore_soft_float)"
    );
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=CARGO_ENCODED_RUSTFLAGS");
    let target = std::env::var("TARGET").unwrap_or_default();
    // Arm target features are not visible to `cfg` on stable Rust, so the DSP
    // extension is read from the triple (ARMv7E-M always has it) or, for
    // ARMv8-M mainline where it is optional, from the CPU or feature flags.
    let flags = std::env::var("CARGO_ENCODED_RUSTFLAGS").unwrap_or_default();
    let flags: Vec<&str> = flags.split('\x1f').collect();
    let v8m_dsp = flags.windows(2).any(|w| {
        let f = if w[0] == "-C" { w[1] } else { w[0] };
        let f = f.strip_prefix("-C").unwrap_or(f);
        matches!(f, "target-cpu=cortex-m33" | "target-cpu=cortex-m35p" | "target-cpu=cortex-m55")
            || (f.starts_with("target-feature=") && f.contains("+dsp"))
    });
    // A bare-metal target without the hard-float ABI does its f32 arithmetic
    // in software routines: kernels then prefer integer work on the bits.
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let abi = std::env::var("CARGO_CFG_TARGET_ABI").unwrap_or_default();
    if os == "none" && abi != "eabihf" {
        println!("cargo:rustc-cfg=plasticore_soft_float");
    }
    // A single-precision FPU (hard-float ABI): VSQRT.F32 for `math::sqrt`.
    if (target.starts_with("thumbv7em") || target.starts_with("thumbv8m.main"))
        && target.ends_with("eabihf")
    {
        println!("cargo:rustc-cfg=plasticore_arm_fpu");
    }
    if target.starts_with("thumbv6m") {
        // ARMv6-M (Cortex-M0/M0+): the Q15 dot's loop (src/fixed/armv6m.rs).
        println!("cargo:rustc-cfg=plasticore_armv6m");
    }
    if target.starts_with("thumbv7em") || (target.starts_with("thumbv8m.main") && v8m_dsp) {
        // The DSP extension: SMLALD and SXTB16 (src/fixed/dsp/).
        println!("cargo:rustc-cfg=plasticore_arm_dsp");
    } else if target.starts_with("thumbv7m") || target.starts_with("thumbv8m.main") {
        // 32 × 32 → 64-bit multiply-accumulate (SMLAL) without the DSP extension.
        println!("cargo:rustc-cfg=plasticore_mac64");
    }
}
