//! Host wall-clock figures of full vs LSH attention (timings are not tests):
//!
//!     cargo run --release -p plasticore --example attention_timing
//!
//! 2 heads, d = dv = 32, non-causal; LSH with R = 2 rounds, chunks of 32 and
//! b = max(2, n/32) buckets. Instruction counts on the board come from
//! `plasticore bench`, not from here.

use std::time::Instant;

use plasticore::attention::{
    lsh_attention, lsh_f32_scratch_len, lsh_index_scratch_len, sdpa, LshConfig, LshShape, SdpaShape,
};
use plasticore::rng::Rng;

fn main() {
    let (h, d, rounds, c) = (2usize, 32usize, 2usize, 32usize);
    println!("| n | full [µs] | LSH R=2 [µs] | full / LSH |");
    println!("|---:|---:|---:|---:|");
    for n in [64usize, 128, 256, 512, 1024] {
        let mut rng = Rng::new(1);
        let qk: Vec<f32> = (0..h * n * d).map(|_| rng.normal()).collect();
        let v: Vec<f32> = (0..h * n * d).map(|_| rng.normal()).collect();
        let b = (n / c).max(2);
        let rot: Vec<f32> = (0..d * rounds * b / 2).map(|_| rng.normal()).collect();
        let mut out = vec![0.0f32; h * n * d];
        let reps = (4096 * 64 / n).max(4);
        let shape = SdpaShape { heads: h, n, m: n, d, dv: d };
        let t = Instant::now();
        for _ in 0..reps {
            sdpa(&qk, &qk, &v, shape, false, &mut out).unwrap();
        }
        let full = t.elapsed().as_secs_f64() / reps as f64;
        let mut idx = vec![0u32; lsh_index_scratch_len(n, rounds, b)];
        let mut f = vec![0.0f32; lsh_f32_scratch_len(n)];
        let cfg = LshConfig { rounds, n_buckets: b, bucket_size: c, causal: false };
        let shape = LshShape { heads: h, n, d, dv: d };
        let t = Instant::now();
        for _ in 0..reps {
            lsh_attention(&qk, &v, &rot, shape, cfg, (&mut idx, &mut f), &mut out).unwrap();
        }
        let lsh = t.elapsed().as_secs_f64() / reps as f64;
        println!("| {n} | {:.0} | {:.0} | {:.2} |", full * 1e6, lsh * 1e6, full / lsh);
    }
}
