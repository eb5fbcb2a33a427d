//! The core's LSH index over `Vec`s: run-time sizes, storage the value owns
//! (the `lsh.index` kernel and the Python `LshIndex` use it), its sizes
//! checked against [`crate::limits`] before anything is allocated.

use plasticore::lsh::{
    index_planes, Entry, IndexBuffers, IndexBuffersRef, IndexParams, IndexStorage, LshIndexInner,
    Neighbor, Probe, QueryBufView, QueryStats,
};

use crate::limits::{MAX_BUFFER, MAX_K, MAX_PROBES};

/// An index's state in `Vec`s.
#[derive(Debug, Clone)]
pub struct VecStorage {
    params: IndexParams,
    planes: Vec<f32>,
    center: Vec<f32>,
    rows: Vec<f32>,
    live: Vec<bool>,
    entries: Vec<Entry>,
}

impl IndexStorage for VecStorage {
    type Item = f32;
    type Vector = [f32];
    type Rows = [f32];

    fn params(&self) -> IndexParams {
        self.params
    }

    fn buffers(&self) -> IndexBuffersRef<'_, f32> {
        IndexBuffersRef {
            planes: &self.planes,
            center: &self.center,
            rows: &self.rows,
            scales: &[],
            live: &self.live,
            entries: &self.entries,
        }
    }

    fn buffers_mut(&mut self) -> IndexBuffers<'_, f32> {
        IndexBuffers {
            planes: &self.planes,
            center: &mut self.center,
            rows: &mut self.rows,
            scales: &mut [],
            live: &mut self.live,
            entries: &mut self.entries,
        }
    }
}

/// An LSH index whose storage is `Vec`s.
pub type HostIndex = LshIndexInner<VecStorage>;

/// An empty index with N(0, 1) planes drawn from `seed`: the sizes are
/// checked (the core's rules, and every buffer at most [`MAX_BUFFER`]
/// elements) before anything is allocated.
///
/// # Errors
/// A one-line message naming the size.
pub fn new_index(params: IndexParams, seed: u64) -> Result<HostIndex, String> {
    params.check().map_err(|e| e.to_string())?;
    for (what, n) in [
        ("tables * dim * bits", params.planes_len()),
        ("capacity * dim", params.rows_len()),
        ("capacity * tables", params.entries_len()),
    ] {
        if n > MAX_BUFFER {
            return Err(format!("{what}: {n} elements, at most {MAX_BUFFER} on the host"));
        }
    }
    let mut planes = vec![0.0f32; params.planes_len()];
    index_planes(seed, &mut planes);
    HostIndex::from_storage(VecStorage {
        params,
        planes,
        center: vec![0.0; params.dim],
        rows: vec![0.0; params.rows_len()],
        live: vec![false; params.capacity],
        entries: vec![Entry::default(); params.entries_len()],
    })
    .map_err(|e| e.to_string())
}

/// The probe budget a query of `probes` buckets needs on an index of
/// `tables` tables of `bits` bits: at most every bucket that exists.
///
/// # Errors
/// A one-line message if it is still past [`MAX_PROBES`].
pub fn probe_budget(probes: usize, tables: usize, bits: usize) -> Result<usize, String> {
    let buckets = tables.saturating_mul(1usize.checked_shl(bits as u32).unwrap_or(usize::MAX));
    let p = probes.min(buckets);
    if p > MAX_PROBES {
        return Err(format!(
            "probes: expected at most {MAX_PROBES} (or every bucket, tables * 2^bits)"
        ));
    }
    Ok(p)
}

/// Checks `k` against [`MAX_K`].
///
/// # Errors
/// A one-line message for `k` of 0 or past [`MAX_K`].
pub fn check_k(k: usize) -> Result<(), String> {
    if k == 0 || k > MAX_K {
        return Err(format!("k: expected 1 to {MAX_K} neighbours"));
    }
    Ok(())
}

/// The rows of `qs` (`[n, dim]`) queried in turn: each row's `k` ids
/// (`u32::MAX` where fewer were found) and cosines, and its stats. `probes`
/// goes through [`probe_budget`] and `k` through [`check_k`]; the scratch
/// is sized for what the index can return (`min(k, capacity)`).
///
/// # Errors
/// The size checks' messages, or the core's error with the row's number.
pub fn query_rows(
    idx: &HostIndex,
    qs: &[f32],
    k: usize,
    probes: usize,
) -> Result<(Vec<Neighbor>, Vec<QueryStats>), String> {
    let p = idx.params();
    check_k(k)?;
    let probes = probe_budget(probes, p.tables, p.bits)?;
    let found_max = k.min(p.capacity);
    let (mut proj, mut order) = (vec![0.0f32; p.proj_len()], vec![0u8; p.proj_len()]);
    let mut heap = vec![Probe::default(); plasticore::lsh::probe_heap_len(p.tables, probes)];
    let mut seen = vec![false; p.capacity];
    let mut scratch = QueryBufView::new(&mut proj, &mut order, &mut heap, &mut seen, &mut []);
    let mut res = vec![Neighbor::NONE; found_max];
    let (mut out, mut stats) = (Vec::new(), Vec::new());
    for (i, q) in qs.chunks(p.dim.max(1)).enumerate() {
        let st = idx
            .query(q, probes, &mut scratch, res.as_mut_slice())
            .map_err(|e| format!("query row {i}: {e}"))?;
        out.extend_from_slice(&res);
        out.extend(std::iter::repeat_n(Neighbor::NONE, k - found_max));
        stats.push(st);
    }
    Ok((out, stats))
}

/// Rust source of a `static` holding an index's planes `[L][D][K]` for
/// `seed`, bit-exact: N(0, 1) as [`index_planes`] draws them (through
/// `plasticore::lsh::planes_from_bits`), or `signs`: ±1 as
/// `plasticore::lsh::index_sign_planes` makes them at compile time. For an
/// index whose planes stay in flash (`plasticore planes --rust`).
///
/// # Errors
/// A one-line message for sizes an index refuses, or planes past 2²⁰ values.
pub fn planes_rust(
    dim: usize,
    tables: usize,
    bits: usize,
    seed: u64,
    signs: bool,
) -> Result<String, String> {
    use std::fmt::Write;
    let params = IndexParams { dim, tables, bits, capacity: 1 };
    params.check().map_err(|e| e.to_string())?;
    if params.planes_len() > 1 << 20 {
        return Err(format!(
            "tables * dim * bits: {} values, at most {} in generated Rust",
            params.planes_len(),
            1 << 20
        ));
    }
    let ty = format!("[[[f32; {bits}]; {dim}]; {tables}]");
    let cmd = format!(
        "plasticore planes --dim {dim} --tables {tables} --bits {bits} --seed {seed}{} --rust",
        if signs { " --signs" } else { "" }
    );
    let mut s = format!("// Generated by `{cmd}`; do not edit.\n");
    if signs {
        writeln!(s, "/// ±1 hyperplanes `[L][D][K]` of seed {seed}, made at compile time.").ok();
        writeln!(s, "pub static PLANES: {ty} = plasticore::lsh::index_sign_planes({seed});").ok();
        return Ok(s);
    }
    let mut planes = vec![0.0f32; params.planes_len()];
    index_planes(seed, &mut planes);
    writeln!(s, "/// N(0, 1) hyperplanes `[L][D][K]` of seed {seed} (`index_planes`), bit-exact.")
        .ok();
    writeln!(s, "#[rustfmt::skip]").ok();
    writeln!(s, "pub static PLANES: {ty} = plasticore::lsh::planes_from_bits(&[").ok();
    for table in planes.chunks(dim * bits) {
        s.push_str("    [\n");
        for row in table.chunks(bits) {
            let words: Vec<String> = row.iter().map(|v| format!("{:#010x}", v.to_bits())).collect();
            writeln!(s, "        [{}],", words.join(", ")).ok();
        }
        s.push_str("    ],\n");
    }
    s.push_str("]);\n");
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(dim: usize, tables: usize, bits: usize, capacity: usize) -> IndexParams {
        IndexParams { dim, tables, bits, capacity }
    }

    /// The generated Rust holds the bits of `index_planes`, in `[L][D][K]` order.
    #[test]
    fn planes_rust_holds_the_bits_of_index_planes() {
        let src = planes_rust(3, 2, 4, 9, false).unwrap();
        let mut want = vec![0.0f32; 24];
        index_planes(9, &mut want);
        let words: Vec<u32> = src
            .split(|c: char| !c.is_ascii_hexdigit() && c != 'x')
            .filter_map(|w| w.strip_prefix("0x"))
            .map(|w| u32::from_str_radix(w, 16).unwrap())
            .collect();
        assert_eq!(words, want.iter().map(|v| v.to_bits()).collect::<Vec<_>>());
        assert!(src.contains("pub static PLANES: [[[f32; 4]; 3]; 2]"));
        assert!(planes_rust(3, 2, 4, 9, true).unwrap().contains("index_sign_planes(9)"));
        assert!(planes_rust(3, 2, 40, 9, false).is_err());
        assert!(planes_rust(1 << 20, 16, 30, 9, false).is_err());
    }

    #[test]
    fn hostile_sizes_are_refused_before_allocating() {
        for (p, what) in [
            (params(4, 1 << 40, 8, 10), "index size"),
            (params(4, 16, 8, 1 << 40), "capacity"),
            (params(4, 16, 8, 1 << 30), "index size"),
            (params(1 << 20, 16, 30, 10), "tables * dim * bits"),
            (params(0, 16, 8, 10), "dim"),
            (params(4, 16, 33, 10), "bits"),
        ] {
            let e = new_index(p, 1).unwrap_err();
            assert!(e.contains(what), "{e}");
        }
        assert_eq!(probe_budget(usize::MAX, 16, 10), Ok(16 << 10));
        assert_eq!(probe_budget(7, 16, 10), Ok(7));
        assert!(probe_budget(usize::MAX, 16, 32).is_err());
        assert!(check_k(0).is_err() && check_k(1 << 40).is_err() && check_k(5).is_ok());
        let idx = new_index(params(2, 2, 3, 3), 1).unwrap();
        assert!(query_rows(&idx, &[1.0, 0.0], 1 << 40, 4).is_err());
        assert!(query_rows(&idx, &[1.0, 0.0], 4, usize::MAX).is_ok());
    }

    /// A budget cut to every bucket that exists gives what the full budget gives.
    #[test]
    fn a_budget_past_every_bucket_changes_nothing() {
        let mut idx = new_index(params(3, 2, 2, 8), 5).unwrap();
        let data: Vec<f32> = (0..24).map(|i| ((i * 7 % 11) as f32) - 5.0 + 0.5).collect();
        let mut ids = vec![0; 8];
        idx.insert_all(&data, &mut ids).unwrap();
        let (a, sa) = query_rows(&idx, &data, 3, 8).unwrap();
        let (b, sb) = query_rows(&idx, &data, 3, 1000).unwrap();
        assert_eq!((a, sa), (b, sb));
        // k past the capacity pads.
        let (c, _) = query_rows(&idx, &data[..3], 10, 8).unwrap();
        assert_eq!(c.len(), 10);
        assert_eq!(c[8], Neighbor::NONE);
    }
}
