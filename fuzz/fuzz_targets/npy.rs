//! The `.npy` reader on hostile bytes: never a panic; what it accepts writes
//! back to a file it reads as the same array.
#![no_main]

use libfuzzer_sys::fuzz_target;
use plasticore_host::npy::{parse_npy, to_npy_bytes};

fuzz_target!(|data: &[u8]| {
    if let Ok(a) = parse_npy(data) {
        assert_eq!(a.shape.iter().product::<usize>(), a.len());
        let bytes = to_npy_bytes(&a).expect("an array read encodes");
        let again = parse_npy(&bytes).expect("a written array reads back");
        assert_eq!(again.shape, a.shape);
        assert_eq!(format!("{:?}", again.data), format!("{:?}", a.data));
    }
});
