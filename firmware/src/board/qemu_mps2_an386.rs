//! MPS2 AN386 (Cortex-M4F) under `qemu-system-arm -machine mps2-an386 -icount shift=0`.
//!
//! With `-icount shift=0` one instruction takes one virtual nanosecond and
//! SysTick on the 25 MHz core clock ticks once every 40 instructions, the same
//! on every run. [`Board::now`] counts SysTick ticks (with wraps counted in the
//! SysTick exception) and reports instructions = ticks × 40. Logs and the
//! exit status go through semihosting.

use core::sync::atomic::{AtomicU32, Ordering};

use cortex_m::peripheral::{syst::SystClkSource, SYST};
use cortex_m_rt::exception;

use super::{exit, Board};

/// Instructions per SysTick tick under `-icount shift=0` (1 GHz virtual / 25 MHz).
const INSTRUCTIONS_PER_TICK: u64 = 40;
const RELOAD: u32 = 0x00FF_FFFF;

static WRAPS: AtomicU32 = AtomicU32::new(0);

#[exception]
fn SysTick() {
    WRAPS.fetch_add(1, Ordering::Relaxed);
}

/// The emulated board.
pub struct QemuMps2An386 {
    _syst: SYST,
}

/// Takes the core peripherals and starts SysTick.
pub fn take() -> QemuMps2An386 {
    let Some(cp) = cortex_m::Peripherals::take() else {
        exit(false)
    };
    let mut syst = cp.SYST;
    syst.set_clock_source(SystClkSource::Core);
    syst.set_reload(RELOAD);
    syst.clear_current();
    syst.enable_interrupt();
    syst.enable_counter();
    QemuMps2An386 { _syst: syst }
}

impl Board for QemuMps2An386 {
    const NAME: &'static str = "qemu-mps2-an386";
    const UNIT: &'static str = "instructions";

    fn now(&mut self) -> u64 {
        loop {
            let w1 = WRAPS.load(Ordering::Relaxed);
            let v = SYST::get_current();
            let w2 = WRAPS.load(Ordering::Relaxed);
            // A wrap between the reads is taken by the exception at once, so w1 != w2: read again.
            if w1 == w2 {
                let ticks = w1 as u64 * (RELOAD as u64 + 1) + (RELOAD - v) as u64;
                return ticks * INSTRUCTIONS_PER_TICK;
            }
        }
    }

    fn heartbeat(&mut self) {}
}
