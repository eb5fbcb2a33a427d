//! SysTick on the core clock as a 64-bit tick counter: the 24-bit down-counter
//! runs from 0xFF_FFFF to 0, and its exception counts the wraps.

use core::sync::atomic::{AtomicU32, Ordering};

use cortex_m::peripheral::{syst::SystClkSource, SYST};
use cortex_m_rt::exception;

const RELOAD: u32 = 0x00FF_FFFF;

static WRAPS: AtomicU32 = AtomicU32::new(0);

#[exception]
fn SysTick() {
    // The only writer (thumbv6m has no atomic read-modify-write; none is needed).
    WRAPS.store(WRAPS.load(Ordering::Relaxed).wrapping_add(1), Ordering::Relaxed);
}

/// Starts SysTick on the core clock with its wrap interrupt.
pub fn start(mut syst: SYST) {
    syst.set_clock_source(SystClkSource::Core);
    syst.set_reload(RELOAD);
    syst.clear_current();
    syst.enable_interrupt();
    syst.enable_counter();
}

/// Core-clock ticks since [`start`].
pub fn ticks() -> u64 {
    loop {
        let w1 = WRAPS.load(Ordering::Relaxed);
        let v = SYST::get_current();
        let w2 = WRAPS.load(Ordering::Relaxed);
        // A wrap between the reads is taken by the exception at once, so w1 != w2: read again.
        if w1 == w2 {
            return w1 as u64 * (RELOAD as u64 + 1) + (RELOAD - v) as u64;
        }
    }
}
