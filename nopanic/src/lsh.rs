//! The hash families (hyperplane, angular, cross-polytope, binary, ternary).

use crate::{cut, cut_mut, opaque, sink};
use plasticore::lsh::angular::{self, Angular, SeededAngular};
use plasticore::lsh::binary::{self, BitSample, Syndrome};
use plasticore::lsh::crosspolytope::{self, CrossPolytope, SeededCrossPolytope};
use plasticore::lsh::hyperplane::{self, Hyperplane, SeededHyperplane, SeededSignHyperplane};
use plasticore::lsh::ternary::{self, TernaryPlanes};
use plasticore::lsh::{self, binary_index_positions};

#[inline(never)]
pub fn check_ternary() {
    let mut planes = opaque([0i8; 16 * 32]);
    sink(ternary::sign_planes_i8(opaque(3), opaque(32), cut_mut(&mut planes)));
    let x = opaque([100i16; 16]);
    let x8 = opaque([100i8; 16]);
    if let Ok(p) = TernaryPlanes::new(cut(&planes), opaque(16), opaque(32)) {
        let mut code = opaque([0u8; 4]);
        sink((p.dim(), p.bits(), p.project(cut(&x), opaque(40))));
        sink(p.hash(cut(&x), cut_mut(&mut code)));
        sink(p.hash(cut(&x8), cut_mut(&mut code)));
        sink(p.hash_u64(cut(&x)));
        sink(p.hash_u64(cut(&x8)));
    }
    let mut yy = opaque([0i32; 16]);
    sink(ternary::crosspolytope_bucket_i(cut(&x), opaque(5), opaque(2), cut_mut(&mut yy)));
    sink(ternary::crosspolytope_bucket_i(cut(&x8), opaque(5), opaque(2), cut_mut(&mut yy)));
}

#[inline(never)]
pub fn check_lsh_hashes() {
    let x = opaque([0.25f32; 16]);
    let mut planes = opaque([0.0f32; 16 * 32]);
    hyperplane::hyperplane_planes(opaque(1), cut_mut(&mut planes));
    sink(hyperplane::sign_planes(opaque(1), opaque(32), cut_mut(&mut planes)));
    let mut proj = opaque([0.0f32; 32]);
    let mut code = opaque([0u8; 4]);
    let mut words = opaque([0u32; 1]);
    sink(hyperplane::hyperplane_project(cut(&x), cut(&planes), cut_mut(&mut proj)));
    sink(hyperplane::hyperplane_hash(
        cut(&x),
        cut(&planes),
        cut_mut(&mut proj),
        cut_mut(&mut code),
    ));
    sink(hyperplane::hyperplane_project_seeded(cut(&x), opaque(2), cut_mut(&mut proj)));
    sink(hyperplane::hyperplane_project_sign_seeded(cut(&x), opaque(2), cut_mut(&mut proj)));
    sink(hyperplane::hyperplane_hash_seeded(
        cut(&x),
        opaque(2),
        cut_mut(&mut proj),
        cut_mut(&mut code),
    ));
    sink(hyperplane::pack_signs(cut(&proj), cut_mut(&mut code)));
    sink(hyperplane::pack_signs_words(cut(&proj), cut_mut(&mut words)));
    sink((hyperplane::code_bytes(opaque(usize::MAX)), hyperplane::code_words(opaque(usize::MAX))));
    let xa = opaque([0.25f32; 16]);
    let hp = Hyperplane::<16, 32>::new(opaque(3));
    let hs = Hyperplane::<16, 32>::new_sign(opaque(3));
    let mut p32 = [0.0f32; 32];
    sink(hp.project(&xa, &mut p32));
    sink(hs.hash_u64(&xa, &mut p32));
    sink(hp.hash_words(&xa, &mut p32, cut_mut(&mut words)));
    let xs5 = opaque([[0.25f32; 16]; 5]);
    let mut codes5 = opaque([0u64; 5]);
    sink(hp.hash_batch(cut(&xs5), cut_mut(&mut codes5)));
    let flat = opaque([0.25f32; 16 * 5]);
    let planes_flat = opaque([0.5f32; 16 * 32]);
    let mut code_bytes5 = opaque([0u8; 4 * 5]);
    sink(hyperplane::hyperplane_hash_batch(
        cut(&flat),
        cut(&planes_flat),
        opaque(32),
        cut_mut(&mut code_bytes5),
    ));
    if let Ok(h) = Hyperplane::<16, 32>::from_planes(opaque([[0.5; 32]; 16])) {
        sink(h.project(&xa, &mut p32));
    }
    let sh = SeededHyperplane::<16, 32>::new(opaque(4));
    sink(sh.project(&xa, &mut p32));
    sink(sh.hash_u64(&xa, &mut p32));
    let ss = SeededSignHyperplane::<16, 32>::new(opaque(4));
    sink(ss.project(&xa, &mut p32));
    sink(ss.hash_words(&xa, &mut p32, cut_mut(&mut words)));
    let a = opaque([1u8; 8]);
    let b = opaque([2u8; 8]);
    sink(lsh::hamming(cut(&a), cut(&b)));
    let wa = opaque([1u32; 2]);
    sink(lsh::hamming_words(cut(&wa), cut(&wa)));
}

#[inline(never)]
pub fn check_lsh_angular_crosspolytope() {
    let x = opaque([0.25f32; 16]);
    let mut rot = opaque([0.0f32; 16 * 2 * 4]);
    angular::angular_rotations(opaque(1), cut_mut(&mut rot));
    sink(angular::angular_bucket(cut(&x), cut(&rot), opaque(8), opaque(4)));
    let mut buckets = opaque([0u32; 2]);
    sink(angular::angular_hash(cut(&x), cut(&rot), opaque(2), opaque(4), cut_mut(&mut buckets)));
    let mut scratch = opaque([0.0f32; 8]);
    sink(angular::angular_hash_seeded(
        cut(&x),
        opaque(1),
        opaque(2),
        opaque(4),
        cut_mut(&mut scratch),
        cut_mut(&mut buckets),
    ));
    let xa = opaque([0.25f32; 16]);
    let mut sc = [[0.0f32; 4]; 2];
    let mut bk = [0u32; 2];
    sink(Angular::<16, 2, 4>::new(opaque(1)).hash(&xa, &mut sc, &mut bk));
    sink(SeededAngular::<16, 2, 4>::new(opaque(1)).hash(&xa, &mut sc, &mut bk));
    let mut signs = opaque([0.0f32; 3 * 16]);
    sink(crosspolytope::crosspolytope_signs(opaque(1), opaque(16), cut_mut(&mut signs)));
    let mut s16 = opaque([0.0f32; 16]);
    sink(crosspolytope::crosspolytope_bucket(cut(&x), cut(&signs), opaque(16), cut_mut(&mut s16)));
    sink(crosspolytope::crosspolytope_bucket_seeded(
        cut(&x),
        opaque(1),
        opaque(3),
        cut_mut(&mut s16),
    ));
    let mut sb = opaque([0.0f32; crosspolytope::batch_scratch_len(16)]);
    let mut cb = opaque([0u32; 4]);
    sink(crosspolytope::crosspolytope_bucket_batch(
        cut(&[0.5f32; 4 * 12]),
        opaque(12),
        cut(&signs),
        opaque(16),
        cut_mut(&mut sb),
        cut_mut(&mut cb),
    ));
    let mut s16a = [0.0f32; 16];
    sink(CrossPolytope::<16, 3, 1>::new(opaque(2)).bucket(cut(&x), &mut s16a));
    sink(SeededCrossPolytope::<16, 3>::new(opaque(2)).bucket(cut(&x), &mut s16a));
    let mut fi = opaque([1i32; 16]);
    sink(crosspolytope::fwht(cut_mut(&mut fi)));
    sink(crosspolytope::fwht(cut_mut(&mut s16)));
}

#[inline(never)]
pub fn check_lsh_binary() {
    let x = opaque([0xA5u8; 8]);
    sink(binary::get_bit(cut(&x), opaque(70)));
    let mut pos = opaque([0u32; 8]);
    sink(binary::bitsample_positions(opaque(1), opaque(64), cut_mut(&mut pos)));
    sink(binary::bitsample(cut(&x), cut(&pos)));
    let mut h = opaque([0u8; 8 * 8]);
    sink(binary::sparse_parity_check(opaque(1), opaque(8), opaque(8), opaque(3), cut_mut(&mut h)));
    sink(binary::syndrome(cut(&x), cut(&h)));
    if let Ok(bs) = BitSample::<8>::new(opaque(1), opaque(64)) {
        sink(bs.hash(cut(&x)));
    }
    if let Ok(sy) = Syndrome::<8, 8>::new(opaque(1), opaque(64), opaque(3)) {
        sink(sy.hash(&opaque([1u8; 8])));
    }
    sink(binary_index_positions(opaque(1), opaque(64), opaque(8), cut_mut(&mut pos)));
}
