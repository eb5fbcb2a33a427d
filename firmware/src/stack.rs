//! Stack high-water mark by painting: fill the unused stack below the current
//! stack pointer with a pattern, run the kernel, and find the lowest word the
//! pattern no longer holds.

const PAINT: u32 = 0xC0FF_EE55;
/// How far below the current stack pointer the paint reaches.
pub const PAINT_BYTES: usize = 48 * 1024;
/// Words left alone just below the painting function's own frame.
const MARGIN: usize = 64;

#[cfg(not(feature = "esp32c3"))]
include!(concat!(env!("OUT_DIR"), "/ram_origin.rs"));

extern "C" {
    // End of .bss/.uninit (cortex-m-rt's and riscv-rt's link.x): the lowest
    // address the stack may grow to, unless flip-link moved the stack below
    // the statics.
    #[cfg(not(feature = "esp32c3"))]
    static __sheap: u32;
    // Top of the stack (the initial stack pointer).
    #[cfg(not(feature = "esp32c3"))]
    static _stack_start: u32;
    // The bottom of the main stack (esp-hal's stack.x).
    #[cfg(feature = "esp32c3")]
    static _stack_end: u32;
}

/// The lowest address the stack may reach.
fn floor() -> usize {
    // With flip-link (every Cortex-M board) the stack is [RAM origin,
    // _stack_start) and the statics lie above it; without, it grows down to them.
    #[cfg(not(feature = "esp32c3"))]
    let f = {
        let statics_end = core::ptr::addr_of!(__sheap) as usize;
        if statics_end > core::ptr::addr_of!(_stack_start) as usize {
            RAM_ORIGIN
        } else {
            statics_end
        }
    };
    // Leave esp-hal's stack-guard word near the bottom alone.
    #[cfg(feature = "esp32c3")]
    let f = core::ptr::addr_of!(_stack_end) as usize + 256;
    (f + 3) & !3
}

/// Bytes between the lowest stack address and the current stack pointer.
pub fn free() -> usize {
    sp().saturating_sub(floor())
}

/// The painted region `[bottom, top)`.
#[derive(Clone, Copy)]
pub struct Painted {
    bottom: usize,
    top: usize,
}

/// Paints the region below the caller's stack.
#[inline(never)]
pub fn paint() -> Painted {
    let top = (sp() - MARGIN) & !3;
    let bottom = top.saturating_sub(PAINT_BYTES).max(floor());
    let mut a = bottom;
    while a < top {
        // SAFETY: [bottom, top) lies between the lowest stack address (the end
        // of all statics, from the linker script) and MARGIN bytes below this function's own
        // stack pointer: no Rust object lives there. An exception may push a
        // frame below the stack pointer, but it pops it before this code
        // resumes, so nothing live is overwritten. The address is 4-aligned.
        unsafe { core::ptr::write_volatile(a as *mut u32, PAINT) };
        a += 4;
    }
    Painted { bottom, top }
}

/// Bytes of stack used below `sp_ref` since [`paint`], capped at the painted size.
pub fn used(p: Painted, sp_ref: usize) -> u32 {
    let mut a = p.bottom;
    while a < p.top {
        // SAFETY: reading the region `paint` wrote (see above); it is plain RAM,
        // 4-aligned, and nothing holds a reference into it.
        let v = unsafe { core::ptr::read_volatile(a as *const u32) };
        if v != PAINT {
            break;
        }
        a += 4;
    }
    sp_ref.saturating_sub(a) as u32
}

pub use crate::arch::sp;

/// The stack used from here on: paints below the current stack pointer at
/// [`HighWater::start`], reads the mark at [`HighWater::bytes`].
#[derive(Clone, Copy)]
pub struct HighWater {
    painted: Painted,
    sp: usize,
}

impl HighWater {
    /// Paints the free stack below the caller.
    #[inline(always)]
    pub fn start() -> Self {
        let painted = paint();
        HighWater { painted, sp: sp() }
    }

    /// Bytes of stack used below the caller's stack pointer since [`HighWater::start`].
    pub fn bytes(&self) -> u32 {
        used(self.painted, self.sp)
    }
}
