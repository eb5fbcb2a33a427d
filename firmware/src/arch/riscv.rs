//! RV32IMC.

/// The current stack pointer.
#[inline(always)]
pub fn sp() -> usize {
    let sp: usize;
    // SAFETY: copies the stack pointer into a register; no memory is touched.
    unsafe { core::arch::asm!("mv {0}, sp", out(reg) sp, options(nomem, nostack)) };
    sp
}

/// Executes exactly `2·n` instructions (`addi` + `bnez` per iteration), `n ≥ 1`.
#[inline(always)]
pub fn known_loop(n: u32) {
    let n = n.max(1);
    // SAFETY: the loop only decrements its own register until zero; it
    // touches no memory and leaves the stack alone.
    unsafe {
        core::arch::asm!(
            "2:",
            "addi {0}, {0}, -1",
            "bnez {0}, 2b",
            inout(reg) n => _,
            options(nomem, nostack)
        );
    }
}

/// Ends the run through semihosting: QEMU exits with 0 or 1.
#[cfg(feature = "qemu-riscv32")]
pub fn exit(success: bool) -> ! {
    use riscv_semihosting::debug;
    debug::exit(if success { debug::EXIT_SUCCESS } else { debug::EXIT_FAILURE });
    loop {
        riscv::asm::wfi();
    }
}

/// The ESP32-C3 has no semihosting host under espflash: the log's last line
/// (`summary|…`, or a panic) says how the run ended, and the core idles.
#[cfg(feature = "esp32c3")]
pub fn exit(success: bool) -> ! {
    defmt::info!("exit|{=bool}", success);
    loop {
        core::hint::spin_loop();
    }
}
