//! Collision probabilities of the LSH families, measured with fixed seeds
//! against theory. Every pair gets a fresh hash function (its own seed), so
//! the samples are independent and the binomial σ = √(p(1−p)/N) is exact.
//!
//! `cargo test -p plasticore-tests --test lsh_collision -- --nocapture` prints
//! the tables of docs/lsh.md.

use plasticore::lsh::angular::angular_hash_seeded;
use plasticore::lsh::binary::{sparse_parity_check, syndrome};
use plasticore::lsh::crosspolytope::crosspolytope_bucket_seeded;
use plasticore::lsh::hamming;
use plasticore::lsh::hyperplane::{
    hyperplane_hash_seeded, hyperplane_project_sign_seeded, pack_signs,
};
use plasticore::rng::Rng;

/// Appends measured points to `$CARGO_TARGET_TMPDIR/lsh_curves_<test>.csv`
/// (`family,x,measured,theory`; theory empty where there is no closed form),
/// read by tests/data/lsh/plot_lsh.py for docs/lsh_collisions.png.
fn record(test: &str, rows: &[(String, f64, f64, Option<f64>)]) {
    let path = format!("{}/lsh_curves_{test}.csv", env!("CARGO_TARGET_TMPDIR"));
    let mut s = String::from("family,x,measured,theory\n");
    for (f, x, m, t) in rows {
        let t = t.map(|t| format!("{t}")).unwrap_or_default();
        s.push_str(&format!("{f},{x},{m},{t}\n"));
    }
    std::fs::write(&path, s).unwrap();
}

const ANGLES: [f64; 9] = [10.0, 30.0, 50.0, 70.0, 90.0, 110.0, 130.0, 150.0, 170.0];
const PAIRS: usize = 10_000;

/// A pair of unit vectors in `d` dimensions at angle `deg` (random orientation).
fn pair(rng: &mut Rng, d: usize, deg: f64) -> (Vec<f32>, Vec<f32>) {
    let g = |rng: &mut Rng| (0..d).map(|_| rng.normal() as f64).collect::<Vec<f64>>();
    let norm = |v: &[f64]| v.iter().map(|a| a * a).sum::<f64>().sqrt();
    let mut x = g(rng);
    let nx = norm(&x);
    x.iter_mut().for_each(|a| *a /= nx);
    let mut u = g(rng);
    let p: f64 = u.iter().zip(&x).map(|(a, b)| a * b).sum();
    u.iter_mut().zip(&x).for_each(|(a, b)| *a -= p * b);
    let nu = norm(&u);
    u.iter_mut().for_each(|a| *a /= nu);
    let t = deg.to_radians();
    let y: Vec<f64> = x.iter().zip(&u).map(|(a, b)| t.cos() * a + t.sin() * b).collect();
    (x.iter().map(|&a| a as f32).collect(), y.iter().map(|&a| a as f32).collect())
}

fn sigma(p: f64, n: f64) -> f64 {
    (p * (1.0 - p) / n).sqrt().max(1e-12)
}

#[test]
fn simhash_per_bit_collision_is_one_minus_theta_over_pi() {
    let (d, b) = (16, 16);
    let mut rng = Rng::new(2026);
    let mut rows = Vec::new();
    println!(
        "| θ | 1 − θ/π | SimHash per bit, N(0,1) planes (z) | SimHash per bit, ±1 planes (z) |"
    );
    println!("|---|---|---|---|");
    for (a, &deg) in ANGLES.iter().enumerate() {
        let (mut same, mut same_sign) = (0u64, 0u64);
        for i in 0..PAIRS {
            let (x, y) = pair(&mut rng, d, deg);
            let seed = (a * PAIRS + i) as u64;
            let (mut p, mut cx, mut cy) = (vec![0.0; b], [0u8; 2], [0u8; 2]);
            hyperplane_hash_seeded(&x, seed, &mut p, &mut cx).unwrap();
            hyperplane_hash_seeded(&y, seed, &mut p, &mut cy).unwrap();
            same += b as u64 - hamming(&cx, &cy).unwrap() as u64;
            hyperplane_project_sign_seeded(&x, seed, &mut p).unwrap();
            pack_signs(&p, &mut cx).unwrap();
            hyperplane_project_sign_seeded(&y, seed, &mut p).unwrap();
            pack_signs(&p, &mut cy).unwrap();
            same_sign += b as u64 - hamming(&cx, &cy).unwrap() as u64;
        }
        let n = (PAIRS * b) as f64;
        let want = 1.0 - deg / 180.0;
        let got = same as f64 / n;
        let got_sign = same_sign as f64 / n;
        let z = (got - want) / sigma(want, n);
        let zs = (got_sign - want) / sigma(want, n);
        println!("| {deg}° | {want:.4} | {got:.4} ({z:+.2}) | {got_sign:.4} ({zs:+.2}) |");
        rows.push(("simhash per bit".to_string(), deg, got, Some(want)));
        rows.push(("simhash ±1 planes".to_string(), deg, got_sign, Some(want)));
        assert!(z.abs() < 3.0, "θ = {deg}°: {got} vs {want} (z = {z})");
        assert!(zs.abs() < 3.0, "±1 planes, θ = {deg}°: {got_sign} vs {want} (z = {zs})");
    }
    record("simhash", &rows);
}

/// Collision rates of one-bucket hashes at every angle; asserts a decreasing curve.
fn bucket_curve(name: &str, mut hash: impl FnMut(&[f32], u64) -> u32, d: usize) -> Vec<f64> {
    let mut rng = Rng::new(77);
    let mut out = Vec::new();
    for (a, &deg) in ANGLES.iter().enumerate() {
        let mut same = 0usize;
        for i in 0..PAIRS {
            let (x, y) = pair(&mut rng, d, deg);
            let seed = (a * PAIRS + i) as u64;
            same += (hash(&x, seed) == hash(&y, seed)) as usize;
        }
        out.push(same as f64 / PAIRS as f64);
    }
    println!("{name}: {:?}", out.iter().map(|p| format!("{p:.4}")).collect::<Vec<_>>());
    let n = PAIRS as f64;
    for w in out.windows(2) {
        // Strictly decreasing by more than 3σ of the difference while the
        // probability is resolvable; never increasing by more than 3σ.
        let s = (sigma(w[0], n).powi(2) + sigma(w[1], n).powi(2)).sqrt();
        if w[0] > 0.02 {
            assert!(w[0] - w[1] > 3.0 * s, "{name}: not decreasing: {out:?}");
        } else {
            assert!(w[1] <= w[0] + 3.0 * s, "{name}: increasing: {out:?}");
        }
    }
    out
}

#[test]
fn angular_and_crosspolytope_collision_decrease_with_angle() {
    let d = 16;
    let ang = bucket_curve(
        "angular d=16 b=8",
        |x, seed| {
            let (mut sc, mut b) = ([0.0f32; 4], [0u32; 1]);
            angular_hash_seeded(x, seed, 1, 4, &mut sc, &mut b).unwrap();
            b[0]
        },
        d,
    );
    let cp = bucket_curve(
        "cross-polytope d=16 k=3",
        |x, seed| {
            let mut y = [0.0f32; 16];
            crosspolytope_bucket_seeded(x, seed, 3, &mut y).unwrap()
        },
        d,
    );
    // At θ = 10° both hash nearly always agree; at 90° they rarely do.
    assert!(ang[0] > 0.8 && cp[0] > 0.7);
    assert!(ang[4] < 0.3 && cp[4] < 0.1);
    println!("| θ | 1 − θ/π (1 bit) | angular b=8 | cross-polytope d'=16 (32 buckets) |");
    println!("|---|---|---|---|");
    for (i, deg) in ANGLES.iter().enumerate() {
        println!("| {deg}° | {:.4} | {:.4} | {:.4} |", 1.0 - deg / 180.0, ang[i], cp[i]);
    }
    let mut rows = Vec::new();
    for (i, &deg) in ANGLES.iter().enumerate() {
        rows.push(("angular b=8".to_string(), deg, ang[i], None));
        rows.push(("cross-polytope d'=16".to_string(), deg, cp[i], None));
    }
    record("buckets", &rows);
}

fn choose(n: u64, k: u64) -> f64 {
    if k > n {
        return 0.0;
    }
    (0..k).fold(1.0f64, |c, i| c * (n - i) as f64 / (i + 1) as f64)
}

/// P(a random weight-`w` row of `n` bits meets `t` given bits an even number of times).
fn p_even(n: u64, w: u64, t: u64) -> f64 {
    (0..=w.min(t)).step_by(2).map(|j| choose(t, j) * choose(n - t, w - j)).sum::<f64>()
        / choose(n, w)
}

#[test]
fn syndrome_collision_decreases_with_hamming_distance_as_theory() {
    let (bytes, nbits, m) = (8usize, 64u32, 8usize);
    let ts = [1u32, 2, 4, 8, 16, 32];
    let mut rng = Rng::new(5);
    let mut rows = Vec::new();
    println!("| row weight w | t = 1 | 2 | 4 | 8 | 16 | 32 |");
    println!("|---|---|---|---|---|---|---|");
    for w in [1u32, 2, 4, 8, 32] {
        let mut row = Vec::new();
        let mut prev = 1.0f64;
        for &t in &ts {
            let mut same = 0usize;
            let mut h = vec![0u8; m * bytes];
            for i in 0..PAIRS {
                let seed = ((w as usize * 100 + t as usize) * PAIRS + i) as u64;
                sparse_parity_check(seed, bytes, nbits, w, &mut h).unwrap();
                let x: Vec<u8> = (0..bytes).map(|_| rng.next() as u8).collect();
                let mut y = x.clone();
                // Flip t distinct random bits.
                let mut flipped = 0;
                while flipped < t {
                    let p = rng.below(nbits) as usize;
                    if (y[p / 8] ^ x[p / 8]) >> (p % 8) & 1 == 0 {
                        y[p / 8] ^= 1 << (p % 8);
                        flipped += 1;
                    }
                }
                same += (syndrome(&x, &h).unwrap() == syndrome(&y, &h).unwrap()) as usize;
            }
            let got = same as f64 / PAIRS as f64;
            let want = p_even(nbits as u64, w as u64, t as u64).powi(m as i32);
            let s = sigma(want, PAIRS as f64);
            assert!(
                (got - want).abs() < 3.0 * s + 1e-9,
                "w = {w}, t = {t}: {got} vs {want} (σ = {s})"
            );
            if w <= 8 {
                // Sparse rows are local: collision falls with distance (theory is strictly
                // decreasing here, and the measurement follows it within 3σ above).
                assert!(want < prev, "w = {w}, t = {t}");
            }
            prev = want;
            row.push(format!("{got:.4} ({want:.4})"));
            rows.push((format!("syndrome w={w}"), t as f64, got, Some(want)));
        }
        println!("| {w} | {} |", row.join(" | "));
    }
    record("syndrome", &rows);
    // Dense rows (w = n/2) are anti-local: even t = 1 collides with probability ≈ 2^-m.
    let dense = p_even(64, 32, 1).powi(m as i32);
    assert!((dense - 0.5f64.powi(m as i32)).abs() < 1e-12);
}
