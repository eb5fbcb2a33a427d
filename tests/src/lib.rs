//! Helpers shared by the cross-crate tests in `tests/tests/`.
//!
//! Golden data lives in `tests/data/<group>/`, made by the committed
//! `gen_<group>.py` there (NumPy/SciPy); see each script's header to rerun it.
#![deny(missing_docs)]

use std::path::PathBuf;

pub use plasticore_host::npy::{read_npy, Array};

/// `tests/data/<rel>`.
pub fn data(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data").join(rel)
}

/// Loads a float32 golden array: (shape, elements in C order). Panics with the path on failure.
pub fn load_f32(rel: &str) -> (Vec<usize>, Vec<f32>) {
    let a = read_npy(data(rel)).unwrap_or_else(|e| panic!("{e}"));
    let v = a.as_f32().unwrap_or_else(|| panic!("{rel}: not float32")).to_vec();
    (a.shape, v)
}

/// Loads an int32 golden array.
pub fn load_i32(rel: &str) -> (Vec<usize>, Vec<i32>) {
    let a = read_npy(data(rel)).unwrap_or_else(|e| panic!("{e}"));
    let v = a.as_i32().unwrap_or_else(|| panic!("{rel}: not int32")).to_vec();
    (a.shape, v)
}

/// Loads a uint8 golden array.
pub fn load_u8(rel: &str) -> (Vec<usize>, Vec<u8>) {
    let a = read_npy(data(rel)).unwrap_or_else(|e| panic!("{e}"));
    let v = a.as_u8().unwrap_or_else(|| panic!("{rel}: not uint8")).to_vec();
    (a.shape, v)
}

/// Asserts |got − want| ≤ rtol·max(1, |want|) elementwise (and equal lengths).
pub fn assert_close(got: &[f32], want: &[f32], rtol: f32, what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    for (i, (&g, &w)) in got.iter().zip(want).enumerate() {
        let tol = rtol * w.abs().max(1.0);
        assert!((g - w).abs() <= tol || (g == w), "{what}[{i}]: got {g}, want {w} (tol {tol})");
    }
}
