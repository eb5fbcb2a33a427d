//! What a firmware image needs from a board: a work counter, a heartbeat and
//! an exit.
//!
//! Board-specific code stays behind this trait (and embedded-hal 1.0 traits
//! inside each board); the binaries are board-independent. Exactly one board
//! feature is on; it selects one module here, whose board is [`Target`] and
//! whose [`take`] starts it.

#[cfg(feature = "qemu-arm")]
mod qemu_arm;
#[cfg(feature = "qemu-arm")]
pub use qemu_arm::{take, QemuArm as Target};

#[cfg(feature = "qemu-riscv32")]
mod qemu_riscv32;
#[cfg(feature = "qemu-riscv32")]
pub use qemu_riscv32::{take, QemuRiscv32 as Target};

#[cfg(feature = "nrf52840-dk")]
mod nrf52840_dk;
#[cfg(feature = "nrf52840-dk")]
pub use nrf52840_dk::{take, Target};

#[cfg(feature = "rp-pico")]
mod rp_pico;
#[cfg(feature = "rp-pico")]
pub use rp_pico::{take, Target};

#[cfg(feature = "esp32c3")]
mod esp32c3;
#[cfg(feature = "esp32c3")]
pub use esp32c3::{take, Esp32c3 as Target};

#[cfg(any(
    feature = "qemu-mps2-an386",
    feature = "qemu-mps2-an385",
    feature = "qemu-mps2-an500",
    feature = "qemu-mps2-an505",
    feature = "qemu-microbit",
    feature = "rp-pico"
))]
mod systick;

/// A board a firmware image runs on.
pub trait Board {
    /// Board name, as `--board` spells it.
    const NAME: &'static str;
    /// The core, e.g. `Cortex-M4F`.
    const CORE: &'static str;
    /// What the counter counts: `instructions` (QEMU) or `cycles` (silicon).
    const UNIT: &'static str;
    /// [`Board::UNIT`]s per tick of [`Board::ticks`], times 1000 (62.5
    /// instructions per SysTick tick on the micro:bit is 62 500).
    const MILLI_UNITS_PER_TICK: u64;
    /// NOR flash for what the board learns (`embedded-storage`): the chip's
    /// own on silicon, [`crate::flash::RamFlash`] on the emulated boards.
    type Flash: embedded_storage::nor_flash::NorFlash + crate::flash::CutPower;
    /// A monotonic tick count.
    fn ticks(&mut self) -> u64;
    /// The flash, once (`None` after the first call).
    fn flash(&mut self) -> Option<Self::Flash>;
    /// Called after each case: blink an LED where there is one.
    fn heartbeat(&mut self);
}

/// Ends the run with status 0 (success) or 1: through semihosting on the
/// emulated boards (QEMU exits with it) and under probe-rs (which returns it);
/// on the ESP32-C3 the last log line says it and the core idles.
pub fn exit(success: bool) -> ! {
    keep_name();
    crate::arch::exit(success)
}

/// Keeps the board's name in the image (`PLASTICORE_BOARD`, which the
/// runner reads): a binary that never calls [`exit`] calls this.
pub fn keep_name() {
    core::hint::black_box(&PLASTICORE_BOARD);
}

// The board's name in the image (`PLASTICORE_BOARD`, written by build.rs):
// `cargo run` hands the ELF to `plasticore firmware exec` (the runner in
// `.cargo/config.toml`), which reads this symbol to boot the right emulated
// board or flash the right chip.
include!(concat!(env!("OUT_DIR"), "/board_name.rs"));
