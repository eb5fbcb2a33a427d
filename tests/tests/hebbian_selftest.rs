//! The Hebbian firmware self-test cases pass on the host (same code as the board).

use plasticore_selftest::hebbian_cases::HEBBIAN_CASES;
use plasticore_selftest::NoMeter;

#[test]
fn hebbian_selftest_cases_pass_on_the_host() {
    for c in HEBBIAN_CASES {
        let o = (c.run)(&mut NoMeter);
        assert!(o.ok, "{} {}: {o:?}", c.kernel, c.shape);
        eprintln!(
            "{:<18} {:<36} {:08x} max rel err {:.1e}",
            c.kernel, c.shape, o.checksum, o.max_rel_err
        );
    }
}
