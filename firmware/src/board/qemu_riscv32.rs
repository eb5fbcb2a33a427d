//! RV32IMC on `qemu-system-riscv32 -machine virt -icount shift=0`.
//!
//! The counter is `minstret`, the retired-instruction count: exact, one tick
//! per instruction (under `-icount` QEMU derives it from the instruction
//! count; the boot check against a loop of known length confirms it). Logs
//! and the exit status go through semihosting.

use super::Board;

/// The emulated RISC-V board.
pub struct QemuRiscv32;

/// Nothing to set up: `minstret` counts from reset.
pub fn take() -> QemuRiscv32 {
    QemuRiscv32
}

impl Board for QemuRiscv32 {
    type Flash = &'static mut crate::flash::EmulatedFlash;
    const NAME: &'static str = "qemu-riscv32";
    const CORE: &'static str = "RV32IMC";
    const UNIT: &'static str = "instructions";
    const MILLI_UNITS_PER_TICK: u64 = 1000;

    fn ticks(&mut self) -> u64 {
        riscv::register::minstret::read64()
    }

    fn heartbeat(&mut self) {}

    fn flash(&mut self) -> Option<Self::Flash> {
        crate::flash::EMULATED.try_take()
    }
}
