//! Golden tests of the LSH hash families against the NumPy reference written
//! by tests/data/lsh/gen_lsh.py (rerun: `python3 tests/data/lsh/gen_lsh.py`).
//! Each case follows the `plasticore run lsh.*` contract of issue 3.

use plasticore::lsh::angular::angular_hash;
use plasticore::lsh::binary::{bitsample, syndrome};
use plasticore::lsh::crosspolytope::crosspolytope_bucket;
use plasticore::lsh::hyperplane::{code_bytes, hyperplane_hash};
use plasticore_host::npy::{read_npy, Array};

fn load(name: &str) -> Array {
    let p = format!("{}/data/lsh/{name}.npy", env!("CARGO_MANIFEST_DIR"));
    read_npy(&p).unwrap_or_else(|e| panic!("{p}: {e}"))
}

#[test]
fn hyperplane_matches_numpy_packbits_little() {
    let (x, planes, want) = (load("hp_x"), load("hp_planes"), load("hp_codes"));
    let (n, d) = (x.shape[0], x.shape[1]);
    let b = planes.shape[1];
    assert_eq!(planes.shape[0], d);
    let nb = code_bytes(b);
    assert_eq!(want.shape, vec![n, nb]);
    let (xs, ps, ws) = (x.as_f32().unwrap(), planes.as_f32().unwrap(), want.as_u8().unwrap());
    let mut proj = vec![0.0; b];
    let mut code = vec![0u8; nb];
    for i in 0..n {
        hyperplane_hash(&xs[i * d..(i + 1) * d], ps, &mut proj, &mut code).unwrap();
        assert_eq!(code, &ws[i * nb..(i + 1) * nb], "row {i}");
    }
}

#[test]
fn angular_matches_numpy_argmax() {
    let (x, rot, want) = (load("ang_x"), load("ang_rot"), load("ang_buckets"));
    let (n, d) = (x.shape[0], x.shape[1]);
    let (rounds, half) = (rot.shape[1], rot.shape[2]);
    assert_eq!(rot.shape[0], d);
    let (xs, rs, ws) = (x.as_f32().unwrap(), rot.as_f32().unwrap(), want.as_i32().unwrap());
    let mut b = vec![0u32; rounds];
    for i in 0..n {
        angular_hash(&xs[i * d..(i + 1) * d], rs, rounds, half, &mut b).unwrap();
        let got: Vec<i32> = b.iter().map(|&v| v as i32).collect();
        assert_eq!(got, &ws[i * rounds..(i + 1) * rounds], "row {i}");
    }
}

#[test]
fn crosspolytope_matches_numpy_hadamard() {
    let (x, signs, want) = (load("cp_x"), load("cp_signs"), load("cp_buckets"));
    let (n, d) = (x.shape[0], x.shape[1]);
    let dp = signs.shape[1];
    let (xs, ss, ws) = (x.as_f32().unwrap(), signs.as_f32().unwrap(), want.as_i32().unwrap());
    let mut y = vec![0.0; dp];
    for i in 0..n {
        let got = crosspolytope_bucket(&xs[i * d..(i + 1) * d], ss, dp, &mut y).unwrap();
        assert_eq!(got as i32, ws[i], "row {i}");
    }
}

#[test]
fn bitsample_matches_numpy_unpackbits() {
    let (x, pos, want) = (load("bs_x"), load("bs_pos"), load("bs_codes"));
    let bytes = x.shape[1];
    let pos: Vec<u32> = pos.as_i32().unwrap().iter().map(|&p| p as u32).collect();
    let (xs, ws) = (x.as_u8().unwrap(), want.as_i32().unwrap());
    for (i, w) in ws.iter().enumerate() {
        let got = bitsample(&xs[i * bytes..(i + 1) * bytes], &pos).unwrap();
        assert_eq!(got as i32, *w, "row {i}");
    }
}

#[test]
fn syndrome_matches_numpy_parity() {
    let (x, h, want) = (load("syn_x"), load("syn_h"), load("syn_codes"));
    let bytes = x.shape[1];
    assert_eq!(h.shape[1], bytes);
    let (xs, hs, ws) = (x.as_u8().unwrap(), h.as_u8().unwrap(), want.as_i32().unwrap());
    // m = 32 rows: bit 31 set gives a negative i32, as in NumPy's view.
    assert!(ws.iter().any(|&w| w < 0));
    for (i, w) in ws.iter().enumerate() {
        let got = syndrome(&xs[i * bytes..(i + 1) * bytes], hs).unwrap();
        assert_eq!(got as i32, *w, "row {i}");
    }
}
