//! The on-target unit tests (`firmware/tests/on_target.rs`, defmt-test): the
//! core's kernels checked against closed-form values on the emulated
//! Cortex-M4F and Cortex-M3, through `cargo test` in `firmware/` with its runner
//! (`plasticore firmware exec`, QEMU, defmt decoded). And the other way
//! round: an on-target assertion that fails makes that `cargo test` fail.

use std::process::{Command, Output};

use plasticore_host::firmware;

/// `cargo test --release --test on_target` in `firmware/` (default board:
/// qemu-mps2-an386), with `extra` arguments.
fn cargo_test_on_target(extra: &[&str]) -> (Output, String) {
    firmware::ensure_flip_link().expect("flip-link");
    let out = Command::new(env!("CARGO"))
        .current_dir(firmware::firmware_dir())
        .args(["test", "--release", "--test", "on_target"])
        .args(extra)
        // The outer `cargo test`'s settings are not the firmware's.
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("RUSTFLAGS")
        .output()
        .expect("running cargo test in firmware/");
    let text =
        format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out, text)
}

/// The on-target tests, each in order, and the harness's verdict.
fn assert_all_passed(out: &Output, text: &str) {
    assert!(out.status.success(), "on-target tests failed:\n{text}");
    // Every test ran, in order, and the harness reported success.
    for (i, name) in [
        "f32_dot_is_exact_on_integers",
        "f32_dot_and_matvec_in_the_documented_order",
        "q15_dot_closed_forms_every_length",
        "q7_dot_closed_forms_every_length",
        "dots_at_every_offset_in_a_word",
        "quantize_rounds_ties_to_even_at_every_offset_and_length",
        "dequantize_q15_is_exact_at_every_offset_and_length",
        "q15_matvec_at_both_offsets_of_x",
        "q15_matvec_rounds_half_up_and_saturates",
        "q15_matvec_every_shape_and_shift",
        "q7_matvec_every_width_and_shift",
        "shape_errors_leave_output_untouched",
        "lsh_index_finds_what_it_stored",
        "lsh_index_with_planes_in_flash",
        "q15_quantize_round_trips",
        "sqrt_is_correctly_rounded",
        "q15_hebbian_update_equals_the_formula",
    ]
    .iter()
    .enumerate()
    {
        let line = format!("({}/17) running `{name}`...", i + 1);
        assert!(text.contains(&line), "missing `{line}` in:\n{text}");
    }
    assert!(text.contains("all tests passed!"), "{text}");
}

#[test]
fn on_target_tests_pass_on_the_emulated_cortex_m4f() {
    let (out, text) = cargo_test_on_target(&[]);
    assert_all_passed(&out, &text);
}

/// The Cortex-M3 runs the other integer loops (`fixed::mac64`) and soft float.
#[test]
fn on_target_tests_pass_on_the_emulated_cortex_m3() {
    let (out, text) = cargo_test_on_target(&[
        "--no-default-features",
        "--features",
        "qemu-mps2-an385",
        "--target",
        "thumbv7m-none-eabi",
    ]);
    assert_all_passed(&out, &text);
}

#[test]
fn a_failing_on_target_assertion_fails_cargo_test() {
    let (out, text) = cargo_test_on_target(&["--features", "on-target-fail"]);
    assert!(!out.status.success(), "expected failure:\n{text}");
    assert!(text.contains("running `fails_on_purpose`"), "{text}");
    assert!(text.contains("left: `4`") && text.contains("right: `5`"), "{text}");
    assert!(!text.contains("all tests passed!"), "{text}");
}
