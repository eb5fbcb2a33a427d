//! What the application needs from a board: a work counter, a heartbeat and an exit.
//!
//! Board-specific code stays behind this trait (and embedded-hal 1.0 traits
//! inside each board); the application in `main.rs` is board-independent.

#[cfg(feature = "qemu-mps2-an386")]
mod qemu_mps2_an386;
#[cfg(feature = "qemu-mps2-an386")]
pub use qemu_mps2_an386::take;

#[cfg(feature = "nrf52840-dk")]
mod nrf52840_dk;
#[cfg(feature = "nrf52840-dk")]
pub use nrf52840_dk::take;

/// A board the self-test runs on.
pub trait Board {
    /// Board name, as `--board` spells it.
    const NAME: &'static str;
    /// What [`Board::now`] counts: `instructions` (QEMU) or `cycles` (silicon).
    const UNIT: &'static str;
    /// A monotonic count of work done, in [`Board::UNIT`]s.
    fn now(&mut self) -> u64;
    /// Called after each case: blink an LED where there is one.
    fn heartbeat(&mut self);
}

/// Ends the run with status 0 (success) or 1 through semihosting: QEMU exits
/// with it, and probe-rs (on the nRF52840-DK) returns it.
pub fn exit(success: bool) -> ! {
    use cortex_m_semihosting::debug;
    debug::exit(if success {
        debug::EXIT_SUCCESS
    } else {
        debug::EXIT_FAILURE
    });
    loop {
        cortex_m::asm::wfi();
    }
}
