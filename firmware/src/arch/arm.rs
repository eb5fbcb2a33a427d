//! Cortex-M (ARMv6-M, ARMv7-M, ARMv8-M).

/// The current (main) stack pointer.
#[inline(always)]
pub fn sp() -> usize {
    cortex_m::register::msp::read() as usize
}

/// Executes exactly `2·n` instructions (`subs` + `bne` per iteration), `n ≥ 1`.
#[inline(always)]
pub fn known_loop(n: u32) {
    let n = n.max(1);
    // SAFETY: the loop only decrements r0 (declared clobbered) until zero; it
    // touches no memory and leaves the stack alone. r0 is a low register, as
    // the Thumb-1 encoding of `subs Rd, #imm` needs on ARMv6-M.
    unsafe {
        core::arch::asm!(
            "2:",
            "subs r0, #1",
            "bne 2b",
            inout("r0") n => _,
            options(nomem, nostack)
        );
    }
}

/// Ends the run through semihosting: QEMU exits with 0 or 1, and probe-rs
/// (on silicon) returns it.
pub fn exit(success: bool) -> ! {
    use cortex_m_semihosting::debug;
    debug::exit(if success { debug::EXIT_SUCCESS } else { debug::EXIT_FAILURE });
    loop {
        cortex_m::asm::wfi();
    }
}
