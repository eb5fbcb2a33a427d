//! The emulated Arm boards under `qemu-system-arm -icount shift=0`: MPS2 AN386
//! (Cortex-M4F), AN385 (Cortex-M3), AN500 (Cortex-M7), AN505 (Cortex-M33) and
//! the BBC micro:bit (Cortex-M0).
//!
//! With `-icount shift=0` every instruction advances virtual time by 1 ns, so
//! SysTick on the core clock ticks once every 10⁹ / f_core instructions, the
//! same on every run: 40 on AN385/AN386/AN500 (25 MHz), 50 on AN505 (20 MHz),
//! 62.5 on the micro:bit (16 MHz). The firmware checks the factor at boot
//! against a loop of known length (`calib|…` in the log; the QEMU test
//! asserts it). Logs and the exit status go through semihosting.

use super::{systick, Board};

/// An emulated Arm board.
pub struct QemuArm;

/// Takes the core peripherals and starts SysTick.
pub fn take() -> QemuArm {
    let Some(cp) = cortex_m::Peripherals::take() else { super::exit(false) };
    systick::start(cp.SYST);
    QemuArm
}

#[cfg(feature = "qemu-mps2-an386")]
const BOARD: (&str, &str, u64) = ("qemu-mps2-an386", "Cortex-M4F", 40_000);
#[cfg(feature = "qemu-mps2-an385")]
const BOARD: (&str, &str, u64) = ("qemu-mps2-an385", "Cortex-M3", 40_000);
#[cfg(feature = "qemu-mps2-an500")]
const BOARD: (&str, &str, u64) = ("qemu-mps2-an500", "Cortex-M7", 40_000);
#[cfg(feature = "qemu-mps2-an505")]
const BOARD: (&str, &str, u64) = ("qemu-mps2-an505", "Cortex-M33", 50_000);
#[cfg(feature = "qemu-microbit")]
const BOARD: (&str, &str, u64) = ("qemu-microbit", "Cortex-M0", 62_500);

impl Board for QemuArm {
    type Flash = &'static mut crate::flash::EmulatedFlash;
    const NAME: &'static str = BOARD.0;
    const CORE: &'static str = BOARD.1;
    const UNIT: &'static str = "instructions";
    const MILLI_UNITS_PER_TICK: u64 = BOARD.2;

    fn ticks(&mut self) -> u64 {
        systick::ticks()
    }

    fn heartbeat(&mut self) {}

    fn flash(&mut self) -> Option<Self::Flash> {
        crate::flash::EMULATED.try_take()
    }
}
