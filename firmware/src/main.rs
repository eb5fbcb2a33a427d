//! plasticore firmware: runs every kernel's self-test on fixed inputs, logs
//! its result, checksum, cost (instructions under QEMU, cycles on silicon)
//! and stack high-water mark over defmt, and exits 0 only if all pass.
#![no_std]
#![no_main]

#[cfg(all(feature = "qemu-mps2-an386", feature = "nrf52840-dk"))]
compile_error!("choose one board feature: qemu-mps2-an386 or nrf52840-dk");
#[cfg(not(any(feature = "qemu-mps2-an386", feature = "nrf52840-dk")))]
compile_error!("choose a board feature: qemu-mps2-an386 or nrf52840-dk");

#[cfg(feature = "nrf52840-dk")]
use defmt_rtt as _;
#[cfg(feature = "qemu-mps2-an386")]
use defmt_semihosting as _;

mod board;
mod stack;

use board::Board;
use cortex_m_rt::entry;
use plasticore_selftest::{cases, Meter};

/// Work (in board units) a timed run should reach, so the 40-instruction
/// SysTick resolution costs under 0.05 %.
const TARGET_UNITS: u64 = 100_000;

/// Measures a kernel on the board: stack in one painted run, cost over repeated runs.
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
    fn timed(&mut self, kernel: &mut dyn FnMut(), reps: u32) -> u64 {
        let t0 = self.board.now();
        for _ in 0..reps {
            kernel();
        }
        let t1 = self.board.now();
        t1 - t0
    }

    fn calibrate(&mut self) {
        let mut empty = || {};
        let base = self.timed(&mut empty, 0);
        let many = self.timed(&mut empty, 10_000);
        self.base_milli = base * 1000;
        self.call_milli = many.saturating_sub(base) / 10;
    }
}

impl<B: Board> Meter for BoardMeter<'_, B> {
    fn measure(&mut self, kernel: &mut dyn FnMut()) {
        let painted = stack::paint();
        let sp_ref = stack::sp();
        kernel();
        self.stack = stack::used(painted, sp_ref);

        let once = self.timed(kernel, 1).max(1);
        let reps = (TARGET_UNITS / once).clamp(1, 10_000) as u32;
        let total_milli = self.timed(kernel, reps) * 1000;
        let overhead = self.base_milli + reps as u64 * self.call_milli;
        self.cost_milli = total_milli.saturating_sub(overhead) / reps as u64;
    }
}

fn app<B: Board>(board: &mut B) -> bool {
    defmt::info!(
        "boot|{=str}|{=str}|{=u32}",
        B::NAME,
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
    let mut failed = 0u32;
    let all = cases();
    for case in all {
        let o = (case.run)(&mut meter);
        defmt::info!(
            "case|{=str}|{=str}|{=u64}|{=u32}|{=u64}|{=u32}|{=u32}|{=u32}|{=f32}|{=bool}|{=f32}|{=f32}|{=f32}|{=f32}",
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
            o.preview[3]
        );
        if !o.ok {
            defmt::error!("self-test failed: {=str} {=str}", case.kernel, case.shape);
            failed += 1;
        }
        meter.board.heartbeat();
    }
    defmt::info!("summary|{=u32}|{=u32}", all.len() as u32, failed);
    failed == 0
}

#[entry]
fn main() -> ! {
    let mut b = board::take();
    let ok = app(&mut b);
    board::exit(ok)
}

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
