//! The LSH indexes (owned, viewed, `i8`, flash planes) and the binary index.

use crate::{cut, cut_mut, opaque, sink};
use plasticore::heapless;
use plasticore::lsh::{
    self, binary_index_positions, index_planes, index_sign_planes, planes_from_bits, BinaryBuffers,
    BinaryIndex, BinaryIndexView, BinaryParams, BinaryStorage, BinaryView, Entry, HammingNeighbor,
    IndexBuffers, IndexParams, IndexStorage, LshIndex, LshIndexI8, LshIndexI8View, LshIndexView,
    Neighbor, Neighbors, PlaneSource, Probe, QueryBuf, QueryBufView, RamPlanes, ViewStorage,
};

fn params() -> IndexParams {
    IndexParams { dim: opaque(16), tables: opaque(4), bits: opaque(8), capacity: opaque(32) }
}

#[inline(never)]
pub fn check_lsh_index() {
    let p = params();
    sink((p.planes_len(), p.rows_len(), p.entries_len(), p.proj_len(), p.check()));
    let mut planes = opaque([0.0f32; 16 * 4 * 8]);
    index_planes(opaque(1), cut_mut(&mut planes));
    let mut center = opaque([0.0f32; 16]);
    let mut rows = opaque([0.0f32; 16 * 32]);
    let mut live = opaque([false; 32]);
    let mut entries = opaque([Entry::ZERO; 4 * 32]);
    let mut buffers = IndexBuffers {
        planes: cut(&planes),
        center: cut_mut(&mut center),
        rows: cut_mut(&mut rows),
        scales: &mut [],
        live: cut_mut(&mut live),
        entries: cut_mut(&mut entries),
    };
    let (mut proj, mut order) = (opaque([0.0f32; 32]), opaque([0u8; 32]));
    let mut heap = opaque([Probe::default(); 40]);
    let mut seen = opaque([false; 32]);
    let mut scratch = QueryBufView::new(
        cut_mut(&mut proj),
        cut_mut(&mut order),
        cut_mut(&mut heap),
        cut_mut(&mut seen),
        &mut [],
    );
    if let Ok(mut idx) = LshIndexView::new(p, buffers.reborrow()) {
        let x = opaque([0.5f32; 16]);
        let id = idx.insert(cut(&x)).unwrap_or(opaque(3));
        let mut ids = opaque([0u32; 2]);
        sink(idx.insert_all(cut(&opaque([0.25f32; 32])), cut_mut(&mut ids)));
        sink((idx.len(), idx.is_empty(), idx.capacity(), idx.dim()));
        sink((idx.tables(), idx.bits(), idx.contains(opaque(id)), idx.params()));
        let mut codes = opaque([0u32; 4]);
        sink(idx.codes(cut(&x), cut_mut(&mut codes)));
        sink(idx.set_center(cut(&x)));
        sink(idx.recenter());
        let mut out = opaque([Neighbor::NONE; 4]);
        sink(idx.query(cut(&x), opaque(9), &mut scratch, cut_mut(&mut out)));
        sink(idx.remove(opaque(id)));
        sink(idx.check_invariants());
        sink(idx.storage().buffers().live.len());
        idx.clear();
    }
    // Over the buffers as the index left them (or as they came: any contents).
    sink(buffers.as_ref().live.len());
    if let Ok(idx) = LshIndexView::from_storage(ViewStorage::new(p, buffers.reborrow())) {
        sink(idx.check_invariants());
        let mut out = opaque([Neighbor::NONE; 2]);
        sink(idx.query(cut(&opaque([1.0f32; 16])), opaque(64), &mut scratch, cut_mut(&mut out)));
    }
    let mut codes = opaque([0i8; 16 * 32]);
    let mut scales = opaque([0.0f32; 32]);
    let buffers = IndexBuffers {
        planes: cut(&planes),
        center: cut_mut(&mut center),
        rows: cut_mut(&mut codes),
        scales: cut_mut(&mut scales),
        live: cut_mut(&mut live),
        entries: cut_mut(&mut entries),
    };
    if let Ok(mut idx) = LshIndexI8View::new(p, buffers) {
        let x = opaque([0.5f32; 16]);
        sink(idx.insert(cut(&x)));
        let (mut proj, mut order) = (opaque([0.0f32; 32]), opaque([0u8; 32]));
        let mut heap = opaque([Probe::default(); 40]);
        let (mut seen, mut qc) = (opaque([false; 32]), opaque([0i8; 16]));
        let mut scratch = QueryBufView::new(
            cut_mut(&mut proj),
            cut_mut(&mut order),
            cut_mut(&mut heap),
            cut_mut(&mut seen),
            cut_mut(&mut qc),
        );
        let mut out = opaque([Neighbor::NONE; 4]);
        sink(idx.query(cut(&x), opaque(9), &mut scratch, cut_mut(&mut out)));
    }
}

#[inline(never)]
pub fn check_lsh_knn() {
    let n =
        opaque([Neighbor { id: 3, cosine: 0.5 }, Neighbor { id: 1, cosine: 0.4 }, Neighbor::NONE]);
    let labels = opaque([1u8, 2, 3, 2]);
    sink(lsh::knn::vote(cut(&n), |id| labels.get(id as usize).copied()));
}

/// Planes in flash.
static PLANES: [[[f32; 2]; 4]; 1] = planes_from_bits(&[[[0x3f00_0000, 0xbf00_0000]; 4]]);
static SIGNS: [[[f32; 8]; 16]; 4] = index_sign_planes(3);

struct Flash;

impl PlaneSource<4, 1, 2> for Flash {
    fn planes(&self) -> Option<&[[[f32; 2]; 4]; 1]> {
        Some(&PLANES)
    }
}

#[inline(never)]
pub fn check_lsh_const_index() {
    static mut INDEX: LshIndex<16, 32, 4, 8> = LshIndex::zeroed();
    static mut INDEX_I8: LshIndexI8<16, 32, 4, 8> = LshIndexI8::zeroed();
    // SAFETY: single-threaded, no interrupts; each static is borrowed once here.
    let (idx, i8x) =
        unsafe { (&mut *core::ptr::addr_of_mut!(INDEX), &mut *core::ptr::addr_of_mut!(INDEX_I8)) };
    let x = opaque([0.5f32; 16]);
    let mut buf = QueryBuf::<32, 4, 8, 16>::new();
    let mut out = Neighbors::<4>::new();
    sink(idx.insert(&x));
    if opaque(true) {
        idx.reset(opaque(3));
    } else {
        idx.reset_signs(opaque(3));
    }
    sink(idx.set_center(&x));
    let id = idx.insert(&x).unwrap_or(opaque(40));
    let mut ids = opaque([0u32; 2]);
    sink(idx.insert_all(&opaque([[0.5f32; 16]; 2]), cut_mut(&mut ids)));
    sink(idx.planes().map(|p| p[0][0][0]));
    sink((idx.len(), idx.is_empty(), idx.contains(opaque(id))));
    sink(idx.query(&x, opaque(9), &mut buf, &mut out));
    sink(idx.recenter());
    sink(idx.remove(opaque(id)));
    sink(idx.check_invariants());
    i8x.reset(opaque(3));
    sink(i8x.insert(&x));
    sink(i8x.query(&x, opaque(9), &mut buf, &mut out));
    sink(LshIndex::<4, 4, 1, 2>::new(opaque(1)).len());
    let mut flash = LshIndex::<4, 4, 1, 2, Flash>::with_planes(Flash);
    sink(flash.insert(&opaque([1.0f32; 4])));
    flash.clear();
    sink(flash.len());
    let signs = LshIndex::<16, 4, 4, 8>::with_planes(RamPlanes::new(SIGNS));
    sink((signs.len(), lsh::probe_heap_len(opaque(4), opaque(9))));
}

#[inline(never)]
pub fn check_binary_index() {
    let mut bi = BinaryIndex::<8, 16, 4, 8>::new(opaque(1));
    let v = opaque([7u8; 8]);
    let bid = bi.insert(&v).unwrap_or(opaque(99));
    let mut ids = opaque([0u32; 2]);
    sink(bi.insert_all(&opaque([[3u8; 8]; 2]), cut_mut(&mut ids)));
    let mut seen = [false; 16];
    let mut hn = heapless::Vec::<HammingNeighbor, 4>::new();
    sink(bi.query(&v, opaque(5), &mut seen, &mut hn));
    sink((bi.len(), bi.is_empty(), bi.contains(opaque(bid)), bi.remove(opaque(bid))));
    sink((bi.check_invariants(), bi.params(), bi.capacity()));
    let mut bz = BinaryIndex::<8, 16, 4, 8>::zeroed();
    sink(bz.insert(&v));
    bz.reset(opaque(2));
    sink(bz.insert(&v).is_ok());
    bz.clear();
    sink(bz.len());

    let mut pos = opaque([0u32; 4 * 8]);
    sink(binary_index_positions(opaque(1), opaque(64), opaque(8), cut_mut(&mut pos)));
    let p =
        BinaryParams { bytes: opaque(8), tables: opaque(4), bits: opaque(8), capacity: opaque(16) };
    sink(p.check());
    let mut data = opaque([0u8; 8 * 16]);
    let mut live = opaque([false; 16]);
    let mut entries = opaque([Entry::ZERO; 4 * 16]);
    let mut buffers = BinaryBuffers {
        positions: cut(&pos),
        data: cut_mut(&mut data),
        live: cut_mut(&mut live),
        entries: cut_mut(&mut entries),
    };
    sink(buffers.as_ref().live.len());
    if let Ok(mut bi) = BinaryIndexView::new(p, buffers.reborrow()) {
        let id = bi.insert(cut(&v)).unwrap_or(opaque(3));
        sink((bi.len(), bi.capacity(), bi.contains(opaque(id))));
        sink(bi.storage().buffers().live.len());
        let mut seen = opaque([false; 16]);
        let mut hn = opaque([HammingNeighbor::NONE; 4]);
        sink(bi.query(cut(&v), opaque(5), cut_mut(&mut seen), cut_mut(&mut hn)));
        sink(bi.remove(opaque(id)));
    }
    if let Ok(bi) = BinaryIndexView::reopen(p, buffers.reborrow()) {
        sink(bi.check_invariants());
    }
    sink(BinaryIndexView::from_storage(BinaryView::new(p, buffers)).map(|b| b.len()));
}
