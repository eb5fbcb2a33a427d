//! CMSIS-DSP's reference kernels, on exactly the inputs of the plasticore
//! cases they are compared with, under the same meter — so the report's
//! "plasticore vs CMSIS-DSP" ratios come from one run on one counter.
//!
//! Present only when `plasticore bench` built CMSIS-DSP for this core and
//! passed it in `PLASTICORE_CMSIS_LIB` (cfg `cmsis_ref`, set by build.rs); the
//! C objects come from the pinned `cmsisdsp` source distribution, compiled
//! with arm-none-eabi-gcc -O3 -DARM_MATH_LOOPUNROLL and linked with libgcc
//! (whose soft-float routines they call on cores without an FPU).

use plasticore::cost;
use plasticore_selftest::inputs::{self, ints, uniform, Words};
use plasticore_selftest::{outcome, ram, Case, Meter, Outcome};

/// `arm_matrix_instance_{f32,q15,q7}`: rows, columns, row-major data.
#[repr(C)]
struct ArmMatrix<T> {
    rows: u16,
    cols: u16,
    data: *const T,
}

extern "C" {
    fn arm_dot_prod_f32(a: *const f32, b: *const f32, n: u32, result: *mut f32);
    fn arm_dot_prod_q15(a: *const i16, b: *const i16, n: u32, result: *mut i64);
    fn arm_dot_prod_q7(a: *const i8, b: *const i8, n: u32, result: *mut i32);
    fn arm_mat_vec_mult_f32(m: *const ArmMatrix<f32>, v: *const f32, dst: *mut f32);
    fn arm_mat_vec_mult_q15(m: *const ArmMatrix<i16>, v: *const i16, dst: *mut i16);
    fn arm_mat_vec_mult_q7(m: *const ArmMatrix<i8>, v: *const i8, dst: *mut i8);
    fn arm_mat_mult_f32(
        a: *const ArmMatrix<f32>,
        b: *const ArmMatrix<f32>,
        c: *mut ArmMatrix<f32>,
    ) -> i8;
    fn arm_mat_mult_q15(
        a: *const ArmMatrix<i16>,
        b: *const ArmMatrix<i16>,
        c: *mut ArmMatrix<i16>,
        state: *mut i16,
    ) -> i8;
    fn arm_float_to_q15(src: *const f32, dst: *mut i16, n: u32);
    fn arm_float_to_q7(src: *const f32, dst: *mut i8, n: u32);
    fn arm_q15_to_float(src: *const i16, dst: *mut f32, n: u32);
    fn arm_kullback_leibler_f32(p: *const f32, q: *const f32, n: u32) -> f32;
    fn arm_logsumexp_f32(x: *const f32, n: u32) -> f32;
    fn arm_fir_f32(s: *const ArmFir, src: *const f32, dst: *mut f32, n: u32);
    fn arm_scale_f32(src: *const f32, scale: f32, dst: *mut f32, n: u32);
    fn arm_add_f32(a: *const f32, b: *const f32, dst: *mut f32, n: u32);
}

/// `arm_fir_instance_f32`: taps, state (taps + block − 1 samples), coefficients.
#[repr(C)]
struct ArmFir {
    taps: u16,
    state: *mut f32,
    coeffs: *const f32,
}

/// `(q31_t)(x · 2^(bits−1))` (C truncates toward zero), saturated: CMSIS-DSP's
/// float-to-fixed conversion without `ARM_MATH_ROUNDING`, as it is built here.
fn truncate_ref(x: &[f32], one: f64, min: f64, max: f64, got: &[f32], out: &mut [f64]) -> bool {
    let mut exact = true;
    for ((w, &v), &g) in out.iter_mut().zip(x).zip(got) {
        *w = libm::trunc(v as f64 * one).clamp(min, max);
        exact &= g as f64 == *w;
    }
    exact
}

fn float_to_q15(m: &mut dyn Meter) -> Outcome {
    let x = inputs::quantize_source(32768.0);
    let mut q = Words([0i16; 256]);
    // SAFETY: `x` holds 256 f32s, `q` room for 256 i16s.
    m.measure(&mut || unsafe { arm_float_to_q15(x.as_ptr(), q.0.as_mut_ptr(), 256) });
    let got: [f32; 256] = core::array::from_fn(|i| q[i] as f32);
    let mut want = [0.0f64; 256];
    let exact = truncate_ref(&x, 32768.0, -32768.0, 32767.0, &got, &mut want);
    outcome(exact, &got, &want, 0.0)
}

fn float_to_q7(m: &mut dyn Meter) -> Outcome {
    let x = inputs::quantize_source(128.0);
    let mut q = Words([0i8; 256]);
    // SAFETY: `x` holds 256 f32s, `q` room for 256 i8s.
    m.measure(&mut || unsafe { arm_float_to_q7(x.as_ptr(), q.0.as_mut_ptr(), 256) });
    let got: [f32; 256] = core::array::from_fn(|i| q[i] as f32);
    let mut want = [0.0f64; 256];
    let exact = truncate_ref(&x, 128.0, -128.0, 127.0, &got, &mut want);
    outcome(exact, &got, &want, 0.0)
}

fn q15_to_float(m: &mut dyn Meter) -> Outcome {
    let q = &ints::<i16, 256>(inputs::FIXED_DOT.0).0;
    let mut y = [0.0f32; 256];
    // SAFETY: `q` holds 256 i16s, `y` room for 256 f32s.
    m.measure(&mut || unsafe { arm_q15_to_float(q.as_ptr(), y.as_mut_ptr(), 256) });
    let want: [f64; 256] = core::array::from_fn(|i| q[i] as f64 / 32768.0);
    outcome(true, &y, &want, 0.0)
}

const MM: usize = 16;

fn mat_mult_f32(m: &mut dyn Meter) -> Outcome {
    let a = uniform::<{ MM * MM }>(7);
    let b = uniform::<{ MM * MM }>(8);
    let mut c = [0.0f32; MM * MM];
    let (am, bm) = (
        ArmMatrix { rows: 16, cols: 16, data: a.as_ptr() },
        ArmMatrix { rows: 16, cols: 16, data: b.as_ptr() },
    );
    let mut cm = ArmMatrix { rows: 16, cols: 16, data: c.as_mut_ptr() as *const f32 };
    let mut status = 0;
    // SAFETY: each instance describes a 16 × 16 array that outlives the call; CMSIS writes `c` only.
    m.measure(&mut || status = unsafe { arm_mat_mult_f32(&am, &bm, &mut cm) });
    let want: [f64; MM * MM] = core::array::from_fn(|ij| {
        let (i, j) = (ij / MM, ij % MM);
        (0..MM).map(|k| a[i * MM + k] as f64 * b[k * MM + j] as f64).sum()
    });
    outcome(status == 0, &c, &want, 1e-5)
}

fn mat_mult_q15(m: &mut dyn Meter) -> Outcome {
    let a = &ints::<i16, { MM * MM }>(inputs::FIXED_MATVEC.0).0;
    let b = &ints::<i16, { MM * MM }>(inputs::FIXED_MATVEC.1).0;
    let mut c = [0i16; MM * MM];
    let mut state = Words([0i16; MM * MM]);
    let am = ArmMatrix { rows: 16, cols: 16, data: a.as_ptr() };
    let bm = ArmMatrix { rows: 16, cols: 16, data: b.as_ptr() };
    let mut cm = ArmMatrix { rows: 16, cols: 16, data: c.as_mut_ptr() as *const i16 };
    let mut status = 0;
    // SAFETY: as for mat_mult_f32; `state` has room for Bᵀ (256 q15).
    m.measure(&mut || {
        status = unsafe { arm_mat_mult_q15(&am, &bm, &mut cm, state.0.as_mut_ptr()) }
    });
    let mut got = [0.0f32; MM * MM];
    let mut want = [0.0f64; MM * MM];
    let mut exact = status == 0;
    for ij in 0..MM * MM {
        let (i, j) = (ij / MM, ij % MM);
        let s: i64 = (0..MM).map(|k| a[i * MM + k] as i64 * b[k * MM + j] as i64).sum();
        // CMSIS-DSP truncates (an arithmetic shift), then saturates.
        want[ij] = (s >> 15).clamp(-32768, 32767) as f64;
        got[ij] = c[ij] as f32;
        exact &= got[ij] as f64 == want[ij];
    }
    outcome(exact, &got, &want, 0.0)
}

fn kullback_leibler(m: &mut dyn Meter) -> Outcome {
    let (p, q) = inputs::kl_pair();
    let mut r = 0.0f32;
    // SAFETY: `p` and `q` hold 64 f32s each.
    m.measure(&mut || r = unsafe { arm_kullback_leibler_f32(p.as_ptr(), q.as_ptr(), 64) });
    // CMSIS-DSP returns −Σ p ln(q/p) = KL(p‖q).
    let want: f64 =
        p.iter().zip(&q).map(|(&a, &b)| a as f64 * libm::log(a as f64 / b as f64)).sum();
    outcome(true, &[r], &[want], 1e-5)
}

fn logsumexp(m: &mut dyn Meter) -> Outcome {
    let x = inputs::logits();
    let mut r = 0.0f32;
    // SAFETY: `x` holds 64 f32s.
    m.measure(&mut || r = unsafe { arm_logsumexp_f32(x.as_ptr(), 64) });
    let mx = x.iter().copied().fold(f32::NEG_INFINITY, f32::max) as f64;
    let z: f64 = x.iter().map(|&v| libm::exp(v as f64 - mx)).sum();
    outcome(true, &[r], &[mx + libm::log(z)], 1e-6)
}

const TAPS: usize = 7;

fn fir_moving_average(m: &mut dyn Meter) -> Outcome {
    let x = inputs::moving_average_source();
    let coeffs = [1.0f32 / TAPS as f32; TAPS];
    let mut state = [0.0f32; 256 + TAPS - 1];
    let mut y = [0.0f32; 256];
    let fir = ArmFir { taps: TAPS as u16, state: state.as_mut_ptr(), coeffs: coeffs.as_ptr() };
    // SAFETY: the instance's state holds taps + 256 − 1 samples, its coefficients 7;
    // `x` holds 256 samples and `y` room for 256.
    m.measure(&mut || unsafe { arm_fir_f32(&fir, x.as_ptr(), y.as_mut_ptr(), 256) });
    // From the 7th output on, each is a full window's mean (state starts at zero).
    let want: [f64; 256 - TAPS + 1] = core::array::from_fn(|i| {
        x[i..i + TAPS].iter().map(|&v| v as f64).sum::<f64>() / TAPS as f64
    });
    outcome(true, &y[TAPS - 1..], &want, 1e-6)
}

fn scale_add(m: &mut dyn Meter) -> Outcome {
    let x = uniform::<64>(3);
    let y0 = uniform::<64>(4);
    let mut y = y0;
    let mut t = [0.0f32; 64];
    // SAFETY: every array holds 64 f32s; arm_add_f32 may write in place (y = t + y).
    m.measure(&mut || unsafe {
        y = y0;
        arm_scale_f32(x.as_ptr(), 0.5, t.as_mut_ptr(), 64);
        arm_add_f32(t.as_ptr(), y.as_ptr(), y.as_mut_ptr(), 64);
    });
    let want: [f64; 64] = core::array::from_fn(|i| 0.5 * x[i] as f64 + y0[i] as f64);
    outcome(true, &y, &want, 1e-6)
}

fn dot_f32<const N: usize>(m: &mut dyn Meter) -> Outcome {
    let a = uniform::<N>(inputs::DOT.0);
    let b = uniform::<N>(inputs::DOT.1);
    let mut r = 0.0f32;
    // SAFETY: both pointers address N valid f32s, `r` is a valid out-pointer;
    // CMSIS reads N elements of each and writes one f32.
    m.measure(&mut || unsafe { arm_dot_prod_f32(a.as_ptr(), b.as_ptr(), N as u32, &mut r) });
    let want: f64 = a.iter().zip(&b).map(|(&x, &y)| x as f64 * y as f64).sum();
    outcome(true, &[r], &[want], 1e-5)
}

fn dot_q15<const N: usize>(m: &mut dyn Meter) -> Outcome {
    let a = &ints::<i16, N>(inputs::FIXED_DOT.0).0;
    let b = &ints::<i16, N>(inputs::FIXED_DOT.1).0;
    let mut r = 0i64;
    // SAFETY: as above; the result is one i64 (q63).
    m.measure(&mut || unsafe { arm_dot_prod_q15(a.as_ptr(), b.as_ptr(), N as u32, &mut r) });
    let want: i64 = a.iter().zip(b).map(|(&x, &y)| x as i64 * y as i64).sum();
    outcome(r == want, &[r as f32], &[want as f64], 1e-6)
}

fn dot_q7<const N: usize>(m: &mut dyn Meter) -> Outcome {
    let a = &ints::<i8, N>(inputs::FIXED_DOT.0).0;
    let b = &ints::<i8, N>(inputs::FIXED_DOT.1).0;
    let mut r = 0i32;
    // SAFETY: as above; the result is one i32 (q31).
    m.measure(&mut || unsafe { arm_dot_prod_q7(a.as_ptr(), b.as_ptr(), N as u32, &mut r) });
    let want: i64 = a.iter().zip(b).map(|(&x, &y)| x as i64 * y as i64).sum();
    outcome(r as i64 == want, &[r as f32], &[want as f64], 1e-6)
}

#[cfg_attr(small_flash, allow(dead_code))]
fn matvec_f32(m: &mut dyn Meter) -> Outcome {
    let a = uniform::<4096>(inputs::MATVEC.0);
    let x = uniform::<64>(inputs::MATVEC.1);
    let mut y = [0.0f32; 64];
    let mat = ArmMatrix { rows: 64, cols: 64, data: a.as_ptr() };
    // SAFETY: `mat` describes the 64 × 64 array `a`; `x` has 64 elements, `y` room for 64.
    m.measure(&mut || unsafe { arm_mat_vec_mult_f32(&mat, x.as_ptr(), y.as_mut_ptr()) });
    let mut want = [0.0f64; 64];
    for (i, w) in want.iter_mut().enumerate() {
        *w = (0..64).map(|j| a[i * 64 + j] as f64 * x[j] as f64).sum();
    }
    outcome(true, &y, &want, 1e-5)
}

/// CMSIS-DSP's matvec output: the row sum shifted right by `shift` (truncating) and saturated.
fn matvec_int<T: plasticore::fixed::Fixed>(a: &[T], x: &[T], y: &[T], shift: u32) -> Outcome {
    let mut got = [0.0f32; 64];
    let mut want = [0.0f64; 64];
    let mut exact = true;
    for i in 0..64 {
        let s: i64 = (0..64).map(|j| a[i * 64 + j].to_i32() as i64 * x[j].to_i32() as i64).sum();
        let w = (s >> shift).clamp(T::MIN, T::MAX);
        want[i] = w as f64;
        got[i] = y[i].to_i32() as f32;
        exact &= y[i].to_i32() as i64 == w;
    }
    outcome(exact, &got, &want, 0.0)
}

#[cfg_attr(small_flash, allow(dead_code))]
fn matvec_q15(m: &mut dyn Meter) -> Outcome {
    let a = &ints::<i16, 4096>(inputs::FIXED_MATVEC.0).0;
    let x = &ints::<i16, 64>(inputs::FIXED_MATVEC.1).0;
    let mut y = [0i16; 64];
    let mat = ArmMatrix { rows: 64, cols: 64, data: a.as_ptr() };
    // SAFETY: as for matvec_f32.
    m.measure(&mut || unsafe { arm_mat_vec_mult_q15(&mat, x.as_ptr(), y.as_mut_ptr()) });
    matvec_int(a, x, &y, 15)
}

fn matvec_q7(m: &mut dyn Meter) -> Outcome {
    let a = &ints::<i8, 4096>(inputs::FIXED_MATVEC.0).0;
    let x = &ints::<i8, 64>(inputs::FIXED_MATVEC.1).0;
    let mut y = [0i8; 64];
    let mat = ArmMatrix { rows: 64, cols: 64, data: a.as_ptr() };
    // SAFETY: as for matvec_f32.
    m.measure(&mut || unsafe { arm_mat_vec_mult_q7(&mat, x.as_ptr(), y.as_mut_ptr()) });
    matvec_int(a, x, &y, 7)
}

macro_rules! case {
    ($kernel:expr, $shape:expr, $cost:expr, $bytes:expr, $run:expr) => {
        Case {
            kernel: $kernel,
            shape: $shape,
            cost: $cost,
            data_bytes: $bytes as u32,
            ram_bytes: ram($bytes as u32),
            run: $run,
        }
    };
}

/// The CMSIS-DSP cases; each shape names the plasticore case it is compared with.
pub static CASES: &[Case] = &[
    case!("cmsis.arm_dot_prod_f32", "n=64", cost::dot(64), 2 * 64 * 4, dot_f32::<64>),
    case!("cmsis.arm_dot_prod_f32", "n=4096", cost::dot(4096), 2 * 4096 * 4, dot_f32::<4096>),
    case!(
        "cmsis.arm_mat_vec_mult_f32",
        "64x64",
        cost::matvec(64, 64),
        (4096 + 128) * 4,
        matvec_f32
    ),
    case!("cmsis.arm_dot_prod_q15", "q15 n=64", cost::dot(64), 2 * 64 * 2, dot_q15::<64>),
    case!("cmsis.arm_dot_prod_q15", "q15 n=4096", cost::dot(4096), 2 * 4096 * 2, dot_q15::<4096>),
    case!("cmsis.arm_dot_prod_q7", "q7 n=64", cost::dot(64), 2 * 64, dot_q7::<64>),
    case!("cmsis.arm_dot_prod_q7", "q7 n=4096", cost::dot(4096), 2 * 4096, dot_q7::<4096>),
    case!(
        "cmsis.arm_mat_vec_mult_q15",
        "q15 64x64",
        cost::matvec(64, 64),
        (4096 + 128) * 2,
        matvec_q15
    ),
    case!("cmsis.arm_mat_vec_mult_q7", "q7 64x64", cost::matvec(64, 64), 4096 + 128, matvec_q7),
    case!(
        "cmsis.arm_mat_mult_f32",
        "16x16x16",
        cost::matmul(16, 16, 16),
        3 * 256 * 4,
        mat_mult_f32
    ),
    case!(
        "cmsis.arm_mat_mult_q15",
        "q15 16x16x16",
        cost::matmul(16, 16, 16),
        4 * 256 * 2,
        mat_mult_q15
    ),
    case!("cmsis.arm_float_to_q15", "q15 n=256", cost::Cost::new(0, 256, 0), 256 * 6, float_to_q15),
    case!("cmsis.arm_float_to_q7", "q7 n=256", cost::Cost::new(0, 256, 0), 256 * 5, float_to_q7),
    case!("cmsis.arm_q15_to_float", "q15 n=256", cost::Cost::new(0, 256, 0), 256 * 6, q15_to_float),
    case!("cmsis.arm_kullback_leibler_f32", "n=64", cost::kl(64), 2 * 64 * 4, kullback_leibler),
    case!("cmsis.arm_logsumexp_f32", "n=64", cost::logsumexp(64), 64 * 4, logsumexp),
    // One unit per output of a full window, as stats.moving_average counts (the
    // first six outputs of the FIR are the filter filling from zero).
    case!(
        "cmsis.arm_fir_f32",
        "n=256 w=7",
        cost::moving_average(256, 7),
        (256 * 3 + 7) * 4,
        fir_moving_average
    ),
    case!("cmsis.arm_scale_f32+arm_add_f32", "n=64", cost::axpy(64), 3 * 64 * 4, scale_add),
];
