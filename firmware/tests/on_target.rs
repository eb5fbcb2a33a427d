//! On-target unit tests of the core's kernels (defmt-test), run on the
//! emulated board inside `cargo test`: `cargo test --release --test
//! on_target` in `firmware/` builds this image, and the runner (`plasticore
//! firmware exec`) boots it under QEMU with its defmt log decoded. Every
//! expected value is closed-form, not a figure taken from the code under test.
//! A failing assertion prints over defmt and panics; the firmware library's
//! panic handler exits QEMU with failure, and `cargo test` fails (shown by the
//! `on-target-fail` feature, which adds a test that must fail).
#![no_std]
#![no_main]

// The board, the logger (defmt over semihosting), the panic handler and the
// board's name, which `plasticore firmware exec` reads from the image.
use plasticore_firmware as _;

/// The reference for an integer matrix–vector row: the exact `i64` sum
/// Σ aᵢ·bᵢ, shifted right by `shift` rounding half up, clamped to
/// `[min, max]`.
fn narrowed_dot<T: Copy + Into<i64>>(a: &[T], b: &[T], shift: u32, min: i64, max: i64) -> i64 {
    let s: i64 = a.iter().zip(b).map(|(&x, &y)| x.into() * y.into()).sum();
    let half = if shift == 0 { 0 } else { 1i64 << (shift - 1) };
    ((s + half) >> shift).clamp(min, max)
}

#[defmt_test::tests]
mod tests {
    use super::narrowed_dot;
    use defmt::assert_eq;
    use plasticore::fixed;
    use plasticore::lsh::{LshIndex, Neighbors, PlaneSource, QueryBuf};
    use plasticore::{linalg, Error};

    #[init]
    fn init() {
        // Keeps the board's name in the image for the runner.
        plasticore_firmware::board::keep_name();
    }

    /// f32 dot of small integers is exact: Σ i·(i+1) for i < n is (n−1)n(n+1)/3.
    #[test]
    fn f32_dot_is_exact_on_integers() {
        let a: [f32; 50] = core::array::from_fn(|i| i as f32);
        let b: [f32; 50] = core::array::from_fn(|i| (i + 1) as f32);
        assert_eq!(linalg::dot(&a, &b).unwrap(), (49 * 50 * 51 / 3) as f32);
    }

    /// The f32 dot and row-major matrix–vector product in their documented
    /// summation order, bit for bit, at every length and shape around the
    /// FPU loops' passes (8 elements; 4 rows × 4 columns) and their tails.
    /// The reference is that order written out here: lanes `l` take elements
    /// `8k + l` in turn, then `((l0+l1)+(l2+l3)) + ((l4+l5)+(l6+l7))`; each
    /// row of the product sums its columns in turn.
    #[test]
    fn f32_dot_and_matvec_in_the_documented_order() {
        let mut rng = plasticore::rng::Rng::new(7);
        let mut a = [0.0f32; 45];
        let mut b = [0.0f32; 45];
        rng.fill_uniform(&mut a, -1.0, 1.0);
        rng.fill_uniform(&mut b, -1.0, 1.0);
        for n in 0..=a.len() {
            let mut l = [0.0f32; 8];
            for i in 0..n {
                l[i % 8] += a[i] * b[i];
            }
            let want = ((l[0] + l[1]) + (l[2] + l[3])) + ((l[4] + l[5]) + (l[6] + l[7]));
            let got = linalg::dot(&a[..n], &b[..n]).unwrap();
            assert_eq!(got.to_bits(), want.to_bits(), "n = {}", n);
        }
        let mut m = [0.0f32; 9 * 11];
        rng.fill_uniform(&mut m, -1.0, 1.0);
        for rows in 1..=9 {
            for cols in 1..=11 {
                let mm =
                    linalg::MatRef::new(&m[..rows * cols], rows, cols, linalg::Layout::RowMajor)
                        .unwrap();
                let mut out = [0.0f32; 9];
                linalg::matvec(&mm, &a[..cols], &mut out[..rows]).unwrap();
                for i in 0..rows {
                    let mut want = 0.0f32;
                    for j in 0..cols {
                        want += m[i * cols + j] * a[j];
                    }
                    assert_eq!(out[i].to_bits(), want.to_bits(), "{}x{} row {}", rows, cols, i);
                }
            }
        }
    }

    /// Q15 dot at every length 0..=70 (the DSP loop's passes and every tail):
    /// Σ i·1 = n(n−1)/2, and the extremes: n·(−2¹⁵)² = n·2³⁰.
    #[test]
    fn q15_dot_closed_forms_every_length() {
        let ramp: [i16; 70] = core::array::from_fn(|i| i as i16);
        let ones = [1i16; 70];
        let mins = [i16::MIN; 70];
        for n in 0..=70 {
            let (r, o, m) = (&ramp[..n], &ones[..n], &mins[..n]);
            assert_eq!(fixed::linalg::dot(r, o).unwrap(), (n * n.saturating_sub(1) / 2) as i64);
            assert_eq!(fixed::linalg::dot(m, m).unwrap(), (n as i64) << 30);
        }
    }

    /// Q7 dot at every length 0..=70: Σ (−1)ⁱ·i·1 and n·(−128)² = n·2¹⁴.
    #[test]
    fn q7_dot_closed_forms_every_length() {
        let alt: [i8; 70] = core::array::from_fn(|i| if i % 2 == 0 { i as i8 } else { -(i as i8) });
        let ones = [1i8; 70];
        let mins = [i8::MIN; 70];
        for n in 0..=70 {
            // Σ_{i<n} (−1)^i i = −n/2 for even n, (n−1)/2 for odd n.
            let want = if n % 2 == 0 { -(n as i64) / 2 } else { (n as i64 - 1) / 2 };
            assert_eq!(fixed::linalg::dot(&alt[..n], &ones[..n]).unwrap(), want);
            assert_eq!(fixed::linalg::dot(&mins[..n], &mins[..n]).unwrap(), (n as i64) << 14);
        }
    }

    /// Word-aligned storage, so slices can start at every offset in a word.
    #[repr(align(4))]
    struct Aligned<T>(T);

    /// Q15 and Q7 dots at every start offset within a word (the word-pair
    /// loads need both slices word-aligned together; other offsets take
    /// single-word loads): Σ_{i<n} (o + i)·1 = n·o + n(n−1)/2 for Q15, and
    /// a plain scalar sum for Q7.
    #[test]
    fn dots_at_every_offset_in_a_word() {
        let ramp = Aligned::<[i16; 204]>(core::array::from_fn(|i| i as i16));
        let ones = Aligned([1i16; 204]);
        let bytes =
            Aligned::<[i8; 204]>(core::array::from_fn(|i| (i as u8).wrapping_mul(37) as i8));
        let ones8 = Aligned([1i8; 204]);
        // Short lengths take the single-word loops, 128 and up the word pairs.
        for n in [0usize, 1, 3, 16, 31, 32, 33, 63, 64, 65, 127, 128, 129, 131, 163, 197, 200] {
            for (oa, ob) in [(0, 0), (1, 1), (0, 1), (1, 0)] {
                let got = fixed::linalg::dot(&ramp.0[oa..oa + n], &ones.0[ob..ob + n]).unwrap();
                assert_eq!(got, (n * oa + n * n.saturating_sub(1) / 2) as i64);
            }
            for oa in 0..4 {
                for ob in 0..4 {
                    let (a, b) = (&bytes.0[oa..oa + n], &ones8.0[ob..ob + n]);
                    let want: i64 = a.iter().map(|&v| v as i64).sum();
                    assert_eq!(fixed::linalg::dot(a, b).unwrap(), want);
                }
            }
        }
    }

    /// Quantising at every offset of `out` in a word and every length around
    /// the eight-element pass: x = m/2¹⁶ (Q15) or m/2⁸ (Q7) puts x/scale at
    /// m/2, so every odd m is a tie; the result is m/2 rounded half to even,
    /// saturated, computed here in integers.
    #[test]
    fn quantize_rounds_ties_to_even_at_every_offset_and_length() {
        fn m(i: usize) -> i32 {
            (i as i32 * 7919) % 140_001 - 70_000 + (i as i32 % 3) // odd and even, some saturating
        }
        fn half_even(m: i32) -> i64 {
            let (q, r) = (m.div_euclid(2) as i64, m.rem_euclid(2));
            if r == 0 || q % 2 == 0 {
                q
            } else {
                q + 1
            }
        }
        let x15: [f32; 80] = core::array::from_fn(|i| m(i) as f32 / 65536.0);
        let x7: [f32; 80] = core::array::from_fn(|i| m(i) as f32 / 256.0);
        let mut q15 = Aligned([0i16; 84]);
        let mut q7 = Aligned([0i8; 84]);
        for n in [0usize, 1, 2, 7, 8, 9, 15, 16, 17, 31, 33, 64, 71, 79] {
            for o in 0..4 {
                if o < 2 {
                    let out = &mut q15.0[o..o + n];
                    fixed::quantize(&x15[..n], fixed::Q15_SCALE, out).unwrap();
                    for (i, &g) in out.iter().enumerate() {
                        assert_eq!(g as i64, half_even(m(i)).clamp(-32768, 32767));
                    }
                }
                let out = &mut q7.0[o..o + n];
                fixed::quantize(&x7[..n], fixed::Q7_SCALE, out).unwrap();
                for (i, &g) in out.iter().enumerate() {
                    assert_eq!(g as i64, half_even(m(i)).clamp(-128, 127));
                }
            }
        }
        // A NaN anywhere: an error naming it, `out` untouched.
        let mut x = x15;
        x[37] = f32::NAN;
        q15.0 = [5; 84];
        assert_eq!(
            fixed::quantize(&x, fixed::Q15_SCALE, &mut q15.0[..80]),
            Err(Error::NonFinite { what: "x", index: 37 })
        );
        assert!(q15.0.iter().all(|&v| v == 5));
    }

    /// Dequantising Q15 at both offsets in a word and lengths around the
    /// pass: q·2¹⁵·2⁻¹⁵ gives q back exactly (powers of two), over the whole range.
    #[test]
    fn dequantize_q15_is_exact_at_every_offset_and_length() {
        let q = Aligned::<[i16; 82]>(core::array::from_fn(|i| match i {
            0 => i16::MIN,
            1 => i16::MAX,
            _ => (i as i32 * 12_345 % 65_536 - 32_768) as i16,
        }));
        let mut y = [0.0f32; 82];
        for n in [0usize, 1, 7, 8, 9, 16, 17, 40, 80] {
            for o in 0..2 {
                let src = &q.0[o..o + n];
                fixed::dequantize(src, fixed::Q15_SCALE, &mut y[..n]).unwrap();
                for (&g, &v) in y.iter().zip(src) {
                    assert_eq!((g * 32768.0) as i32, v as i32);
                    assert!(g.abs() <= 1.0);
                }
            }
        }
    }

    /// Matrix–vector product with an even column count (rows word-aligned
    /// together), `x` at both offsets in a word: y_r = r·1000·C exactly.
    #[test]
    fn q15_matvec_at_both_offsets_of_x() {
        const R: usize = 5;
        const C: usize = 36;
        let m = Aligned::<[i16; R * C]>(core::array::from_fn(|k| (k / C) as i16 * 10));
        let xs = Aligned([1i16; C + 1]);
        for off in [0, 1] {
            let mut y = [0i16; R];
            fixed::linalg::matvec(&m.0, R, C, &xs.0[off..off + C], 0, &mut y).unwrap();
            assert_eq!(y, core::array::from_fn(|r| (r * 10 * C) as i16));
        }
    }

    /// Matrix–vector product, odd row count (the two-row loop and the last
    /// row alone): row r of M is r·1, x = 1, so y_r = round(r·c / 2^s).
    #[test]
    fn q15_matvec_rounds_half_up_and_saturates() {
        const R: usize = 5;
        const C: usize = 19;
        let m: [i16; R * C] = core::array::from_fn(|k| (k / C) as i16 * 1000);
        let x = [1i16; C];
        let mut y = [0i16; R];
        fixed::linalg::matvec(&m, R, C, &x, 4, &mut y).unwrap();
        for (r, v) in y.iter().enumerate() {
            let s = (r * 1000 * C) as i64; // exact row sum
            let want = ((s + 8) >> 4).min(i16::MAX as i64);
            assert_eq!(*v as i64, want);
        }
        fixed::linalg::matvec(&m, R, C, &x, 0, &mut y).unwrap();
        assert_eq!(y, [0, 19_000, i16::MAX, i16::MAX, i16::MAX]);
    }

    /// Q15 matrix–vector products around the row-pair assembly's blocks
    /// (16 columns a pass, 8 row pairs a call): widths below, at and past
    /// multiples of 16, odd widths (the two-row loop), row counts that leave
    /// an odd row or a part block, the matrix at both offsets in a word,
    /// full-range values (64-bit sums, saturation), shifts 0 to 63: against
    /// a plain `i64` reference (round half up, saturate).
    #[test]
    fn q15_matvec_every_shape_and_shift() {
        const RMAX: usize = 35;
        const CMAX: usize = 66;
        let mut seed = 777u32;
        let mut next = || {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (seed >> 16) as u16 as i16
        };
        let mbuf = Aligned::<[i16; RMAX * CMAX + 2]>(core::array::from_fn(|_| next()));
        let xbuf = Aligned::<[i16; CMAX + 2]>(core::array::from_fn(|_| next()));
        for cols in [1usize, 2, 14, 15, 16, 17, 18, 30, 32, 33, 34, 48, 64, 66] {
            for rows in [1usize, 2, 3, 16, 17, 19, 32, 35] {
                for off in 0..2 {
                    let m = &mbuf.0[off..off + rows * cols];
                    let x = &xbuf.0[off..off + cols];
                    for shift in [0u32, 1, 15, 16, 31, 40, 63] {
                        let mut y = [0i16; RMAX];
                        fixed::linalg::matvec(m, rows, cols, x, shift, &mut y[..rows]).unwrap();
                        for (r, &got) in y[..rows].iter().enumerate() {
                            let row = &m[r * cols..(r + 1) * cols];
                            let want = narrowed_dot(row, x, shift, -32768, 32767);
                            assert_eq!(
                                got as i64, want,
                                "{}x{} row {} shift {}",
                                rows, cols, r, shift
                            );
                        }
                    }
                }
            }
        }
    }

    /// Q7 matrix–vector products at every width the widened-`x` loop takes
    /// and past it (129 and up: the two-row loop), odd and even row counts,
    /// `x` and the rows at every offset in a word, shifts from 0 to 32:
    /// against a plain `i64` reference (round half up, saturate).
    #[test]
    fn q7_matvec_every_width_and_shift() {
        let mut seed = 12345u32;
        let mut next = || {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (seed >> 24) as u8 as i8
        };
        let mbuf = Aligned::<[i8; 5 * 131 + 4]>(core::array::from_fn(|_| next()));
        let xbuf = Aligned::<[i8; 131 + 4]>(core::array::from_fn(|_| next()));
        for cols in
            [1usize, 3, 4, 5, 7, 8, 9, 12, 15, 16, 17, 24, 31, 32, 33, 64, 65, 127, 128, 129, 131]
        {
            for rows in [1usize, 2, 3, 5] {
                for off in 0..4 {
                    let m = &mbuf.0[off..off + rows * cols];
                    let x = &xbuf.0[3 - off..3 - off + cols];
                    for shift in [0u32, 1, 7, 12, 31, 32] {
                        let mut y = [0i8; 5];
                        fixed::linalg::matvec(m, rows, cols, x, shift, &mut y[..rows]).unwrap();
                        for (r, &got) in y[..rows].iter().enumerate() {
                            let row = &m[r * cols..(r + 1) * cols];
                            let want = narrowed_dot(row, x, shift, -128, 127);
                            assert_eq!(got as i64, want);
                        }
                    }
                }
            }
        }
    }

    /// Bad input is an error on the board too, and leaves the output alone.
    #[test]
    fn shape_errors_leave_output_untouched() {
        let mut y = [7i16; 2];
        let r = fixed::linalg::matvec(&[1i16; 5], 2, 3, &[1; 3], 0, &mut y);
        assert!(matches!(r, Err(Error::ShapeMismatch { .. })));
        assert_eq!(y, [7, 7]);
        assert!(linalg::dot(&[1.0; 3], &[1.0; 2]).is_err());
    }

    /// An index returns a stored vector as its own nearest neighbour, with
    /// cosine 1, and refuses a NaN.
    #[test]
    fn lsh_index_finds_what_it_stored() {
        static INDEX: static_cell::ConstStaticCell<LshIndex<16, 64, 4, 8>> =
            static_cell::ConstStaticCell::new(LshIndex::zeroed());
        let index = INDEX.take();
        index.reset(7);
        let item = |i: usize| -> [f32; 16] {
            core::array::from_fn(|j| ((i * 31 + j * 7) % 17) as f32 - 8.0)
        };
        for i in 0..64 {
            assert_eq!(index.insert(&item(i)).unwrap(), i as u32);
        }
        let mut scratch = QueryBuf::<64, 4, 8, 16>::new();
        let mut best = Neighbors::<3>::new();
        index.query(&item(5), 8, &mut scratch, &mut best).unwrap();
        assert_eq!(best[0].id, 5);
        assert!((best[0].cosine - 1.0).abs() < 1e-6);
        let mut nan = item(5);
        nan[3] = f32::NAN;
        assert!(index.query(&nan, 8, &mut scratch, &mut best).is_err());
        assert!(index.insert(&[0.0; 16]).is_err()); // no direction: refused
        assert!(index.insert(&item(64)).is_err()); // full: refused
    }

    /// An index over planes in flash, named by a zero-sized type: the planes
    /// stay in flash (code memory below 0x2000_0000 on the MPS2 boards,
    /// memory/*.x), the index's own state in RAM (.bss: no reference in it),
    /// and it finds what it stored.
    #[test]
    fn lsh_index_with_planes_in_flash() {
        /// 2 tables × 16 dimensions × 6 bits, ±1 by a fixed pattern.
        static PLANES: [[[f32; 6]; 16]; 2] = {
            let mut p = [[[1.0f32; 6]; 16]; 2];
            let mut n = 0;
            while n < 2 * 16 * 6 {
                if (n * 7 + n / 5) % 3 == 0 {
                    p[n / 96][(n / 6) % 16][n % 6] = -1.0;
                }
                n += 1;
            }
            p
        };
        struct Flash;
        impl PlaneSource<16, 2, 6> for Flash {
            fn planes(&self) -> Option<&[[[f32; 6]; 16]; 2]> {
                Some(&PLANES)
            }
        }
        static INDEX: static_cell::ConstStaticCell<LshIndex<16, 32, 2, 6, Flash>> =
            static_cell::ConstStaticCell::new(LshIndex::with_planes(Flash));
        let index = INDEX.take();
        let planes = index.planes().map_or(usize::MAX, |p| p.as_ptr() as usize);
        assert!(planes < 0x2000_0000);
        assert!((index as *const _ as usize) >= 0x2000_0000);
        let item = |i: usize| -> [f32; 16] {
            core::array::from_fn(|j| ((i * 13 + j * 5) % 11) as f32 - 5.0)
        };
        let mut ids = [0u32; 32];
        let items: [[f32; 16]; 32] = core::array::from_fn(item);
        index.insert_all(&items, &mut ids).unwrap();
        assert_eq!(ids, core::array::from_fn(|i| i as u32));
        let mut scratch = QueryBuf::<32, 2, 6, 8>::new();
        let mut best = Neighbors::<1>::new();
        // Items repeat with period 11 (13i ≡ 2i mod 11); ties go to the lower id.
        for (i, want) in [(0, 0), (5, 5), (10, 10), (31, 9)] {
            index.query(&item(i), 4, &mut scratch, &mut best).unwrap();
            assert_eq!(best[0].id, want);
        }
    }

    /// Q15 ↔ f32: quantising k/2¹⁵ gives k back, and 1.0 saturates to 2¹⁵ − 1.
    #[test]
    fn q15_quantize_round_trips() {
        let x: [f32; 5] = [0.0, 0.5, -0.5, -1.0, 1.0];
        let mut q = [0i16; 5];
        fixed::quantize(&x, fixed::Q15_SCALE, &mut q).unwrap();
        assert_eq!(q, [0, 16384, -16384, -32768, 32767]);
    }

    /// `math::sqrt` (the FPU's VSQRT on this core) is correctly rounded: for
    /// y = sqrt(x), x lies within [(y − ½ulp)², (y + ½ulp)²], squares taken
    /// exactly in f64 (25 significant bits squared fit in 53). Perfect squares
    /// are exact; subnormals, ±0 and +∞ included.
    #[test]
    fn sqrt_is_correctly_rounded() {
        use plasticore::math::sqrt;
        assert_eq!(sqrt(4.0), 2.0);
        assert_eq!(sqrt(0.0).to_bits(), 0.0f32.to_bits());
        assert_eq!(sqrt(-0.0).to_bits(), (-0.0f32).to_bits());
        assert_eq!(sqrt(f32::INFINITY), f32::INFINITY);
        let mut bits: u32 = 1; // from the smallest subnormal up
        while bits < 0x7f80_0000 {
            let x = f32::from_bits(bits);
            let y = sqrt(x);
            let half_ulp = (f32::from_bits(y.to_bits() + 1) as f64 - y as f64) / 2.0;
            let (lo, hi) = (y as f64 - half_ulp, y as f64 + half_ulp);
            assert!(lo * lo <= x as f64 && x as f64 <= hi * hi);
            bits += 1 + bits / 512; // every value up to 512, then 0.2 % apart
        }
        for k in 1..=300u32 {
            let r = k as f32 * 0.5;
            assert_eq!(sqrt(r * r), r); // exact squares
        }
    }

    /// The Q15 Hebbian update (the DSP cores' assembly for row lengths that
    /// are multiples of 4 and aligned buffers, the portable loop otherwise)
    /// against the folded formula written out in `i64`, for every sharing,
    /// aligned and not, with values up to the `i16` extremes (saturation).
    #[test]
    fn q15_hebbian_update_equals_the_formula() {
        use plasticore::hebbian::q15::update_q15;
        use plasticore::hebbian::Sharing;
        let mut x = 0x1234_5678u32;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as i16
        };
        let pre_all = Aligned::<[i16; 17]>(core::array::from_fn(|_| next()));
        let post = [next(), i16::MIN, i16::MAX, -1];
        let h_all = Aligned::<[i16; 4 * 3 * 17]>(core::array::from_fn(|_| next()));
        let w_all = Aligned::<[i16; 3 * 17]>(core::array::from_fn(|_| next()));
        for (n_in, n_out) in [(4, 1), (8, 3), (16, 2), (6, 3), (13, 2)] {
            for off in [0, 1] {
                for sharing in Sharing::ALL {
                    let pre = &pre_all.0[off..off + n_in];
                    let h = &h_all.0[..4 * n_in * n_out];
                    let mut buf = Aligned(w_all.0);
                    let w = &mut buf.0[off..off + n_in * n_out];
                    update_q15(w, pre, &post[..n_out], h, sharing);
                    for j in 0..n_out {
                        let oj14 = (post[j] as i64 + 1) >> 1;
                        for i in 0..n_in {
                            let s = match sharing {
                                Sharing::PerSynapse => 4 * (j * n_in + i),
                                Sharing::PerPostNeuron => 4 * j,
                                Sharing::PerLayer => 0,
                            };
                            let c = |k: usize| h[s + k] as i64;
                            let u = c(0) * oj14 + c(1) * 16384;
                            let t = c(2) * oj14 + c(3) * 16384;
                            let v = ((u * pre[i] as i64) >> 16) + t + 2048;
                            let d = (v >> 12).clamp(-32768, 32767);
                            let w0 = w_all.0[off + j * n_in + i] as i64;
                            assert_eq!(w[j * n_in + i] as i64, (w0 + d).clamp(-32768, 32767));
                        }
                    }
                }
            }
        }
    }

    #[cfg(feature = "on-target-fail")]
    #[test]
    fn fails_on_purpose() {
        assert_eq!(fixed::linalg::dot(&[2i16], &[2]).unwrap(), 5);
    }
}
