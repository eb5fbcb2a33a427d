//! plasticore on a microcontroller: what every firmware image shares.
//!
//! The library owns the board (one cargo feature selects it: [`board`]), the
//! architecture ([`arch`]), the defmt logger, the panic handler, the fault
//! report, [`exit`], and the measuring helpers ([`meter`], [`stack`]). A
//! binary — the self-test (`src/bin/selftest`) or an application
//! (`src/bin/NAME`) — is `use plasticore_firmware as _;` and its `main`:
//!
//! ```ignore
//! #![no_std]
//! #![no_main]
//! use plasticore_firmware::{self as fw, Board};
//!
//! #[fw::entry]
//! fn main() -> ! {
//!     let mut board = fw::take();
//!     defmt::info!("hello from {=str}", fw::Target::NAME);
//!     board.heartbeat();
//!     fw::exit(true)
//! }
//! ```
//!
//! **Panics** print their location and message over defmt and exit with
//! failure (a HardFault on the Arm boards does the same, after checking that
//! the statics survived). The applications prove they cannot reach it: their
//! optimised images contain no panic handler at all
//! (`tests/tests/firmware_apps.rs` looks).
//!
//! **Logs**: defmt over semihosting on the emulated boards, over RTT on the
//! nRF52840-DK and the Pico (both loggers written here without a panic
//! path), over USB-serial-JTAG on the ESP32-C3 (esp-println).
#![no_std]

#[cfg(not(any(
    feature = "qemu-mps2-an386",
    feature = "qemu-mps2-an385",
    feature = "qemu-mps2-an500",
    feature = "qemu-mps2-an505",
    feature = "qemu-microbit",
    feature = "qemu-riscv32",
    feature = "nrf52840-dk",
    feature = "rp-pico",
    feature = "esp32c3"
)))]
compile_error!("choose a board feature (see Cargo.toml), with --no-default-features for any but qemu-mps2-an386");

pub mod arch;
pub mod board;
#[cfg(target_arch = "arm")]
mod fault;
pub mod flash;
mod log;
pub mod meter;
mod panic;
pub mod stack;

pub use board::{exit, take, Board, Target};
#[cfg(target_arch = "arm")]
pub use cortex_m_rt::entry;
#[cfg(feature = "esp32c3")]
pub use esp_hal::main as entry;
#[cfg(feature = "stack-overflow")]
pub use fault::overflow;
#[cfg(feature = "qemu-riscv32")]
pub use riscv_rt::entry;
