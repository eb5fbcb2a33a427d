//! The report's data model: what was measured, as written to JSON.

use serde::Serialize;

/// Flash and static RAM of a firmware image.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct ImageSize {
    /// Every allocated section with contents: vector table, boot loader,
    /// code, read-only data and the initial image of .data.
    pub flash_bytes: u64,
    /// Writable allocated sections (.data, .bss, .uninit) and code run from
    /// RAM (ESP32-C3 .rwtext); the stack and heap reservations are not counted.
    pub static_ram_bytes: u64,
}

/// One benchmark record, as written to JSON.
#[derive(Debug, Clone, Serialize)]
pub struct Record {
    /// Kernel name.
    pub kernel: String,
    /// Size, e.g. `n=64`.
    pub shape: String,
    /// Board the instructions were counted on.
    pub board: String,
    /// Parameters (weights) read per call (analytic).
    pub params: u64,
    /// Multiply-accumulates per call (analytic).
    pub macs: u64,
    /// Caller scratch per call, bytes (analytic).
    pub scratch_bytes: u64,
    /// Instructions per call on the emulated Cortex-M4F, measurement overhead subtracted.
    pub instructions: f64,
    /// Instructions per MAC.
    pub instructions_per_mac: f64,
    /// Stack high-water mark of the call, bytes.
    pub stack_bytes: u32,
    /// Inputs, outputs and scratch the case holds, bytes (analytic).
    pub data_bytes: u32,
    /// Peak RAM of the call: static RAM + data + stack, bytes.
    pub peak_ram_bytes: u64,
    /// Host time per call, nanoseconds (this machine, one thread).
    pub host_ns: f64,
}

/// The whole report.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// See [`ImageSize`].
    pub flash_bytes: u64,
    /// See [`ImageSize`].
    pub static_ram_bytes: u64,
    /// One per case.
    pub records: Vec<Record>,
    /// Every emulated board measured in the same run (the reference board included).
    pub boards: Vec<BoardReport>,
    /// Every board's image size (emulated and silicon).
    pub images: Vec<BoardImage>,
    /// Boards on which CMSIS-DSP was not measured, and why.
    pub cmsis_not_measured: Vec<(String, String)>,
    /// The application binaries' footprints.
    pub apps: Vec<AppFootprint>,
    /// The `evolve-on-device` application on every emulated core.
    pub on_device: Vec<OnDeviceRun>,
}

/// One emulated core's run of the `evolve-on-device` application.
#[derive(Debug, Clone, Serialize)]
pub struct OnDeviceRun {
    /// Board name.
    pub board: String,
    /// The core.
    pub core: String,
    /// The network it evolves: `f32` or `q15`.
    pub network: String,
    /// Generations to the target.
    pub generations: u64,
    /// The validation mean return reached.
    pub validation: f32,
    /// Instructions from random coefficients to the target.
    pub instructions: u64,
    /// Per change of the plant: its name, the generations, episodes and
    /// instructions the board took to reach the target again.
    pub recoveries: Vec<(String, u64, u32, u64)>,
    /// The image (opt-level 3).
    pub size: ImageSize,
    /// Stack high-water mark of the run.
    pub stack_bytes: u32,
}

/// Flash, static RAM and stack of an application binary on one board at one opt-level.
#[derive(Debug, Clone, Serialize)]
pub struct AppFootprint {
    /// Application name.
    pub app: String,
    /// Board name.
    pub board: String,
    /// `opt-level`.
    pub opt_level: String,
    /// See [`ImageSize`].
    pub size: ImageSize,
    /// Stack high-water mark of the whole run (emulated boards only).
    pub stack_bytes: Option<u32>,
}

/// A case's key: `(kernel, shape)`.
pub type CaseKey = (String, String);

/// One emulated board's run, for the per-core table.
#[derive(Debug, Clone, Serialize)]
pub struct BoardReport {
    /// Board name (`--board`).
    pub board: String,
    /// The core.
    pub core: String,
    /// `none` (soft float), `single` or `double`.
    pub fpu: String,
    /// The counter check: instructions of a loop of known length, and what the board counted.
    pub counter_check: (u64, f64),
    /// One per case that ran.
    pub records: Vec<Record>,
    /// Cases the board did not run for lack of RAM: (kernel, shape, bytes needed, bytes free).
    pub skipped: Vec<(String, String, u32, u32)>,
    /// Cases not linked into this board's image (their tier needs more RAM
    /// than the board has): (kernel, shape, declared stack need in bytes).
    pub not_linked: Vec<(String, String, u32)>,
}

/// A firmware image's size on one board.
#[derive(Debug, Clone, Serialize)]
pub struct BoardImage {
    /// Board name (`--board`).
    pub board: String,
    /// The core.
    pub core: String,
    /// Rust target.
    pub target: String,
    /// Cargo profile.
    pub profile: String,
    /// Whether the board is emulated (else: silicon, built only).
    pub emulated: bool,
    /// Flash and static RAM.
    pub size: ImageSize,
}

/// The plasticore cases compared with CMSIS-DSP: (plasticore kernel, shape,
/// CMSIS-DSP case kernel, goal for the ratio of instructions per unit of work
/// on cores with an FPU or the DSP extension, goal on the Cortex-M0 and, for
/// the kernels that take or give f32, on the soft-float Cortex-M3). NaN: no goal.
pub const CMSIS_PAIRS: &[(&str, &str, &str, f64, f64)] = &[
    ("linalg.dot", "n=64", "cmsis.arm_dot_prod_f32", 0.75, 0.75),
    ("linalg.dot", "n=4096", "cmsis.arm_dot_prod_f32", 0.75, 0.75),
    ("linalg.matvec", "64x64", "cmsis.arm_mat_vec_mult_f32", 0.75, 0.75),
    ("linalg.matmul", "16x16x16", "cmsis.arm_mat_mult_f32", 0.75, f64::NAN),
    ("linalg.axpy", "n=64", "cmsis.arm_scale_f32+arm_add_f32", 0.75, f64::NAN),
    ("nn.logsumexp", "n=64", "cmsis.arm_logsumexp_f32", 0.75, f64::NAN),
    ("stats.kl", "n=64", "cmsis.arm_kullback_leibler_f32", 0.75, f64::NAN),
    ("stats.moving_average", "n=256 w=7", "cmsis.arm_fir_f32", 0.75, f64::NAN),
    ("fixed.quantize", "q15 n=256", "cmsis.arm_float_to_q15", 0.75, f64::NAN),
    ("fixed.quantize", "q7 n=256", "cmsis.arm_float_to_q7", 0.75, f64::NAN),
    ("fixed.dequantize", "q15 n=256", "cmsis.arm_q15_to_float", 0.75, f64::NAN),
    ("fixed.dot", "q15 n=64", "cmsis.arm_dot_prod_q15", 0.75, 0.5),
    ("fixed.dot", "q15 n=4096", "cmsis.arm_dot_prod_q15", 0.75, 0.5),
    ("fixed.dot", "q7 n=64", "cmsis.arm_dot_prod_q7", 0.75, 0.5),
    ("fixed.dot", "q7 n=4096", "cmsis.arm_dot_prod_q7", 0.75, 0.5),
    ("fixed.matvec", "q15 64x64", "cmsis.arm_mat_vec_mult_q15", 0.75, 0.5),
    ("fixed.matvec", "q7 64x64", "cmsis.arm_mat_vec_mult_q7", 0.75, 0.5),
    ("fixed.matmul", "q15 16x16x16", "cmsis.arm_mat_mult_q15", 0.75, 0.5),
];

/// Where plasticore's result differs from CMSIS-DSP's by design (rounding), said beside the ratio.
pub const CMSIS_ROUNDING: &[(&str, &str)] = &[
    ("cmsis.arm_float_to_q15", "plasticore rounds half to even, CMSIS-DSP truncates toward zero"),
    ("cmsis.arm_float_to_q7", "plasticore rounds half to even, CMSIS-DSP truncates toward zero"),
    ("cmsis.arm_mat_mult_q15", "plasticore rounds half up, CMSIS-DSP truncates (sum >> 15)"),
    ("cmsis.arm_mat_vec_mult_q15", "plasticore rounds half up, CMSIS-DSP truncates"),
    ("cmsis.arm_mat_vec_mult_q7", "plasticore rounds half up, CMSIS-DSP truncates"),
    (
        "cmsis.arm_fir_f32",
        "a compensated window sum divided by 7 against seven products by 1/7 (different rounding)",
    ),
    ("cmsis.arm_kullback_leibler_f32", "compensated (Neumaier) sum against a plain one"),
    ("cmsis.arm_logsumexp_f32", "same formula; exp and ln differ in their last bits"),
];
