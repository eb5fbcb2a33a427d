//! The defmt global logger of the selected board.

#[cfg(any(feature = "qemu-arm", feature = "qemu-riscv32"))]
mod semihosting;

#[cfg(any(feature = "nrf52840-dk", feature = "rp-pico"))]
mod rtt;

#[cfg(feature = "esp32c3")]
use esp_println as _;
