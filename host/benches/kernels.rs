//! `cargo bench -p plasticore-host`: every self-test kernel case on the host
//! (criterion), plus SimHash one vector at a time against the batch encoder.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use plasticore::lsh::hyperplane::Hyperplane;
use plasticore::rng::Rng;
use std::hint::black_box;

fn cases(c: &mut Criterion) {
    plasticore_host::host_bench::bench_cases(c);
}

fn simhash(c: &mut Criterion) {
    const N: usize = 4096;
    let mut rng = Rng::new(1);
    let mut xs = vec![[0.0f32; 64]; N];
    xs.iter_mut().for_each(|x| rng.fill_normal(x));
    let h = Hyperplane::<64, 64>::new(7);
    let mut g = c.benchmark_group("simhash d=64 b=64");
    g.throughput(Throughput::Elements(N as u64));
    g.bench_function("one at a time", |b| {
        let mut p = [0.0f32; 64];
        b.iter(|| xs.iter().fold(0u64, |a, x| a ^ h.hash_u64(x, &mut p).unwrap_or(0)))
    });
    let mut codes = vec![0u64; N];
    g.bench_function(format!("batch ({})", plasticore_host::simd::extension()), |b| {
        b.iter(|| plasticore_host::simd::hash_batch_u64(&h, &xs, black_box(&mut codes)))
    });
    g.finish();
}

criterion_group!(benches, cases, simhash);
criterion_main!(benches);
