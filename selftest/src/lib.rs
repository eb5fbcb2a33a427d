//! The fixed-input kernel cases that the firmware runs as its self-test and
//! that the host runs too, so the two can be compared bit for bit.
//!
//! Each [`Case`] generates its inputs from a fixed seed, runs one kernel under
//! a [`Meter`] (SysTick or DWT on the board, a clock on the host, nothing in
//! tests), checks the result against a plain f64 reference written here, and
//! returns an [`Outcome`] whose `checksum` (FNV-1a over the output's bits)
//! must be equal on every target.
#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

// Without `medium` / `large` a tier's cases are unused.
#[cfg_attr(not(feature = "large"), allow(dead_code))]
mod attention_cases;
#[cfg_attr(not(feature = "medium"), allow(dead_code))]
mod fixed_cases;
#[cfg_attr(not(feature = "medium"), allow(dead_code))]
pub mod hebbian_cases;
#[cfg_attr(not(feature = "medium"), allow(dead_code))]
mod linalg_cases;
#[cfg_attr(not(feature = "medium"), allow(dead_code))]
mod lsh_cases;
#[cfg_attr(not(feature = "medium"), allow(dead_code))]
mod numerics_cases;

/// The fixed inputs of the cases, public so that other implementations (the
/// firmware's CMSIS-DSP reference cases) can run on exactly the same data.
pub mod inputs {
    use plasticore::fixed::Fixed;
    use plasticore::rng::Rng;

    /// Seeds of the `linalg.dot` case's two vectors.
    pub const DOT: (u64, u64) = (1, 2);
    /// Seeds of the `linalg.matvec` case's matrix and vector.
    pub const MATVEC: (u64, u64) = (5, 6);
    /// Seeds of the `fixed.dot` case's two vectors.
    pub const FIXED_DOT: (u64, u64) = (31, 32);
    /// Seeds of the `fixed.matvec` case's matrix and vector.
    pub const FIXED_MATVEC: (u64, u64) = (33, 34);

    /// `N` values from U(−1, 1) drawn from `seed`.
    pub fn uniform<const N: usize>(seed: u64) -> [f32; N] {
        let mut r = Rng::new(seed);
        let mut a = [0.0f32; N];
        r.fill_uniform(&mut a, -1.0, 1.0);
        a
    }

    /// 256 values in [−1.2, 1.2] to quantise to a format with `one` = 2^(bits−1)
    /// (some saturate), led by ties of both parities and ±0.
    pub fn quantize_source(one: f32) -> [f32; 256] {
        let mut r = Rng::new(35);
        let mut x = [0.0f32; 256];
        r.fill_uniform(&mut x, -1.2, 1.2);
        x[..6].copy_from_slice(&[0.5 / one, 1.5 / one, -2.5 / one, -0.0, 0.0, -0.5 / one]);
        x
    }

    /// The KL case's probability vectors: p from U(0, 1), q from U(0.05, 1), each normalised.
    pub fn kl_pair() -> ([f32; 64], [f32; 64]) {
        let mut p = [0.0f32; 64];
        let mut q = [0.0f32; 64];
        Rng::new(101).fill_uniform(&mut p, 0.0, 1.0);
        Rng::new(102).fill_uniform(&mut q, 0.05, 1.0);
        for v in [&mut p, &mut q] {
            let s: f32 = v.iter().sum();
            v.iter_mut().for_each(|x| *x /= s);
        }
        (p, q)
    }

    /// The moving-average case's 256 samples from U(900, 1100).
    pub fn moving_average_source() -> [f32; 256] {
        let mut x = [0.0f32; 256];
        Rng::new(103).fill_uniform(&mut x, 900.0, 1100.0);
        x
    }

    /// 64 logits from U(−8, 8) (softmax and log-sum-exp).
    pub fn logits() -> [f32; 64] {
        let mut x = uniform::<64>(9);
        x.iter_mut().for_each(|v| *v *= 8.0);
        x
    }

    /// `N` integers over the type's whole range (the top bits of [`Rng::next`]),
    /// word-aligned as a user of the DSP loops aligns them (an `i16` array on
    /// the stack otherwise lands on a word boundary or not by chance).
    pub fn ints<T: Fixed, const N: usize>(seed: u64) -> Words<[T; N]> {
        let mut r = Rng::new(seed);
        let mut a = Words([T::default(); N]);
        for v in a.0.iter_mut() {
            *v = T::saturate((r.next() as i32 >> (32 - T::BITS)) as i64);
        }
        a
    }

    /// A value on a word boundary (what `LDRD`/`LDM` need).
    #[repr(C, align(4))]
    #[derive(Clone, Copy)]
    pub struct Words<A>(pub A);

    impl<A> core::ops::Deref for Words<A> {
        type Target = A;
        fn deref(&self) -> &A {
            &self.0
        }
    }

    impl<A> core::ops::DerefMut for Words<A> {
        fn deref_mut(&mut self) -> &mut A {
            &mut self.0
        }
    }
}

/// Something that runs a kernel and records what it cost.
pub trait Meter {
    /// Runs `kernel` at least once (a meter may repeat it to measure), and records its cost.
    /// The kernel must be idempotent: each call writes the same outputs.
    fn measure(&mut self, kernel: &mut dyn FnMut());
}

/// Runs `f` under the meter: its last result (the default if it never
/// succeeded) and whether every call succeeded.
pub(crate) fn measured<T: Default>(
    m: &mut dyn Meter,
    mut f: impl FnMut() -> Result<T, plasticore::Error>,
) -> (T, bool) {
    let (mut v, mut ok) = (T::default(), true);
    m.measure(&mut || match f() {
        Ok(c) => v = c,
        Err(_) => ok = false,
    });
    (v, ok)
}

/// A meter that just runs the kernel once.
pub struct NoMeter;

impl Meter for NoMeter {
    fn measure(&mut self, kernel: &mut dyn FnMut()) {
        kernel();
    }
}

/// What a case found.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Outcome {
    /// FNV-1a over the output elements' bit patterns, in order.
    pub checksum: u32,
    /// Number of output elements.
    pub outputs: u32,
    /// Largest relative error against the f64 reference.
    pub max_rel_err: f32,
    /// Whether the kernel returned Ok and met the case's tolerance.
    pub ok: bool,
    /// The first (up to) four outputs, for the log and the demo.
    pub preview: [f32; 4],
}

/// One kernel at one size on fixed inputs.
pub struct Case {
    /// Kernel name, as `plasticore run` names it.
    pub kernel: &'static str,
    /// The size, e.g. `n=64`.
    pub shape: &'static str,
    /// Parameters, multiply-accumulates and scratch bytes per call (analytic, `plasticore::cost`).
    pub cost: plasticore::cost::Cost,
    /// Bytes of inputs, outputs and scratch the case holds in RAM (analytic).
    pub data_bytes: u32,
    /// Stack the whole case needs (data, f64 reference, frames), bytes: a
    /// board with less free stack skips the case. The QEMU test checks it
    /// against the high-water mark measured on every emulated board.
    pub ram_bytes: u32,
    /// Generates inputs, runs the kernel under the meter, checks it.
    pub run: fn(&mut dyn Meter) -> Outcome,
}

impl Case {
    /// A case whose stack need is [`ram`]`(data_bytes)`: its data twice
    /// (inputs and the reference's copy) and 1 KiB of frames.
    pub const fn new(
        kernel: &'static str,
        shape: &'static str,
        cost: plasticore::cost::Cost,
        data_bytes: u32,
        run: fn(&mut dyn Meter) -> Outcome,
    ) -> Case {
        Case { kernel, shape, cost, data_bytes, ram_bytes: ram(data_bytes), run }
    }

    /// The case with another stack need (a reference that keeps more).
    pub const fn with_ram(self, ram_bytes: u32) -> Case {
        Case { ram_bytes, ..self }
    }
}

/// Every case, in the order the firmware runs them.
pub fn cases() -> &'static [Case] {
    CASES
}

/// Declares the case list in three tiers, each a superset's part: `tiny`
/// cases (stack need ≤ 15 KiB) are in every firmware, the micro:bit's 16 KiB
/// of RAM included; `medium` ones (feature `medium`) need more, up to a few
/// tens of KiB; `large` ones (feature `large`, which implies `medium`: hundreds
/// of KiB of inputs) only where there are MiBs of RAM (the emulated MPS2 and
/// RISC-V boards, and the host). A board thus links only cases that can fit it.
macro_rules! case_list {
    (tiny: [$($t:expr),* $(,)?], medium: [$($m:expr),* $(,)?], large: [$($l:expr),* $(,)?] $(,)?) => {
        #[cfg(feature = "large")]
        static CASES: &[Case] = &[$($t,)* $($m,)* $($l,)*];
        #[cfg(all(feature = "medium", not(feature = "large")))]
        static CASES: &[Case] = &[$($t,)* $($m,)*];
        #[cfg(not(feature = "medium"))]
        static CASES: &[Case] = &[$($t,)*];
    };
}

case_list! {
    tiny: [
        linalg_cases::DOT_64,
        linalg_cases::AXPY_64,
        linalg_cases::MATVEC_16,
        linalg_cases::MATMUL_16,
        linalg_cases::SOFTMAX_64,
        linalg_cases::LOGSUMEXP_64,
        fixed_cases::DOT_Q15_64,
        fixed_cases::DOT_Q7_64,
        // Odd lengths: every core's loop plus its tail.
        fixed_cases::DOT_Q15_67,
        fixed_cases::DOT_Q7_67,
        fixed_cases::MATVEC_Q7_64,
        fixed_cases::SIMHASH_Q15_64X64,
        fixed_cases::SIMHASH_Q7_64X64,
        fixed_cases::CROSSPOLYTOPE_Q15_64,
        fixed_cases::QUANTIZE_Q15_256,
        fixed_cases::QUANTIZE_Q7_256,
        fixed_cases::DEQUANTIZE_Q15_256,
        fixed_cases::MATMUL_Q15_16,
        numerics_cases::KL_64,
        numerics_cases::MOVING_AVERAGE_256,
        numerics_cases::PVALUE_65,
        numerics_cases::RESHAPE_F_256,
        hebbian_cases::CARTPOLE_EPISODES,
        hebbian_cases::CARTPOLE_Q15_EPISODES,
        lsh_cases::CROSSPOLYTOPE_64,
        lsh_cases::CROSSPOLYTOPE_64_SEEDED,
        lsh_cases::ANGULAR_64X32,
        lsh_cases::ANGULAR_64X32_SEEDED,
    ],
    medium: [
        linalg_cases::DOT_4096,
        linalg_cases::MATVEC_64,
        linalg_cases::MATVEC_64_COLMAJOR,
        fixed_cases::DOT_Q15_4096,
        fixed_cases::DOT_Q7_4096,
        fixed_cases::MATVEC_Q15_64,
        numerics_cases::MOVING_AVERAGE_STREAM_64,
        numerics_cases::SUPCON_32X16,
        numerics_cases::MARK_32X64,
        hebbian_cases::UPDATE_A_SYNAPSE_64,
        hebbian_cases::UPDATE_AD_SYNAPSE_64,
        hebbian_cases::UPDATE_AD_LR_SYNAPSE_64,
        hebbian_cases::UPDATE_ABC_SYNAPSE_64,
        hebbian_cases::UPDATE_ABC_LR_SYNAPSE_64,
        hebbian_cases::UPDATE_ABCD_SYNAPSE_64,
        hebbian_cases::UPDATE_ABCD_LR_SYNAPSE_64,
        hebbian_cases::UPDATE_ABCD_LR_D_OUT_SYNAPSE_64,
        hebbian_cases::UPDATE_ABCD_LR_D_IN_AND_OUT_SYNAPSE_64,
        hebbian_cases::UPDATE_ABCD_LR_NEURON_64,
        hebbian_cases::UPDATE_ABCD_LR_LAYER_64,
        hebbian_cases::UPDATE_Q15_ABCD_LR_SYNAPSE_64,
        hebbian_cases::UPDATE_Q15_ABCD_LR_NEURON_64,
        lsh_cases::HYPERPLANE_64X32,
        lsh_cases::HYPERPLANE_64X64,
        lsh_cases::HYPERPLANE_64X64_SEEDED,
        lsh_cases::HYPERPLANE_64X64_SIGN_SEEDED,
        lsh_cases::INDEX_QUERY_128,
        lsh_cases::INDEX_INSERT_128,
        lsh_cases::INDEX_I8_QUERY_128,
        attention_cases::SDPA_64,
        attention_cases::LSH_64,
        attention_cases::SDPA_128,
        attention_cases::LSH_128,
    ],
    large: [
        attention_cases::SDPA_256,
        attention_cases::LSH_256,
        attention_cases::SDPA_512,
        attention_cases::LSH_512,
        attention_cases::SDPA_1024,
        attention_cases::LSH_1024,
        attention_cases::BLOCK_FULL,
        attention_cases::BLOCK_LSH,
    ],
}

/// The usual stack need of a case holding `data_bytes`: its data, an f64
/// reference as large again, and 1 KiB of frames.
pub const fn ram(data_bytes: u32) -> u32 {
    2 * data_bytes + 1024
}

/// FNV-1a (32 bit) of a sequence of f32 bit patterns.
pub fn checksum(values: &[f32]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for v in values {
        for b in v.to_bits().to_le_bytes() {
            h ^= b as u32;
            h = h.wrapping_mul(0x0100_0193);
        }
    }
    h
}

/// Builds an [`Outcome`]: `ok` if `status_ok` and every |got − want| ≤ tol·max(1, |want|).
pub fn outcome(status_ok: bool, got: &[f32], want: &[f64], tol: f64) -> Outcome {
    let mut worst = 0.0f64;
    let mut ok = status_ok && got.len() == want.len();
    for (&g, &w) in got.iter().zip(want) {
        let scale = if w.abs() > 1.0 { w.abs() } else { 1.0 };
        let e = (g as f64 - w).abs() / scale;
        if e.is_nan() || e > tol {
            ok = false;
        }
        if e > worst || e.is_nan() {
            worst = e;
        }
    }
    let mut preview = [0.0f32; 4];
    for (p, &g) in preview.iter_mut().zip(got) {
        *p = g;
    }
    Outcome {
        checksum: checksum(got),
        outputs: got.len() as u32,
        max_rel_err: worst as f32,
        ok,
        preview,
    }
}
