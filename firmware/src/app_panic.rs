//! The application binaries' panic handler (included by `#[path]`).
//!
//! Linking fails if any panic path survives optimisation: the application
//! carries no panic machinery (see nopanic/ in the repository). The ESP32-C3
//! keeps a handler: esp-println's logger panics when taken reentrantly.

#[cfg(not(feature = "esp32c3"))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    extern "C" {
        fn plasticore_panic_is_reachable() -> !;
    }
    // SAFETY: the symbol is defined nowhere; a reachable call fails the link,
    // so this line never runs in an image that exists.
    unsafe { plasticore_panic_is_reachable() }
}

/// Reachable from esp-println's logger only.
#[cfg(feature = "esp32c3")]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    crate::board::exit(false)
}
