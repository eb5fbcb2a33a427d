//! The fixed-point self-test cases (selftest/src/fixed_cases.rs) pass on the
//! host: every integer kernel equals its plain i128 reference exactly at the
//! board sizes. The QEMU test (firmware_qemu.rs) then requires every core's
//! checksums to equal these.

use plasticore_selftest::{cases, NoMeter};

#[test]
fn fixed_cases_pass_on_host() {
    let mut n = 0;
    for c in cases().iter().filter(|c| c.kernel.starts_with("fixed.")) {
        let o = (c.run)(&mut NoMeter);
        eprintln!(
            "{} {}: ok={} checksum={:08x} preview={:?}",
            c.kernel, c.shape, o.ok, o.checksum, o.preview
        );
        assert!(o.ok, "{} {}: max_rel_err {}", c.kernel, c.shape, o.max_rel_err);
        assert_eq!(o.max_rel_err, 0.0, "integer results are exact");
        assert_eq!((c.run)(&mut NoMeter).checksum, o.checksum);
        n += 1;
    }
    assert_eq!(n, 15);
}

#[test]
fn quantised_index_case_passes_on_host() {
    let c =
        cases().iter().find(|c| c.kernel == "lsh.index_i8").expect("the i8 index case is listed");
    let o = (c.run)(&mut NoMeter);
    assert!(o.ok, "max error {}", o.max_rel_err);
    assert_eq!(o.preview[0], 5.0, "the planted neighbour comes first");
}
