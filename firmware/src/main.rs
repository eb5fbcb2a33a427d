//! plasticore firmware: runs every kernel's self-test on fixed inputs, logs
//! its result, checksum, cost (instructions under QEMU, cycles on silicon)
//! and stack high-water mark over defmt, and exits 0 only if all pass.
//!
//! One application for every board; the board (one cargo feature) supplies
//! the counter, the log transport, the heartbeat and the exit.
#![no_std]
#![no_main]

#[cfg(not(any(
    feature = "qemu-mps2-an386",
    feature = "qemu-mps2-an385",
    feature = "qemu-mps2-an500",
    feature = "qemu-mps2-an505",
    feature = "qemu-microbit",
    feature = "qemu-riscv32",
    feature = "nrf52840-dk",
    feature = "rp-pico",
    feature = "esp32c3"
)))]
compile_error!("choose a board feature (see Cargo.toml), with --no-default-features for any but qemu-mps2-an386");

#[cfg(any(feature = "nrf52840-dk", feature = "rp-pico"))]
use defmt_rtt as _;
#[cfg(feature = "qemu-arm")]
use defmt_semihosting as _;
#[cfg(feature = "esp32c3")]
use esp_println as _;
#[cfg(feature = "qemu-riscv32")]
mod semihosting_log;

mod arch;
mod board;
#[cfg(cmsis_ref)]
mod cmsis;
#[cfg(target_arch = "arm")]
mod fault;
mod stack;

use board::Board;
use plasticore_selftest::{cases, Case, Meter};

/// Work (in board units) a timed run should reach, so a 62.5-instruction
/// counter tick costs under 0.07 %.
const TARGET_UNITS: u64 = 100_000;

/// Stack kept free beyond a case's declared need (the meter, the log).
const CASE_STACK_RESERVE: usize = 512;

/// Measures a kernel on the board: stack and cost in one painted run, then
/// (for short kernels) repeated runs until [`TARGET_UNITS`] are reached.
struct BoardMeter<'a, B: Board> {
    board: &'a mut B,
    /// Cost of an empty measured run (reading the counter twice), in milli-units.
    base_milli: u64,
    /// Cost of calling an empty kernel once, in milli-units.
    call_milli: u64,
    /// Last kernel: cost per call, in milli-units.
    cost_milli: u64,
    /// Last kernel: stack bytes.
    stack: u32,
}

impl<B: Board> BoardMeter<'_, B> {
    fn milli(ticks: u64) -> u64 {
        ticks * B::MILLI_UNITS_PER_TICK
    }

    fn timed(&mut self, kernel: &mut dyn FnMut(), reps: u32) -> u64 {
        let t0 = self.board.ticks();
        for _ in 0..reps {
            kernel();
        }
        let t1 = self.board.ticks();
        Self::milli(t1 - t0)
    }

    fn calibrate(&mut self) {
        let mut empty = || {};
        let base = self.timed(&mut empty, 0);
        let many = self.timed(&mut empty, 10_000);
        self.base_milli = base;
        self.call_milli = many.saturating_sub(base) / 10_000;
    }

    /// Counts a loop of known length: `(instructions executed, milli-units measured)`.
    fn check_counter(&mut self) -> (u64, u64) {
        const SHORT: u32 = 100_000;
        const LONG: u32 = 1_100_000;
        let t0 = self.board.ticks();
        arch::known_loop(SHORT);
        let t1 = self.board.ticks();
        arch::known_loop(LONG);
        let t2 = self.board.ticks();
        // The difference cancels the cost of reading the counter.
        let measured = Self::milli(t2 - t1).saturating_sub(Self::milli(t1 - t0));
        (2 * (LONG - SHORT) as u64, measured)
    }
}

impl<B: Board> Meter for BoardMeter<'_, B> {
    fn measure(&mut self, kernel: &mut dyn FnMut()) {
        let painted = stack::paint();
        let sp_ref = stack::sp();
        let t0 = self.board.ticks();
        kernel();
        let t1 = self.board.ticks();
        self.stack = stack::used(painted, sp_ref);
        let once = Self::milli(t1 - t0);
        if once >= TARGET_UNITS * 1000 {
            self.cost_milli = once.saturating_sub(self.base_milli + self.call_milli);
            return;
        }
        let reps = (TARGET_UNITS * 1000 / once.max(1000)).clamp(1, 10_000) as u32;
        let total = self.timed(kernel, reps);
        let overhead = self.base_milli + reps as u64 * self.call_milli;
        self.cost_milli = total.saturating_sub(overhead) / reps as u64;
    }
}

/// Whether a case fits the stack that is left (the micro:bit has 16 KiB of RAM).
fn fits(case: &Case) -> bool {
    case.ram_bytes as usize + CASE_STACK_RESERVE <= stack::free()
}

fn app<B: Board>(board: &mut B) -> bool {
    defmt::info!(
        "boot|{=str}|{=str}|{=str}|{=u32}",
        B::NAME,
        B::CORE,
        B::UNIT,
        stack::PAINT_BYTES as u32
    );
    let mut meter = BoardMeter {
        board,
        base_milli: 0,
        call_milli: 0,
        cost_milli: 0,
        stack: 0,
    };
    meter.calibrate();
    let (expected, measured) = meter.check_counter();
    defmt::info!("calib|{=u64}|{=u64}", expected, measured);
    let mut failed = 0u32;
    let mut skipped = 0u32;
    let all = cases();
    #[cfg(cmsis_ref)]
    let reference = cmsis::CASES;
    #[cfg(not(cmsis_ref))]
    let reference: &[Case] = &[];
    for case in all.iter().chain(reference) {
        if !fits(case) {
            defmt::info!(
                "skip|{=str}|{=str}|{=u32}|{=u32}",
                case.kernel,
                case.shape,
                case.ram_bytes + CASE_STACK_RESERVE as u32,
                stack::free() as u32
            );
            skipped += 1;
            continue;
        }
        let painted = stack::paint();
        let sp_ref = stack::sp();
        let o = (case.run)(&mut meter);
        let case_stack = stack::used(painted, sp_ref);
        defmt::info!(
            "case|{=str}|{=str}|{=u64}|{=u32}|{=u64}|{=u32}|{=u32}|{=u32}|{=f32}|{=bool}|{=f32}|{=f32}|{=f32}|{=f32}|{=u32}",
            case.kernel,
            case.shape,
            case.cost.macs as u64,
            case.data_bytes,
            meter.cost_milli,
            meter.stack,
            o.checksum,
            o.outputs,
            o.max_rel_err,
            o.ok,
            o.preview[0],
            o.preview[1],
            o.preview[2],
            o.preview[3],
            case_stack
        );
        if !o.ok {
            defmt::error!("self-test failed: {=str} {=str}", case.kernel, case.shape);
            failed += 1;
        }
        meter.board.heartbeat();
    }
    defmt::info!(
        "summary|{=u32}|{=u32}|{=u32}",
        (all.len() + reference.len()) as u32,
        failed,
        skipped
    );
    failed == 0
}

#[cfg_attr(target_arch = "arm", cortex_m_rt::entry)]
#[cfg_attr(feature = "qemu-riscv32", riscv_rt::entry)]
#[cfg_attr(feature = "esp32c3", esp_hal::main)]
fn main() -> ! {
    let mut b = board::take();
    #[cfg(feature = "stack-overflow")]
    defmt::error!("overflow|returned|{=u32}", fault::overflow(0));
    let ok = app(&mut b);
    board::exit(ok)
}

// Arm boards: panic-probe (knurling) prints the message over defmt and raises
// a HardFault, which `fault` reports before exiting with failure.
#[cfg(target_arch = "arm")]
use panic_probe as _;

/// RISC-V boards: the message over defmt, then exit with failure.
#[cfg(not(target_arch = "arm"))]
#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    match info.location() {
        Some(l) => defmt::error!(
            "panic at {=str}:{=u32}: {}",
            l.file(),
            l.line(),
            defmt::Display2Format(&info.message())
        ),
        None => defmt::error!("panic: {}", defmt::Display2Format(&info.message())),
    }
    board::exit(false)
}
