extern crate std;

use super::*;
use crate::lsh::probe::probe_heap_len;
use crate::lsh::tables::Entry;
use crate::rng::Rng;
use std::vec::Vec;

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

/// The `i8` view needs its scales and, to query, `d` codes of scratch; it
/// answers as the owned `i8` index over the same planes.
#[test]
fn i8_view_is_checked_and_equals_the_owned_index() {
    let planes = [0.0f32; 2 * 4 * 3];
    let (mut c, mut codes, mut scales) = ([0.0f32; 4], [0i8; 20], [0.0f32; 4]);
    let (mut live, mut e) = ([false; 5], [Entry::default(); 10]);
    let params = IndexParams {
        dim: 4,
        tables: 2,
        bits: 3,
        capacity: 5,
    };
    let r = LshIndexI8View::new(
        params,
        IndexBuffers {
            planes: &planes,
            center: &mut c,
            rows: &mut codes,
            scales: &mut scales,
            live: &mut live,
            entries: &mut e,
        },
    );
    assert!(matches!(
        r,
        Err(Error::ShapeMismatch { what: "scales", .. })
    ));

    let mut owned = LshIndexI8::<4, 5, 2, 3>::new(8);
    let flat: Vec<f32> = owned
        .planes()
        .unwrap()
        .as_flattened()
        .as_flattened()
        .to_vec();
    let (mut c, mut codes, mut scales) = ([0.0f32; 4], [0i8; 20], [0.0f32; 5]);
    let mut view = LshIndexI8View::new(
        params,
        IndexBuffers {
            planes: &flat,
            center: &mut c,
            rows: &mut codes,
            scales: &mut scales,
            live: &mut live,
            entries: &mut e,
        },
    )
    .unwrap();
    let mut rng = Rng::new(2);
    for _ in 0..5 {
        let x: [f32; 4] = normal(&mut rng);
        assert_eq!(owned.insert(&x), view.insert(&x));
    }
    let (mut proj, mut order, mut heap, mut seen) =
        ([0.0f32; 6], [0u8; 6], [Probe::default(); 20], [false; 5]);
    let mut no_codes = QueryBufView::new(&mut proj, &mut order, &mut heap, &mut seen, &mut []);
    let q: [f32; 4] = normal(&mut rng);
    let mut out = [Neighbor::NONE; 2];
    assert!(matches!(
        view.query(&q, 8, &mut no_codes, &mut out),
        Err(Error::ShapeMismatch {
            what: "scratch codes",
            ..
        })
    ));
    let mut qc = [0i8; 4];
    let (mut proj, mut order, mut heap, mut seen) =
        ([0.0f32; 6], [0u8; 6], [Probe::default(); 20], [false; 5]);
    let mut sc = QueryBufView::new(&mut proj, &mut order, &mut heap, &mut seen, &mut qc);
    let st = view.query(&q, 8, &mut sc, &mut out).unwrap();
    let mut buf = QueryBuf::<5, 2, 3, 20>::new();
    let mut top = Top::<2>::new();
    assert_eq!(owned.query(&q, 8, &mut buf, &mut top).unwrap(), st);
    assert_eq!(top[..], out[..st.found]);
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

/// The const face (heapless heap and result list) and the run-time face
/// (caller slices) probe the same buckets in the same order and return the
/// same neighbours, with an exact heap and with heaps too short.
#[test]
fn const_and_slice_faces_agree() {
    let mut idx = LshIndex::<8, 64, 3, 6>::new(11);
    let mut rng = Rng::new(12);
    for _ in 0..50 {
        idx.insert(&normal(&mut rng)).unwrap();
    }
    let mut copy = Copied::of(&idx);
    let view = copy.view();
    for probes in [1, 3, 7, 20, 40] {
        let q: [f32; 8] = normal(&mut rng);
        let mut exact = QueryBuf::<64, 3, 6, { probe_heap_len(3, 40) }>::new();
        let mut short = QueryBuf::<64, 3, 6, 4>::new();
        for heap_len in [probe_heap_len(3, 40), 4] {
            let mut top = Top::<5>::new();
            let st = if heap_len == 4 {
                idx.query(&q, probes, &mut short, &mut top).unwrap()
            } else {
                idx.query(&q, probes, &mut exact, &mut top).unwrap()
            };
            let (mut proj, mut order, mut seen) = ([0.0; 18], [0u8; 18], [false; 64]);
            let mut heap = [Probe::default(); probe_heap_len(3, 40)];
            let mut sc = QueryBufView::new(
                &mut proj,
                &mut order,
                &mut heap[..heap_len],
                &mut seen,
                &mut [],
            );
            let mut padded = [Neighbor::NONE; 5];
            let ss = view.query(&q, probes, &mut sc, &mut padded).unwrap();
            assert_eq!(st, ss, "probes {probes}, heap {heap_len}");
            assert_eq!(top[..], padded[..ss.found]);
            assert!(padded[ss.found..].iter().all(|n| *n == Neighbor::NONE));
        }
    }
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
    assert_eq!(
        bulk.insert_all(&data[..12], &mut ids),
        Err(Error::Capacity { capacity: 48 })
    );
    let mut nan = data[..2].to_vec();
    nan[1][5] = f32::NAN;
    assert!(bulk.insert_all(&nan, &mut ids[..2]).is_err());
    let mut zero = data[..2].to_vec();
    zero[1] = [0.0; 8];
    assert!(matches!(
        bulk.insert_all(&zero, &mut ids[..2]),
        Err(Error::InvalidArgument { .. })
    ));
    assert!(bulk.insert_all(&data[..2], &mut ids[..3]).is_err());
    assert_eq!(
        bulk.storage().buffers().live,
        before.storage().buffers().live
    );
    assert_eq!(entries(&bulk), entries(&before));
    assert_eq!(bulk.len(), before.len());
    // Exactly the free slots fit.
    bulk.insert_all(&data[..11], &mut ids[..11]).unwrap();
    assert_eq!(bulk.len(), 48);
    bulk.check_invariants().unwrap();
}

/// An index reopened over the buffers another index wrote holds the same
/// items and answers the same; reopened over buffers no index wrote, it
/// answers without a panic and its invariant check says so.
#[test]
fn reopen_resumes_the_stored_index() {
    let params = IndexParams {
        dim: 8,
        tables: 3,
        bits: 5,
        capacity: 20,
    };
    let mut planes = [0.0f32; 3 * 8 * 5];
    index_planes(9, &mut planes);
    let (mut center, mut rows) = ([0.0f32; 8], [0.0f32; 20 * 8]);
    let (mut live, mut entries) = ([false; 20], [Entry::default(); 3 * 20]);
    let mut rng = Rng::new(5);
    let data: [[f32; 8]; 12] = core::array::from_fn(|_| normal(&mut rng));
    let (mut proj, mut order, mut heap, mut seen) =
        ([0.0f32; 15], [0u8; 15], [Probe::default(); 40], [false; 20]);
    let mut sc = QueryBufView::new(&mut proj, &mut order, &mut heap, &mut seen, &mut []);
    let mut want = [[Neighbor::NONE; 3]; 12];
    fn buffers<'a>(
        planes: &'a [f32],
        center: &'a mut [f32],
        rows: &'a mut [f32],
        live: &'a mut [bool],
        entries: &'a mut [Entry],
    ) -> IndexBuffers<'a, f32> {
        IndexBuffers {
            planes,
            center,
            rows,
            scales: &mut [],
            live,
            entries,
        }
    }
    {
        let mut a = LshIndexView::new(
            params,
            buffers(&planes, &mut center, &mut rows, &mut live, &mut entries),
        )
        .unwrap();
        for x in &data {
            a.insert(x).unwrap();
        }
        a.remove(4).unwrap();
        a.recenter().unwrap();
        for (q, w) in data.iter().zip(want.iter_mut()) {
            a.query(q, 16, &mut sc, w).unwrap();
        }
    }
    let mut b = LshIndexView::reopen(
        params,
        buffers(&planes, &mut center, &mut rows, &mut live, &mut entries),
    )
    .unwrap();
    assert_eq!((b.len(), b.capacity(), b.contains(4)), (11, 20, false));
    b.check_invariants().unwrap();
    for (q, w) in data.iter().zip(&want) {
        let mut got = [Neighbor::NONE; 3];
        b.query(q, 16, &mut sc, &mut got).unwrap();
        assert_eq!(&got, w);
    }
    // The next insert takes the freed slot, as it would have before.
    assert_eq!(b.insert(&data[4]), Ok(4));
    // Buffers that no index wrote: slots and codes out of range.
    let (mut live, mut entries) = (
        [true; 20],
        [Entry {
            code: u32::MAX,
            slot: 999,
        }; 3 * 20],
    );
    let mut rows = [f32::NAN; 20 * 8];
    let c = LshIndexView::reopen(
        params,
        buffers(&planes, &mut center, &mut rows, &mut live, &mut entries),
    )
    .unwrap();
    let mut got = [Neighbor::NONE; 3];
    assert!(c.query(&data[0], 16, &mut sc, &mut got).is_ok());
    assert!(c.check_invariants().is_err());
    // Wrong lengths are refused as by `new`.
    assert!(LshIndexView::reopen(
        params,
        buffers(
            &planes[1..],
            &mut center,
            &mut rows,
            &mut live,
            &mut entries
        ),
    )
    .is_err());
}

/// Planes for tests, built at compile time (an LCG, uniform in [−1, 1)).
static FLASH_PLANES: [[[f32; 5]; 8]; 3] = {
    let mut p = [[[0.0f32; 5]; 8]; 3];
    let mut s = 1u32;
    let mut n = 0;
    while n < 3 * 8 * 5 {
        s = s.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        p[n / 40][(n / 5) % 8][n % 5] = (s >> 8) as f32 / 8_388_608.0 - 1.0;
        n += 1;
    }
    p
};

/// Planes in flash, named by a zero-sized type.
#[derive(Debug, Clone)]
struct Flash;

impl PlaneSource<8, 3, 5> for Flash {
    fn planes(&self) -> Option<&[[[f32; 5]; 8]; 3]> {
        Some(&FLASH_PLANES)
    }
}

/// An index over planes in flash behaves as one that owns the same planes,
/// and leaves their bytes out of its own size.
#[test]
fn flash_planes_index_equals_owned() {
    static STATIC_INDEX: LshIndex<8, 48, 3, 5, Flash> = LshIndex::with_planes(Flash);
    let mut flash = STATIC_INDEX.clone();
    let mut owned = LshIndex::<8, 48, 3, 5>::with_planes(RamPlanes::new(FLASH_PLANES));
    assert_eq!(flash.planes(), owned.planes());
    let mut rng = Rng::new(5);
    let data: [[f32; 8]; 30] = core::array::from_fn(|_| normal(&mut rng));
    for x in &data {
        assert_eq!(flash.insert(x), owned.insert(x));
    }
    flash.recenter().unwrap();
    owned.recenter().unwrap();
    assert_eq!(entries(&flash), entries(&owned));
    let mut buf = QueryBuf::<48, 3, 5, { probe_heap_len(3, 9) }>::new();
    let (mut a, mut b) = (Top::<3>::new(), Top::<3>::new());
    for q in &data {
        let sa = flash.query(q, 9, &mut buf, &mut a).unwrap();
        let sb = owned.query(q, 9, &mut buf, &mut b).unwrap();
        assert_eq!((sa, &a), (sb, &b));
    }
    flash.clear();
    assert!(flash.is_empty());
    assert_eq!(flash.planes(), Some(&FLASH_PLANES));
    let planes_bytes = core::mem::size_of_val(&FLASH_PLANES);
    assert!(
        core::mem::size_of_val(&flash) + planes_bytes <= core::mem::size_of_val(&owned),
        "the flash index holds no planes"
    );
}

/// ±1 planes drawn at compile time equal the slice kernel's, and an index
/// reset with signs uses them.
#[test]
fn sign_planes_are_the_slice_kernels() {
    const P: [[[f32; 5]; 8]; 3] = index_sign_planes(42);
    let mut flat = [0.0f32; 3 * 8 * 5];
    crate::lsh::hyperplane::sign_planes(42, 5, &mut flat).unwrap();
    assert_eq!(P.as_flattened().as_flattened(), &flat[..]);
    let wide: [[[f32; 40]; 2]; 1] = index_sign_planes(3);
    let mut flat = [0.0f32; 80];
    crate::lsh::hyperplane::sign_planes(3, 40, &mut flat).unwrap();
    assert_eq!(wide.as_flattened().as_flattened(), &flat[..]);
    let mut idx = LshIndex::<8, 4, 3, 5>::zeroed();
    idx.reset_signs(42);
    assert_eq!(idx.planes(), Some(&P));
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
        Err(Error::InvalidArgument {
            what: "id",
            expected: "the id of a stored item"
        })
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
    let st = idx
        .query(&[1.0, 1.0, 0.0, -1.0], 100, &mut buf, &mut out)
        .unwrap();
    assert_eq!(st.found, 3);
    assert_eq!(out.len(), 3);
    assert!(idx
        .query(&[f32::INFINITY, 0.0, 0.0, 0.0], 4, &mut buf, &mut out)
        .is_err());
}

/// A zero vector has no direction: inserting or querying one is an error
/// naming it, as is one whose norm overflows, and nothing changes.
#[test]
fn zero_and_overflowing_vectors_are_refused() {
    let mut idx = LshIndex::<4, 3, 2, 4>::new(2);
    idx.insert(&[1.0, 0.0, 0.0, 0.0]).unwrap();
    let before = entries(&idx);
    for bad in [[0.0; 4], [1e30, 0.0, 0.0, 0.0], [1e-30, 0.0, 0.0, 0.0]] {
        assert!(matches!(
            idx.insert(&bad),
            Err(Error::InvalidArgument { what: "x", .. })
        ));
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

#[test]
fn view_checks_shapes() {
    let params = IndexParams {
        dim: 3,
        tables: 2,
        bits: 4,
        capacity: 5,
    };
    let planes = [0.5f32; 2 * 3 * 4];
    let mut center = [0.0f32; 3];
    let mut rows = [0.0f32; 3 * 5];
    let mut live = [false; 5];
    let mut entries = [Entry::default(); 2 * 5];
    macro_rules! try_new {
        ($params:expr, $planes:expr, $center:expr, $rows:expr, $live:expr, $entries:expr) => {
            LshIndexView::new(
                $params,
                IndexBuffers {
                    planes: $planes,
                    center: $center,
                    rows: $rows,
                    scales: &mut [],
                    live: $live,
                    entries: $entries,
                },
            )
        };
    }
    assert!(try_new!(
        params,
        &planes[1..],
        &mut center,
        &mut rows,
        &mut live,
        &mut entries
    )
    .is_err());
    let wide = IndexParams { bits: 33, ..params };
    assert!(try_new!(
        wide,
        &planes,
        &mut center,
        &mut rows,
        &mut live,
        &mut entries
    )
    .is_err());
    assert!(try_new!(
        params,
        &planes,
        &mut center[1..],
        &mut rows,
        &mut live,
        &mut entries
    )
    .is_err());
    assert!(try_new!(
        params,
        &planes,
        &mut center,
        &mut rows[1..],
        &mut live,
        &mut entries
    )
    .is_err());
    assert!(try_new!(
        params,
        &planes,
        &mut center,
        &mut rows,
        &mut live,
        &mut entries[1..]
    )
    .is_err());
    let huge = IndexParams {
        capacity: usize::MAX / 2,
        ..params
    };
    assert!(try_new!(
        huge,
        &planes,
        &mut center,
        &mut rows,
        &mut live,
        &mut entries
    )
    .is_err());
    let mut nan = planes;
    nan[3] = f32::NAN;
    assert!(matches!(
        try_new!(
            params,
            &nan,
            &mut center,
            &mut rows,
            &mut live,
            &mut entries
        ),
        Err(Error::NonFinite {
            what: "planes",
            index: 3
        })
    ));
    let mut idx = try_new!(
        params,
        &planes,
        &mut center,
        &mut rows,
        &mut live,
        &mut entries
    )
    .unwrap();
    assert!(idx.insert(&[1.0, 2.0]).is_err());
    idx.insert(&[1.0, 2.0, 3.0]).unwrap();
    let mut codes = [0u32; 2];
    idx.codes(&[1.0, 2.0, 3.0], &mut codes).unwrap();
    assert_eq!(codes, [0b1111, 0b1111]);
    let mut short = [false; 4];
    let (mut proj, mut order, mut heap, mut seen) =
        ([0.0; 8], [0u8; 8], [Probe::default(); 4], [false; 5]);
    let mut out = [Neighbor::NONE; 1];
    let mut sc = QueryBufView::new(&mut proj, &mut order, &mut heap, &mut short, &mut []);
    assert!(idx.query(&[1.0, 2.0, 3.0], 4, &mut sc, &mut out).is_err());
    let (mut proj, mut order, mut heap) = ([0.0; 8], [0u8; 8], [Probe::default(); 4]);
    let mut sc = QueryBufView::new(&mut proj, &mut order, &mut heap, &mut seen, &mut []);
    assert_eq!(
        idx.query(&[1.0, 2.0, 3.0], 4, &mut sc, &mut out)
            .unwrap()
            .found,
        1
    );
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
