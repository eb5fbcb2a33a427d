//! Stack high-water mark by painting: fill the unused stack below the current
//! stack pointer with a pattern, run the kernel, and find the lowest word the
//! pattern no longer holds.

use cortex_m::register::msp;

const PAINT: u32 = 0xC0FF_EE55;
/// How far below the current stack pointer the paint reaches.
pub const PAINT_BYTES: usize = 48 * 1024;
/// Words left alone just below the painting function's own frame.
const MARGIN: usize = 64;

extern "C" {
    // End of .bss/.uninit: the lowest address the stack may grow to (cortex-m-rt's link.x).
    static __sheap: u32;
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
    let sp = msp::read() as usize;
    let top = (sp - MARGIN) & !3;
    let floor = core::ptr::addr_of!(__sheap) as usize;
    let bottom = top.saturating_sub(PAINT_BYTES).max((floor + 3) & !3);
    let mut a = bottom;
    while a < top {
        // SAFETY: [bottom, top) lies between the end of all statics (__sheap,
        // from the linker script) and MARGIN bytes below this function's own
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

/// The current stack pointer.
#[inline(always)]
pub fn sp() -> usize {
    msp::read() as usize
}
