//! The LSH section of docs/benchmarks.md: stored vs seeded projections
//! (instructions and bytes) on the emulated Cortex-M4F, the index, and the
//! host encoding time next to FAISS. Quality figures (collision curves,
//! recall) live in docs/lsh.md.

use std::hint::black_box;
use std::time::Instant;

use plasticore::lsh::hyperplane::Hyperplane;
use plasticore::rng::Rng;

use crate::report::model::Report;

/// Bytes of projections a case keeps: 0 when regenerated from a seed, one bit
/// per sign for cross-polytope, an f32 per parameter otherwise.
fn projection_bytes(kernel: &str, shape: &str, params: u64) -> u64 {
    if shape.contains("seeded") {
        0
    } else if kernel == "lsh.crosspolytope" {
        params / 8
    } else {
        params * 4
    }
}

/// Vectors encoded per timed run.
const N_ENCODE: usize = 20_000;

/// The encoding benchmark's inputs: 20 000 Gaussian vectors and the planes.
fn encode_inputs() -> (Vec<[f32; 64]>, Hyperplane<64, 64>) {
    let mut rng = Rng::new(1);
    let mut xs = vec![[0.0f32; 64]; N_ENCODE];
    xs.iter_mut().for_each(|x| rng.fill_normal(x));
    (xs, Hyperplane::<64, 64>::new(7))
}

/// Ns per vector of `encode_all` (which encodes all [`N_ENCODE`] vectors):
/// best of 5 runs after one warm-up.
fn best_of_5_ns(mut encode_all: impl FnMut()) -> f64 {
    (0..6)
        .map(|_| {
            let t = Instant::now();
            encode_all();
            t.elapsed().as_nanos() as f64 / N_ENCODE as f64
        })
        .skip(1)
        .fold(f64::INFINITY, f64::min)
}

/// Host ns per vector of `Hyperplane<64, 64>::hash_u64`, best of 5 runs of 20 000.
fn host_hyperplane_ns() -> f64 {
    let (xs, h) = encode_inputs();
    let mut p = [0.0f32; 64];
    best_of_5_ns(|| {
        let c = xs.iter().fold(0u64, |a, x| a ^ h.hash_u64(x, &mut p).unwrap_or(0));
        black_box(c);
    })
}

/// Host ns per vector of the host's batch encoder (`crate::simd::hash_batch_u64`:
/// FMA sums certified against the core's, when the CPU has FMA) and of the
/// core's own (`Hyperplane<64, 64>::hash_batch`, compiled for AVX2 when the
/// CPU has it) on the same 20 000 vectors and planes, best of 5 each; and
/// whether both give `hash_u64`'s code for every vector.
fn host_batch_ns() -> (f64, f64, bool) {
    let (xs, h) = encode_inputs();
    let mut codes = vec![0u64; N_ENCODE];
    let mut core_codes = vec![0u64; N_ENCODE];
    let ns = best_of_5_ns(|| {
        crate::simd::hash_batch_u64(&h, &xs, &mut codes).unwrap_or(());
        black_box(&codes);
    });
    let core_ns = best_of_5_ns(|| {
        crate::simd::hash_batch_u64_core(&h, &xs, &mut core_codes).unwrap_or(());
        black_box(&core_codes);
    });
    let mut p = [0.0f32; 64];
    let same = xs
        .iter()
        .zip(codes.iter().zip(&core_codes))
        .all(|(x, (c, k))| h.hash_u64(x, &mut p).ok() == Some(*c) && c == k);
    (ns, core_ns, same)
}

/// Host ns per vector of cross-polytope hashing, d = d' = 64, 3 rounds of
/// stored signs, on the same 20 000 vectors: one row at a time
/// (`crosspolytope_bucket`) and batched (`crosspolytope_bucket_batch`, AVX2
/// when the CPU has it), best of 5 each; and whether the buckets agree.
fn host_crosspolytope_ns() -> (f64, f64, bool) {
    use plasticore::lsh::crosspolytope::{crosspolytope_bucket, crosspolytope_signs};
    let (xs, _) = encode_inputs();
    let flat = xs.as_flattened();
    let mut signs = vec![0.0f32; 3 * 64];
    crosspolytope_signs(5, 64, &mut signs).unwrap_or(());
    let mut y = [0.0f32; 64];
    let mut one = vec![0u32; N_ENCODE];
    let single = best_of_5_ns(|| {
        for (x, b) in xs.iter().zip(one.iter_mut()) {
            *b = crosspolytope_bucket(x, &signs, 64, &mut y).unwrap_or(u32::MAX);
        }
        black_box(&one);
    });
    let mut batch = vec![0u32; N_ENCODE];
    let batched = best_of_5_ns(|| {
        crate::simd::crosspolytope_batch(flat, 64, &signs, 64, &mut batch).unwrap_or(());
        black_box(&batch);
    });
    (single, batched, one == batch)
}

/// The section (empty if the report has no lsh records).
pub fn section(r: &Report) -> String {
    let recs: Vec<_> = r.records.iter().filter(|x| x.kernel.starts_with("lsh.")).collect();
    if recs.is_empty() {
        return String::new();
    }
    let mut s = String::from(
        "## LSH\n\nHash families and the index on the emulated Cortex-M4F: projections stored \
(RAM or flash) or regenerated from a seed (0 bytes). Quality — collision curves against theory, \
Recall@10 on digits, fraction examined — is in [lsh.md](lsh.md).\n\n\
| kernel | case | instructions | stack (bytes) | projection bytes | host ns/call |\n|---|---|---:|---:|---:|---:|\n",
    );
    for x in &recs {
        let bytes = if x.kernel == "lsh.index" {
            "—".to_string()
        } else {
            projection_bytes(&x.kernel, &x.shape, x.params).to_string()
        };
        s.push_str(&format!(
            "| {} | {} | {:.0} | {} | {} | {:.1} |\n",
            x.kernel, x.shape, x.instructions, x.stack_bytes, bytes, x.host_ns
        ));
    }
    s.push_str(
        "\nIndex memory (`LshIndex<D, CAP, L, K>`): `CAP·(4D + 8L + 1) + 4·L·D·K + 4D` bytes of RAM \
(vectors, sorted tables, live flags; planes, centre), e.g. 14.5 KiB for the case above \
(D = 16, CAP = 128, L = 4, K = 8) and ≈ 100.5 KiB for D = 64, CAP = 256, L = 8, K = 10; \
query scratch `L·K·5 + 12·P + CAP` bytes; code in flash: see the firmware image size.\n\n",
    );
    // Three interleaved rounds, the best of each: a shared machine's slow
    // spells then fall on both sides rather than on one.
    let (mut ns, mut batch, mut core_batch, mut same, mut faiss) =
        (f64::INFINITY, f64::INFINITY, f64::INFINITY, true, None);
    for _ in 0..ROUNDS {
        ns = ns.min(host_hyperplane_ns());
        let (b, c, sm) = host_batch_ns();
        (batch, core_batch, same) = (batch.min(b), core_batch.min(c), same && sm);
        faiss = match (faiss, faiss_ns()) {
            (Some(Ok((f0, v))), Ok((f1, _))) => Some(Ok((f64::min(f0, f1), v))),
            (None | Some(Err(_)), r) => Some(r),
            (kept, Err(_)) => kept,
        };
    }
    s.push_str(&format!(
        "Host, hyperplane encoding d = 64, 64 bits, one thread: one vector at a time **{ns:.0} ns per vector** \
(`Hyperplane<64, 64>::hash_u64`, best of {ROUNDS} rounds of 5 × 20 000); batched **{batch:.0} ns per vector** \
(the host's `simd::hash_batch_u64` on the same 20 000, {}: {} of the 20 000 vectors re-encoded by the core's kernel \
because an FMA sum could not certify a sign, see docs/lsh.md); the core's own `Hyperplane::hash_batch` (no FMA, {}) {core_batch:.0} ns per vector; \
codes of both {} `hash_u64`'s, which equal the board's. ",
        crate::simd::simhash_kernel(),
        {
            let (xs, h) = encode_inputs();
            crate::simd::simhash_rows_left_to_core(&h, &xs)
                .map_or("none".to_string(), |n| n.to_string())
        },
        crate::simd::extension(),
        if same { "equal to" } else { "**differ from**" }
    ));
    match faiss.unwrap_or_else(|| Err("not run".into())) {
        Ok((f, version)) => s.push_str(&format!(
            "FAISS `IndexLSH` (faiss-cpu {version}, d = 64, 64 bits, one thread, batched `sa_encode` of 20 000 vectors, \
best of {ROUNDS} rounds of 5, interleaved with plasticore's), timed in this run: **{f:.0} ns per vector**. plasticore's throughput relative to FAISS's (above 1 is faster): \
batched **{:.2}×** (the core's own batch kernel {:.2}×), one at a time {:.2}×.\n",
            f / batch,
            f / core_batch,
            f / ns
        )),
        Err(why) => s.push_str(&format!("FAISS `IndexLSH`: not measured ({why}).\n")),
    }
    let (mut one, mut batch, mut same) = (f64::INFINITY, f64::INFINITY, true);
    for _ in 0..ROUNDS {
        let (o, b, sm) = host_crosspolytope_ns();
        (one, batch, same) = (one.min(o), batch.min(b), same && sm);
    }
    s.push_str(&format!(
        "\nHost, cross-polytope d = d' = 64, 3 rounds of stored signs, one thread: one vector at a time **{one:.0} ns per vector** \
(`crosspolytope_bucket`), batched **{batch:.0} ns per vector** (`crosspolytope_bucket_batch`, eight rows side by side, {}), \
**{:.1}×** the throughput; buckets {} one at a time's for all 20 000 vectors (which equal the board's). \
FALCONN, the reference cross-polytope library: not measured (its Python package builds whole tables and exposes no hashing to time alone).\n",
        crate::simd::extension(),
        one / batch,
        if same { "equal to" } else { "**differ from**" }
    ));
    s
}

/// Rounds of the host encoding comparison, plasticore's and FAISS's timings
/// interleaved.
const ROUNDS: usize = 3;

/// FAISS `IndexLSH` encoding time per vector and its version, timed now by
/// `tests/data/lsh/bench_faiss.py --faiss-only` in [`faiss_python`]'s
/// environment.
fn faiss_ns() -> Result<(f64, String), String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let py = faiss_python(&root)?;
    let out = std::process::Command::new(py)
        .arg(root.join("tests/data/lsh/bench_faiss.py"))
        .arg("--faiss-only")
        .output()
        .map_err(|e| format!("python not runnable ({e})"))?;
    if !out.status.success() {
        return Err(format!(
            "bench_faiss.py failed: {}",
            String::from_utf8_lossy(&out.stderr).lines().last().unwrap_or("")
        ));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let field =
        |k: &str| text.split_whitespace().find_map(|w| w.strip_prefix(k)).map(str::to_string);
    let ns = field("faiss_ns_per_vector=")
        .and_then(|v| v.parse::<f64>().ok())
        .ok_or("unexpected output from bench_faiss.py")?;
    Ok((ns, field("faiss=").unwrap_or_else(|| "?".into())))
}

/// The Python of `target/python-venv` (the environment the Python tests
/// use), made with the system's `python3 -m venv` if absent, with `faiss-cpu`
/// and NumPy installed from PyPI on first use, so the reference is measured
/// on a fresh machine too.
fn faiss_python(root: &std::path::Path) -> Result<std::path::PathBuf, String> {
    use std::process::{Command, Stdio};
    let quiet = |c: &mut Command| c.stdout(Stdio::null()).stderr(Stdio::null()).status();
    let venv = root.join("target/python-venv");
    let py = venv.join("bin/python");
    if !py.exists()
        && !quiet(Command::new("python3").args(["-m", "venv"]).arg(&venv))
            .is_ok_and(|s| s.success())
    {
        return Err("python3 -m venv failed (Debian: apt-get install python3-venv)".into());
    }
    let has = |py: &std::path::Path| {
        quiet(Command::new(py).args(["-c", "import faiss, numpy"])).is_ok_and(|s| s.success())
    };
    if !has(&py) {
        eprintln!(
            "plasticore: installing faiss-cpu into target/python-venv for the FAISS reference"
        );
        let pip =
            ["-m", "pip", "install", "-q", "--disable-pip-version-check", "faiss-cpu", "numpy"];
        if !quiet(Command::new(&py).args(pip)).is_ok_and(|s| s.success()) || !has(&py) {
            return Err("pip install faiss-cpu into target/python-venv failed".into());
        }
    }
    Ok(py)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::model::Record;

    fn rec(kernel: &str, shape: &str, params: u64) -> Record {
        Record {
            kernel: kernel.into(),
            shape: shape.into(),
            board: "qemu".into(),
            params,
            macs: 4096,
            scratch_bytes: 256,
            instructions: 11365.0,
            instructions_per_mac: 2.77,
            stack_bytes: 263,
            data_bytes: 0,
            peak_ram_bytes: 0,
            host_ns: 300.0,
        }
    }

    #[test]
    fn section_lists_lsh_records_with_projection_bytes() {
        let mut r = Report {
            flash_bytes: 1,
            static_ram_bytes: 1,
            records: vec![rec("linalg.dot", "n=64", 64)],
            boards: vec![],
            images: vec![],
            cmsis_not_measured: vec![],
            apps: vec![],
            on_device: vec![],
        };
        assert_eq!(section(&r), "");
        r.records.push(rec("lsh.hyperplane", "d=64 b=64 stored", 4096));
        r.records.push(rec("lsh.hyperplane", "d=64 b=64 seeded", 0));
        r.records.push(rec("lsh.crosspolytope", "d=64 k=3 stored", 192));
        let s = section(&r);
        assert!(s.starts_with("## LSH"));
        assert!(s.contains("| lsh.hyperplane | d=64 b=64 stored | 11365 | 263 | 16384 |"));
        assert!(s.contains("| lsh.hyperplane | d=64 b=64 seeded | 11365 | 263 | 0 |"));
        assert!(s.contains("| lsh.crosspolytope | d=64 k=3 stored | 11365 | 263 | 24 |"));
        assert!(s.contains("ns per vector"));
    }
}
