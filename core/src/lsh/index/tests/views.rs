//! The index over storage it does not own: views over caller buffers (f32
//! and i8), reopening buffers another index wrote, planes in flash, and the
//! const and run-time faces agreeing.

use super::*;

/// The `i8` view needs its scales and, to query, `d` codes of scratch; it
/// answers as the owned `i8` index over the same planes.
#[test]
fn i8_view_is_checked_and_equals_the_owned_index() {
    let planes = [0.0f32; 2 * 4 * 3];
    let (mut c, mut codes, mut scales) = ([0.0f32; 4], [0i8; 20], [0.0f32; 4]);
    let (mut live, mut e) = ([false; 5], [Entry::default(); 10]);
    let params = IndexParams { dim: 4, tables: 2, bits: 3, capacity: 5 };
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
    assert!(matches!(r, Err(Error::ShapeMismatch { what: "scales", .. })));

    let mut owned = LshIndexI8::<4, 5, 2, 3>::new(8);
    let flat: Vec<f32> = owned.planes().unwrap().as_flattened().as_flattened().to_vec();
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
        Err(Error::ShapeMismatch { what: "scratch codes", .. })
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
            let mut sc =
                QueryBufView::new(&mut proj, &mut order, &mut heap[..heap_len], &mut seen, &mut []);
            let mut padded = [Neighbor::NONE; 5];
            let ss = view.query(&q, probes, &mut sc, &mut padded).unwrap();
            assert_eq!(st, ss, "probes {probes}, heap {heap_len}");
            assert_eq!(top[..], padded[..ss.found]);
            assert!(padded[ss.found..].iter().all(|n| *n == Neighbor::NONE));
        }
    }
}

/// An index reopened over the buffers another index wrote holds the same
/// items and answers the same; reopened over buffers no index wrote, it
/// answers without a panic and its invariant check says so.
#[test]
fn reopen_resumes_the_stored_index() {
    let params = IndexParams { dim: 8, tables: 3, bits: 5, capacity: 20 };
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
        IndexBuffers { planes, center, rows, scales: &mut [], live, entries }
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
    let (mut live, mut entries) = ([true; 20], [Entry { code: u32::MAX, slot: 999 }; 3 * 20]);
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
        buffers(&planes[1..], &mut center, &mut rows, &mut live, &mut entries),
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
fn view_checks_shapes() {
    let params = IndexParams { dim: 3, tables: 2, bits: 4, capacity: 5 };
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
    assert!(
        try_new!(params, &planes[1..], &mut center, &mut rows, &mut live, &mut entries).is_err()
    );
    let wide = IndexParams { bits: 33, ..params };
    assert!(try_new!(wide, &planes, &mut center, &mut rows, &mut live, &mut entries).is_err());
    assert!(
        try_new!(params, &planes, &mut center[1..], &mut rows, &mut live, &mut entries).is_err()
    );
    assert!(
        try_new!(params, &planes, &mut center, &mut rows[1..], &mut live, &mut entries).is_err()
    );
    assert!(
        try_new!(params, &planes, &mut center, &mut rows, &mut live, &mut entries[1..]).is_err()
    );
    let huge = IndexParams { capacity: usize::MAX / 2, ..params };
    assert!(try_new!(huge, &planes, &mut center, &mut rows, &mut live, &mut entries).is_err());
    let mut nan = planes;
    nan[3] = f32::NAN;
    assert!(matches!(
        try_new!(params, &nan, &mut center, &mut rows, &mut live, &mut entries),
        Err(Error::NonFinite { what: "planes", index: 3 })
    ));
    let mut idx =
        try_new!(params, &planes, &mut center, &mut rows, &mut live, &mut entries).unwrap();
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
    assert_eq!(idx.query(&[1.0, 2.0, 3.0], 4, &mut sc, &mut out).unwrap().found, 1);
}
