extern crate std;

use super::*;
use crate::lsh::probe::probe_heap_len;
use crate::lsh::tables::Entry;
use crate::rng::Rng;
use std::vec::Vec;

mod views;

type Top<const N: usize> = Neighbors<N>;

/// A copy of an index's buffers, to reopen as a view.
struct Copied {
    params: IndexParams,
    planes: Vec<f32>,
    center: Vec<f32>,
    rows: Vec<f32>,
    scales: Vec<f32>,
    live: Vec<bool>,
    entries: Vec<Entry>,
}

impl Copied {
    fn of<S: IndexStorage<Item = f32>>(idx: &LshIndexInner<S>) -> Self {
        let b = idx.storage().buffers();
        Copied {
            params: idx.params(),
            planes: b.planes.to_vec(),
            center: b.center.to_vec(),
            rows: b.rows.to_vec(),
            scales: b.scales.to_vec(),
            live: b.live.to_vec(),
            entries: b.entries.to_vec(),
        }
    }

    fn view(&mut self) -> LshIndexView<'_> {
        LshIndexView::reopen(
            self.params,
            IndexBuffers {
                planes: &self.planes,
                center: &mut self.center,
                rows: &mut self.rows,
                scales: &mut self.scales,
                live: &mut self.live,
                entries: &mut self.entries,
            },
        )
        .unwrap()
    }
}

fn entries<S: IndexStorage>(idx: &LshIndexInner<S>) -> Vec<Entry> {
    idx.storage().buffers().entries.to_vec()
}

fn normal<const D: usize>(rng: &mut Rng) -> [f32; D] {
    let mut x = [0.0f32; D];
    rng.fill_normal(&mut x);
    x
}

#[test]
fn i8_index_finds_what_the_f32_index_finds() {
    let mut f = LshIndex::<8, 32, 4, 6>::new(3);
    let mut q = LshIndexI8::<8, 32, 4, 6>::new(3);
    let mut r = Rng::new(4);
    let data: [[f32; 8]; 32] = core::array::from_fn(|_| normal(&mut r));
    for x in &data {
        assert_eq!(f.insert(x), q.insert(x));
    }
    assert_eq!(q.insert(&[1.0; 8]), Err(Error::Capacity { capacity: 32 }));
    let mut bf = QueryBuf::<32, 4, 6, 40>::new();
    let mut bq = QueryBuf::<32, 4, 6, 40>::new();
    for (i, x) in data.iter().enumerate() {
        let (mut of, mut oq) = (Top::<3>::new(), Top::<3>::new());
        let sf = f.query(x, 20, &mut bf, &mut of).unwrap();
        let sq = q.query(x, 20, &mut bq, &mut oq).unwrap();
        // Same buckets (hashing is the same), the item itself first with cosine ≈ 1.
        assert_eq!(sf.examined, sq.examined);
        assert_eq!(oq[0].id, i as u32);
        assert!((oq[0].cosine - 1.0).abs() < 0.01, "{}", oq[0].cosine);
        for (a, b) in of.iter().zip(&oq) {
            if b.id == a.id {
                assert!((a.cosine - b.cosine).abs() < 0.02);
            }
        }
    }
    q.remove(5).unwrap();
    assert!(!q.contains(5));
    q.recenter().unwrap();
    assert_eq!(q.len(), 31);
    q.check_invariants().unwrap();
}

fn brute(data: &[[f32; 8]], q: &[f32; 8], k: usize) -> [u32; 3] {
    let mut ids: [(f32, u32); 64] = [(f32::NEG_INFINITY, u32::MAX); 64];
    for (i, x) in data.iter().enumerate() {
        let c = dot_unchecked(q, x) / sqrt(dot_unchecked(x, x)) / sqrt(dot_unchecked(q, q));
        ids[i] = (c, i as u32);
    }
    ids[..data.len()].sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut out = [0u32; 3];
    for j in 0..k {
        out[j] = ids[j].1;
    }
    out
}

/// A bulk insert builds the index that one-by-one inserts build: the same
/// ids, vectors and (bucket-wise) tables, so every query agrees; bad
/// input changes nothing.
#[test]
fn insert_all_equals_one_by_one() {
    let mut rng = Rng::new(21);
    let data: [[f32; 8]; 40] = core::array::from_fn(|_| normal(&mut rng));
    let mut one = LshIndex::<8, 48, 3, 5>::new(4);
    let mut bulk = LshIndex::<8, 48, 3, 5>::new(4);
    // Start from an index with holes: ids come from the lowest free slots.
    for x in &data[..10] {
        one.insert(x).unwrap();
        bulk.insert(x).unwrap();
    }
    for id in [2, 7, 3] {
        one.remove(id).unwrap();
        bulk.remove(id).unwrap();
    }
    let want: [u32; 30] = core::array::from_fn(|i| one.insert(&data[10 + i]).unwrap());
    let mut ids = [0u32; 30];
    bulk.insert_all(&data[10..], &mut ids).unwrap();
    assert_eq!(ids, want);
    let (a, b) = (bulk.storage().buffers(), one.storage().buffers());
    assert_eq!((bulk.len(), a.live, a.rows), (one.len(), b.live, b.rows));
    bulk.check_invariants().unwrap();
    for t in 0..3 {
        let codes =
            |e: &[Entry]| -> Vec<u32> { e[t * 48..t * 48 + 37].iter().map(|e| e.code).collect() };
        assert_eq!(codes(a.entries), codes(b.entries));
    }
    let mut buf = QueryBuf::<48, 3, 5, { probe_heap_len(3, 12) }>::new();
    let (mut a, mut b) = (Top::<4>::new(), Top::<4>::new());
    for q in data.iter().step_by(3) {
        let sa = one.query(q, 12, &mut buf, &mut a).unwrap();
        let sb = bulk.query(q, 12, &mut buf, &mut b).unwrap();
        assert_eq!((sa, &a), (sb, &b));
    }
    // 11 free slots: 12 rows are refused, as are a NaN, a zero row and a short row.
    let before = bulk.clone();
    let mut ids = [0u32; 12];
    assert_eq!(bulk.insert_all(&data[..12], &mut ids), Err(Error::Capacity { capacity: 48 }));
    let mut nan = data[..2].to_vec();
    nan[1][5] = f32::NAN;
    assert!(bulk.insert_all(&nan, &mut ids[..2]).is_err());
    let mut zero = data[..2].to_vec();
    zero[1] = [0.0; 8];
    assert!(matches!(bulk.insert_all(&zero, &mut ids[..2]), Err(Error::InvalidArgument { .. })));
    assert!(bulk.insert_all(&data[..2], &mut ids[..3]).is_err());
    assert_eq!(bulk.storage().buffers().live, before.storage().buffers().live);
    assert_eq!(entries(&bulk), entries(&before));
    assert_eq!(bulk.len(), before.len());
    // Exactly the free slots fit.
    bulk.insert_all(&data[..11], &mut ids[..11]).unwrap();
    assert_eq!(bulk.len(), 48);
    bulk.check_invariants().unwrap();
}

#[test]
fn exhaustive_probes_find_exact_neighbours() {
    // With K = 3 bits, 8 buckets per table: probing all of them examines everything.
    let mut idx = LshIndex::<8, 40, 2, 3>::new(7);
    let mut rng = Rng::new(3);
    let data: [[f32; 8]; 40] = core::array::from_fn(|_| normal(&mut rng));
    for x in &data {
        idx.insert(x).unwrap();
    }
    let mut buf = QueryBuf::<40, 2, 3, 16>::new();
    for _ in 0..20 {
        let q: [f32; 8] = normal(&mut rng);
        let mut out = Top::<3>::new();
        let st = idx.query(&q, 16, &mut buf, &mut out).unwrap();
        assert_eq!(st.examined, 40);
        assert_eq!(st.found, 3);
        let want = brute(&data, &q, 3);
        assert_eq!([out[0].id, out[1].id, out[2].id], want);
        assert!(out[0].cosine >= out[1].cosine && out[1].cosine >= out[2].cosine);
    }
}

#[test]
fn item_finds_itself_and_remove_forgets_it() {
    let mut idx = LshIndex::<8, 16, 4, 8>::new(1);
    let mut rng = Rng::new(9);
    let data: [[f32; 8]; 10] = core::array::from_fn(|_| normal(&mut rng));
    for (i, x) in data.iter().enumerate() {
        assert_eq!(idx.insert(x).unwrap(), i as u32);
    }
    let mut buf = QueryBuf::<16, 4, 8, 8>::new();
    let mut out = Top::<2>::new();
    for (i, x) in data.iter().enumerate() {
        idx.query(x, 4, &mut buf, &mut out).unwrap();
        assert_eq!(out[0].id, i as u32);
        assert!((out[0].cosine - 1.0).abs() < 1e-5);
    }
    idx.remove(3).unwrap();
    assert!(!idx.contains(3));
    assert_eq!(idx.len(), 9);
    idx.query(&data[3], 4, &mut buf, &mut out).unwrap();
    assert!(out.iter().all(|n| n.id != 3));
    assert_eq!(
        idx.remove(3),
        Err(Error::InvalidArgument { what: "id", expected: "the id of a stored item" })
    );
    assert!(idx.remove(99).is_err());
    // The freed slot is reused.
    assert_eq!(idx.insert(&data[3]).unwrap(), 3);
    idx.query(&data[3], 4, &mut buf, &mut out).unwrap();
    assert_eq!(out[0].id, 3);
}

/// A `const` index can initialise a static (no stack copy of the storage).
static _INDEX: LshIndex<4, 8, 2, 5> = LshIndex::zeroed();

#[test]
fn zeroed_is_an_error_until_reset_and_reset_empties() {
    let mut a = LshIndex::<4, 8, 2, 5>::zeroed();
    let not_drawn = Err(NOT_DRAWN);
    let (mut buf, mut out) = (QueryBuf::<8, 2, 5, 4>::new(), Top::<1>::new());
    assert_eq!(a.insert(&[1.0; 4]), not_drawn.map(|()| 0));
    assert_eq!(
        a.query(&[1.0; 4], 4, &mut buf, &mut out),
        not_drawn.map(|()| QueryStats::default())
    );
    assert_eq!(a.recenter(), not_drawn);
    assert_eq!(a.set_center(&[0.0; 4]), not_drawn);
    assert_eq!(a.insert_all(&[[1.0; 4]], &mut [0]), not_drawn);
    assert_eq!(a.codes(&[1.0; 4], &mut [0; 2]), not_drawn);
    assert!(a.is_empty() && a.planes().is_none());
    a.check_invariants().unwrap();
    a.reset(3);
    let b = LshIndex::<4, 8, 2, 5>::new(3);
    assert_eq!(a.planes(), b.planes());
    a.insert(&[1.0, 2.0, 3.0, 4.0]).unwrap();
    a.set_center(&[0.1; 4]).unwrap();
    a.reset(3);
    assert!(a.is_empty() && !a.contains(0));
    assert_eq!(a.storage().buffers().center, &[0.0; 4]);
    assert!(a.set_center(&[f32::NAN; 4]).is_err());
}

#[test]
fn full_index_is_an_error_and_unchanged() {
    let mut idx = LshIndex::<4, 3, 2, 4>::new(2);
    for i in 0..3 {
        idx.insert(&[i as f32 + 1.0, 1.0, 0.0, -1.0]).unwrap();
    }
    let before = entries(&idx);
    assert_eq!(idx.insert(&[1.0; 4]), Err(Error::Capacity { capacity: 3 }));
    assert_eq!(idx.len(), 3);
    assert_eq!(entries(&idx), before);
    assert!(idx.insert(&[f32::NAN, 0.0, 0.0, 0.0]).is_err());
    let mut buf = QueryBuf::<3, 2, 4, 4>::new();
    let mut out = Top::<5>::new();
    let st = idx.query(&[1.0, 1.0, 0.0, -1.0], 100, &mut buf, &mut out).unwrap();
    assert_eq!(st.found, 3);
    assert_eq!(out.len(), 3);
    assert!(idx.query(&[f32::INFINITY, 0.0, 0.0, 0.0], 4, &mut buf, &mut out).is_err());
}

/// A zero vector has no direction: inserting or querying one is an error
/// naming it, as is one whose norm overflows, and nothing changes.
#[test]
fn zero_and_overflowing_vectors_are_refused() {
    let mut idx = LshIndex::<4, 3, 2, 4>::new(2);
    idx.insert(&[1.0, 0.0, 0.0, 0.0]).unwrap();
    let before = entries(&idx);
    for bad in [[0.0; 4], [1e30, 0.0, 0.0, 0.0], [1e-30, 0.0, 0.0, 0.0]] {
        assert!(matches!(idx.insert(&bad), Err(Error::InvalidArgument { what: "x", .. })));
        let mut buf = QueryBuf::<3, 2, 4, 4>::new();
        let mut out = Top::<1>::new();
        out.push(Neighbor::NONE).unwrap();
        assert!(matches!(
            idx.query(&bad, 4, &mut buf, &mut out),
            Err(Error::InvalidArgument { what: "q", .. })
        ));
        assert_eq!(out.len(), 1, "out untouched");
        assert!(idx.codes(&bad, &mut [0; 2]).is_err());
    }
    assert_eq!((idx.len(), entries(&idx)), (1, before));
    // Tiny but representable norms are fine.
    idx.insert(&[1e-10, 0.0, 0.0, 0.0]).unwrap();
}

proptest::proptest! {
    #[test]
    fn random_insert_remove_keeps_tables_consistent_and_exhaustive_query_exact(
        ops in proptest::collection::vec(
            (0u8..3, proptest::collection::vec(-4.0f32..4.0, 4), 0u32..14), 1..60),
        q in proptest::collection::vec(-4.0f32..4.0, 4),
    ) {
        let mut idx = LshIndex::<4, 12, 2, 3>::new(5);
        let mut model: [Option<[f32; 4]>; 12] = [None; 12];
        for (op, v, id) in ops {
            let x: [f32; 4] = v.try_into().unwrap();
            if op < 2 {
                let r = idx.insert(&x);
                if dot_unchecked(&x, &x) == 0.0 {
                    proptest::prop_assert!(r.is_err());
                    continue;
                }
                match model.iter().position(|m| m.is_none()) {
                    None => proptest::prop_assert_eq!(r, Err(Error::Capacity { capacity: 12 })),
                    Some(free) => {
                        proptest::prop_assert_eq!(r, Ok(free as u32));
                        model[free] = Some(x);
                    }
                }
            } else {
                let r = idx.remove(id);
                let live = model.get(id as usize).is_some_and(|m| m.is_some());
                proptest::prop_assert_eq!(r.is_ok(), live);
                if live {
                    model[id as usize] = None;
                }
            }
            let n = model.iter().filter(|m| m.is_some()).count();
            proptest::prop_assert_eq!(idx.len(), n);
            for t in 0..2 {
                let e = entries(&idx);
                let table = &e[t * 12..t * 12 + n];
                proptest::prop_assert!(table.windows(2).all(|w| w[0].code <= w[1].code));
                let mut slots: [bool; 12] = [false; 12];
                for e in table {
                    proptest::prop_assert!(!slots[e.slot as usize]);
                    slots[e.slot as usize] = true;
                }
                for (s, m) in slots.iter().zip(&model) {
                    proptest::prop_assert_eq!(*s, m.is_some());
                }
            }
        }
        // Recentring rehashes: tables stay sorted, hold every live slot,
        // and every code is that of the stored vector.
        idx.recenter().unwrap();
        proptest::prop_assert_eq!(idx.check_invariants(), Ok(()));
        // K = 3: 8 buckets per table, 16 probes visit every bucket of both tables.
        let q: [f32; 4] = q.try_into().unwrap();
        if dot_unchecked(&q, &q) == 0.0 {
            return Ok(());
        }
        let mut buf = QueryBuf::<12, 2, 3, 40>::new();
        let mut out = Top::<3>::new();
        let st = idx.query(&q, 16, &mut buf, &mut out).unwrap();
        let n = model.iter().filter(|m| m.is_some()).count();
        proptest::prop_assert_eq!(st.examined, n);
        proptest::prop_assert_eq!(st.found, n.min(3));
        let nq = sqrt(dot_unchecked(&q, &q));
        let mut cos: [f32; 12] = [f32::NEG_INFINITY; 12];
        for (c, m) in cos.iter_mut().zip(&model) {
            if let Some(x) = m {
                let nx = sqrt(dot_unchecked(x, x));
                *c = dot_unchecked(&q, x) / (nx * nq);
            }
        }
        cos.sort_by(|a, b| b.total_cmp(a));
        for (o, c) in out.iter().zip(cos.iter()).take(n.min(3)) {
            proptest::prop_assert!((o.cosine - c).abs() < 1e-4, "{:?} vs {:?}", out, cos);
        }
        // A tiny (or empty) heap degrades the probe order but never panics.
        let mut tiny = QueryBuf::<12, 2, 3, 1>::new();
        proptest::prop_assert!(idx.query(&q, 16, &mut tiny, &mut out).unwrap().found <= 3);
        let mut none = QueryBuf::<12, 2, 3, 0>::new();
        proptest::prop_assert!(idx.query(&q, 16, &mut none, &mut out).unwrap().probes <= 2);
    }
}
