//! Host timing of hyperplane (SimHash) encoding, d = 64, 64 bits, one thread —
//! the figure `tests/data/lsh/bench_faiss.py` compares with FAISS `IndexLSH`,
//! which it times in the same run. No criterion: a warm-up, then the best of 5 runs.
//!
//! `cargo run --release -p plasticore --example lsh_timing`

use std::hint::black_box;
use std::time::Instant;

use plasticore::lsh::crosspolytope::CrossPolytope;
use plasticore::lsh::hyperplane::{
    hyperplane_hash, Hyperplane, SeededHyperplane, SeededSignHyperplane,
};
use plasticore::rng::Rng;

const N: usize = 20_000;

fn best_ns(mut f: impl FnMut() -> u64) -> f64 {
    black_box(f());
    (0..5)
        .map(|_| {
            let t = Instant::now();
            black_box(f());
            t.elapsed().as_nanos() as f64 / N as f64
        })
        .fold(f64::INFINITY, f64::min)
}

fn main() {
    // `lsh_timing const|slice` runs only that loop 50 times (for `perf stat`).
    let only = std::env::args().nth(1);
    let mut rng = Rng::new(1);
    let mut xs = vec![[0.0f32; 64]; N];
    xs.iter_mut().for_each(|x| rng.fill_normal(x));
    let h = Hyperplane::<64, 64>::new(7);
    let s = SeededHyperplane::<64, 64>::new(7);
    let planes = h.planes.as_flattened().to_vec();

    if let Some(which) = only {
        let (mut p, mut c) = ([0.0f32; 64], [0u8; 8]);
        let mut a = 0u64;
        for _ in 0..50 {
            for x in &xs {
                a ^= if which == "const" {
                    h.hash_u64(x, &mut p).unwrap()
                } else {
                    hyperplane_hash(x, &planes, &mut p, &mut c).unwrap();
                    u64::from_le_bytes(c)
                };
            }
        }
        println!("{which}: {a:x} ({} vectors)", 50 * N);
        return;
    }
    let t_const = best_ns(|| {
        let mut p = [0.0f32; 64];
        xs.iter().fold(0u64, |a, x| a ^ h.hash_u64(x, &mut p).unwrap())
    });
    let t_slice = best_ns(|| {
        let (mut p, mut c) = ([0.0f32; 64], [0u8; 8]);
        xs.iter().fold(0u64, |a, x| {
            hyperplane_hash(x, &planes, &mut p, &mut c).unwrap();
            a ^ u64::from_le_bytes(c)
        })
    });
    let t_seeded = best_ns(|| {
        let mut p = [0.0f32; 64];
        xs.iter().take(N / 20).fold(0u64, |a, x| a ^ s.hash_u64(x, &mut p).unwrap())
    }) * 20.0;
    let ss = SeededSignHyperplane::<64, 64>::new(7);
    let t_sign = best_ns(|| {
        let mut p = [0.0f32; 64];
        xs.iter().fold(0u64, |a, x| a ^ ss.hash_u64(x, &mut p).unwrap())
    });
    let cp = CrossPolytope::<64, 1, 2>::new(3);
    let t_cp = best_ns(|| {
        let mut y = [0.0f32; 64];
        xs.iter().fold(0u64, |a, x| a ^ cp.bucket(x, &mut y).unwrap() as u64)
    });
    println!("hyperplane d=64 b=64, const Hyperplane::hash_u64: {t_const:.0} ns/vector");
    println!("hyperplane d=64 b=64, slice hyperplane_hash:      {t_slice:.0} ns/vector");
    println!("hyperplane d=64 b=64, seeded (regenerated):       {t_seeded:.0} ns/vector");
    println!("hyperplane d=64 b=64, seeded ±1 (regenerated):    {t_sign:.0} ns/vector");
    println!("cross-polytope d=64, 1 round (FWHT):              {t_cp:.0} ns/vector");
}
