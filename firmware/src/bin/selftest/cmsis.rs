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
use plasticore_selftest::inputs::{self, ints, uniform};
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
    let a = ints::<i16, N>(inputs::FIXED_DOT.0);
    let b = ints::<i16, N>(inputs::FIXED_DOT.1);
    let mut r = 0i64;
    // SAFETY: as above; the result is one i64 (q63).
    m.measure(&mut || unsafe { arm_dot_prod_q15(a.as_ptr(), b.as_ptr(), N as u32, &mut r) });
    let want: i64 = a.iter().zip(&b).map(|(&x, &y)| x as i64 * y as i64).sum();
    outcome(r == want, &[r as f32], &[want as f64], 1e-6)
}

fn dot_q7<const N: usize>(m: &mut dyn Meter) -> Outcome {
    let a = ints::<i8, N>(inputs::FIXED_DOT.0);
    let b = ints::<i8, N>(inputs::FIXED_DOT.1);
    let mut r = 0i32;
    // SAFETY: as above; the result is one i32 (q31).
    m.measure(&mut || unsafe { arm_dot_prod_q7(a.as_ptr(), b.as_ptr(), N as u32, &mut r) });
    let want: i64 = a.iter().zip(&b).map(|(&x, &y)| x as i64 * y as i64).sum();
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
    let a = ints::<i16, 4096>(inputs::FIXED_MATVEC.0);
    let x = ints::<i16, 64>(inputs::FIXED_MATVEC.1);
    let mut y = [0i16; 64];
    let mat = ArmMatrix { rows: 64, cols: 64, data: a.as_ptr() };
    // SAFETY: as for matvec_f32.
    m.measure(&mut || unsafe { arm_mat_vec_mult_q15(&mat, x.as_ptr(), y.as_mut_ptr()) });
    matvec_int(&a, &x, &y, 15)
}

fn matvec_q7(m: &mut dyn Meter) -> Outcome {
    let a = ints::<i8, 4096>(inputs::FIXED_MATVEC.0);
    let x = ints::<i8, 64>(inputs::FIXED_MATVEC.1);
    let mut y = [0i8; 64];
    let mat = ArmMatrix { rows: 64, cols: 64, data: a.as_ptr() };
    // SAFETY: as for matvec_f32.
    m.measure(&mut || unsafe { arm_mat_vec_mult_q7(&mat, x.as_ptr(), y.as_mut_ptr()) });
    matvec_int(&a, &x, &y, 7)
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
];
