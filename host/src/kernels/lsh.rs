//! `lsh.*` kernels: the hash families and the index of `plasticore::lsh`,
//! with the contracts of issue 3.

use plasticore::lsh::angular::angular_hash;
use plasticore::lsh::binary::{bitsample, syndrome};
use plasticore::lsh::hyperplane::{code_bytes, hyperplane_hash};
use plasticore::lsh::{IndexParams, DEFAULT_BITS, DEFAULT_PROBES, DEFAULT_TABLES};

use super::{core_err, input, param, Call, Kernel};
use crate::npy::{
    Array,
    DType::{F32, I32, U8},
};

// The parameter defaults below are the core's.
const _: () = assert!(DEFAULT_TABLES == 16 && DEFAULT_BITS == 10 && DEFAULT_PROBES == 64);

/// The lsh kernels.
pub fn kernels() -> Vec<Kernel> {
    vec![
        Kernel {
            name: "lsh.hyperplane",
            summary: "SimHash codes: bit j = [x . planes[:, j] > 0], packed LSB first (numpy.packbits bitorder=little)",
            inputs: vec![input("x", F32, "n,d"), input("planes", F32, "d,b")],
            params: vec![],
            output: "uint8 [n, ceil(b/8)]",
            run: hyperplane,
        },
        Kernel {
            name: "lsh.angular",
            summary: "Reformer angular LSH: per round argmax of concat(xR, -xR), no round offsets, ties to the first",
            inputs: vec![input("x", F32, "n,d"), input("rotations", F32, "d,rounds,h")],
            params: vec![],
            output: "int32 [n, rounds] in [0, 2h)",
            run: angular,
        },
        Kernel {
            name: "lsh.crosspolytope",
            summary: "cross-polytope LSH: k rounds of y = H(s*y)/sqrt(d'), bucket i if y_i > 0 else i + d', i = argmax|y_i|",
            inputs: vec![input("x", F32, "n,d"), input("signs", F32, "k,dp")],
            params: vec![],
            output: "int32 [n] in [0, 2d') (signs: +-1, d' a power of two >= d)",
            run: crosspolytope,
        },
        Kernel {
            name: "lsh.bitsample",
            summary: "bit-sampling of packed binary vectors: code bit j = bit positions[j] of x (LSB first)",
            inputs: vec![input("x", U8, "n,bytes"), input("positions", I32, "k")],
            params: vec![],
            output: "int32 [n] (k <= 32; bit 31 makes it negative)",
            run: bitsample_k,
        },
        Kernel {
            name: "lsh.syndrome",
            summary: "syndrome hashing: code bit r = parity(popcount(x AND h[r]))",
            inputs: vec![input("x", U8, "n,bytes"), input("h", U8, "m,bytes")],
            params: vec![],
            output: "int32 [n] (m <= 32)",
            run: syndrome_k,
        },
        Kernel {
            name: "lsh.index",
            summary: "LshIndex of data (hyperplanes through the mean of the unit data vectors), top-k of each query by cosine after multiprobe",
            inputs: vec![input("data", F32, "n,d"), input("queries", F32, "q,d")],
            params: vec![
                param("tables", Some("16"), "number of hash tables L"),
                param("bits", Some("10"), "bits per table K (1..=32)"),
                param("probes", Some("64"), "buckets probed per query over all tables (>= tables for all base buckets)"),
                param("k", Some("10"), "neighbours per query"),
                param("seed", Some("1"), "seed of the hyperplanes"),
                param("center", Some("true"), "hash x/|x| - mean of the data's x/|x| (true) or x/|x| (false)"),
            ],
            output: "int32 [q, k] data row ids, nearest first by cosine, -1 where fewer were found",
            run: index,
        },
    ]
}

fn hyperplane(c: &Call) -> Result<Array, String> {
    let (n, d, b) = (c.dim("n"), c.dim("d"), c.dim("b"));
    let e = core_err("lsh.hyperplane");
    let nb = code_bytes(b);
    let (x, planes) = (c.f32("x"), c.f32("planes"));
    let mut out = vec![0u8; n * nb];
    if n > 0 && d > 0 && b > 0 {
        // All rows at once (AVX2 when the CPU has it), the codes of
        // `hyperplane_hash` bit for bit.
        crate::simd::hash_batch(x, planes, b, &mut out).map_err(&e)?;
    } else {
        // Empty shapes: the one-vector kernel says what is wrong.
        let mut proj = vec![0.0f32; b];
        for i in 0..n {
            let row = x.get(i * d..(i + 1) * d).unwrap_or(&[]);
            let code = out.get_mut(i * nb..(i + 1) * nb).unwrap_or(&mut []);
            hyperplane_hash(row, planes, &mut proj, code).map_err(&e)?;
        }
    }
    Ok(Array::u8(vec![n, nb], out))
}

fn angular(c: &Call) -> Result<Array, String> {
    let (n, d, rounds, h) = (c.dim("n"), c.dim("d"), c.dim("rounds"), c.dim("h"));
    let e = core_err("lsh.angular");
    let (x, rot) = (c.f32("x"), c.f32("rotations"));
    let mut b = vec![0u32; rounds];
    let mut out = Vec::with_capacity(n * rounds);
    for i in 0..n {
        let row = x.get(i * d..(i + 1) * d).unwrap_or(&[]);
        angular_hash(row, rot, rounds, h, &mut b).map_err(&e)?;
        out.extend(b.iter().map(|&v| v as i32));
    }
    Ok(Array::i32(vec![n, rounds], out))
}

fn crosspolytope(c: &Call) -> Result<Array, String> {
    let (n, d, dp) = (c.dim("n"), c.dim("d"), c.dim("dp"));
    let e = core_err("lsh.crosspolytope");
    let (x, signs) = (c.f32("x"), c.f32("signs"));
    // Eight rows side by side (AVX2 when the CPU has it); the same buckets as
    // `crosspolytope_bucket` row by row, which the boards reproduce.
    let mut out = vec![0u32; n];
    crate::simd::crosspolytope_batch(x, d, signs, dp, &mut out).map_err(&e)?;
    Ok(Array::i32(vec![n], out.into_iter().map(|b| b as i32).collect()))
}

fn bitsample_k(c: &Call) -> Result<Array, String> {
    let (n, bytes) = (c.dim("n"), c.dim("bytes"));
    let e = core_err("lsh.bitsample");
    let pos = c
        .i32("positions")
        .iter()
        .map(|&p| u32::try_from(p))
        .collect::<Result<Vec<u32>, _>>()
        .map_err(|_| "lsh.bitsample: positions: expected non-negative bit positions".to_string())?;
    let x = c.u8("x");
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let row = x.get(i * bytes..(i + 1) * bytes).unwrap_or(&[]);
        out.push(bitsample(row, &pos).map_err(&e)? as i32);
    }
    Ok(Array::i32(vec![n], out))
}

fn syndrome_k(c: &Call) -> Result<Array, String> {
    let (n, bytes) = (c.dim("n"), c.dim("bytes"));
    let e = core_err("lsh.syndrome");
    let (x, h) = (c.u8("x"), c.u8("h"));
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let row = x.get(i * bytes..(i + 1) * bytes).unwrap_or(&[]);
        out.push(syndrome(row, h).map_err(&e)? as i32);
    }
    Ok(Array::i32(vec![n], out))
}

fn index(c: &Call) -> Result<Array, String> {
    let (n, d, nq) = (c.dim("n"), c.dim("d"), c.dim("q"));
    let tables: usize = c.param("tables")?;
    let bits: usize = c.param("bits")?;
    let probes: usize = c.param("probes")?;
    let k: usize = c.param("k")?;
    let seed: u64 = c.param("seed")?;
    let centre = c.flag("center")?;
    let e = |m: String| format!("lsh.index: {m}");
    crate::lsh_index::check_k(k).map_err(e)?;
    crate::lsh_index::probe_budget(probes, tables, bits).map_err(e)?;
    let (data, queries) = (c.f32("data"), c.f32("queries"));
    let params = IndexParams { dim: d, tables, bits, capacity: n.max(1) };
    let mut idx = crate::lsh_index::new_index(params, seed).map_err(e)?;
    let mut ids = vec![0u32; n];
    // The row the core refused: non-finite, or a norm that is 0 or
    // overflows (|x|² summed in f32, as the core does).
    let bad = |r: &[f32]| {
        let n2 = r.iter().fold(0.0f32, |a, v| a + v * v);
        r.iter().any(|v| !v.is_finite()) || n2 == 0.0 || !n2.is_finite()
    };
    idx.insert_all(data.get(..n * d).unwrap_or(data), &mut ids).map_err(|err| {
        match data.chunks_exact(d.max(1)).position(bad) {
            Some(i) => format!("lsh.index: data row {i}: {err}"),
            None => format!("lsh.index: data: {err}"),
        }
    })?;
    if centre {
        idx.recenter().map_err(|err| format!("lsh.index: {err}"))?;
    }
    let qs = queries.get(..nq * d).unwrap_or(queries);
    let (res, _) = crate::lsh_index::query_rows(&idx, qs, k, probes).map_err(e)?;
    let out = res.iter().map(|r| if r.id == u32::MAX { -1 } else { r.id as i32 }).collect();
    Ok(Array::i32(vec![nq, k], out))
}
