//! The panic handler: the location and message over defmt, then exit with
//! failure. The applications link none (their images are checked for it);
//! the self-test and the on-target tests report through it.

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    match info.location() {
        Some(l) => defmt::error!(
            "panic at {=str}:{=u32}: {}",
            l.file(),
            l.line(),
            defmt::Display2Format(&info.message())
        ),
        None => defmt::error!("panic: {}", defmt::Display2Format(&info.message())),
    }
    crate::exit(false)
}
