//! Faults end the run with a report instead of silently wrong results.
//!
//! With flip-link the stack sits at the bottom of RAM, below every static: a
//! stack overflow runs off the start of RAM and faults there instead of
//! overwriting data. The HardFault handler logs `fault|…` (with a check that
//! a canary static is intact) and exits with failure. The `stack-overflow`
//! feature builds an image that overflows on purpose, for the test that shows it.

use core::sync::atomic::{AtomicU32, Ordering};

/// A static that an overflowing stack would reach first without flip-link.
static CANARY: AtomicU32 = AtomicU32::new(CANARY_VALUE);
const CANARY_VALUE: u32 = 0x5AFE_57AC;

/// Stack for the fault report: after an overflow the stack pointer is
/// outside RAM, so the handler cannot use it.
const FAULT_STACK_BYTES: usize = 2048;
#[repr(C, align(8))]
struct FaultStack([u8; FAULT_STACK_BYTES]);
static mut FAULT_STACK: FaultStack = FaultStack([0; FAULT_STACK_BYTES]);

// The HardFault vector (it replaces cortex-m-rt's default through the
// `HardFault` symbol): save the faulting stack pointer, move the main stack
// pointer to the top of FAULT_STACK, and jump to the report (Thumb-1 only,
// for ARMv6-M too).
// SAFETY: runs only as the HardFault handler, which never returns; it touches
// r0, r1 and MSP only, and FAULT_STACK is used by nothing else.
core::arch::global_asm!(
    ".section .text.HardFault, \"ax\", %progbits",
    ".global HardFault",
    ".type HardFault, %function",
    ".thumb_func",
    "HardFault:",
    "mrs r0, msp",
    "ldr r1, ={stack}+{size}",
    "msr msp, r1",
    "ldr r1, ={report}",
    "bx r1",
    stack = sym FAULT_STACK,
    size = const FAULT_STACK_BYTES,
    report = sym hard_fault_report,
);

/// Logs the fault and whether a static survived, then exits with failure.
extern "C" fn hard_fault_report(sp: u32) -> ! {
    let intact = CANARY.load(Ordering::Relaxed) == CANARY_VALUE;
    defmt::error!("fault|hardfault|sp={=u32:#x}|statics_intact={=bool}", sp, intact);
    crate::board::exit(false)
}

/// Recurses with a 1 KiB frame until the stack runs out (never returns).
#[cfg(feature = "stack-overflow")]
#[inline(never)]
#[allow(unconditional_recursion)] // the point: it ends in a HardFault
pub fn overflow(depth: u32) -> u32 {
    let frame = core::hint::black_box([depth; 256]);
    defmt::info!("overflow|depth|{=u32}|sp={=u32:#x}", depth, crate::stack::sp() as u32);
    overflow(depth + 1).wrapping_add(frame[(depth as usize) % 256])
}
