//! The numerics self-test cases (selftest/src/numerics_cases.rs) pass on the
//! host: each kernel meets its f64 reference at the board sizes. The QEMU test
//! (firmware_qemu.rs) then requires the board's checksums to equal these.

use plasticore_selftest::{cases, NoMeter};

#[test]
fn numerics_cases_pass_on_host() {
    let mine = ["stats.", "loss.", "radioactive.", "tensor."];
    let mut n = 0;
    for c in cases().iter().filter(|c| mine.iter().any(|p| c.kernel.starts_with(p))) {
        let o = (c.run)(&mut NoMeter);
        eprintln!(
            "{} {}: ok={} max_rel_err={:.2e} checksum={:08x} macs={}",
            c.kernel, c.shape, o.ok, o.max_rel_err, o.checksum, c.cost.macs
        );
        assert!(o.ok, "{} {}: max_rel_err {}", c.kernel, c.shape, o.max_rel_err);
        // Deterministic: a second run gives the same bits.
        assert_eq!((c.run)(&mut NoMeter).checksum, o.checksum);
        n += 1;
    }
    assert_eq!(n, 7);
}
