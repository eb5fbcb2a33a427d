//! The self-test: every kernel's case on fixed inputs, its result, checksum,
//! cost (instructions under QEMU, cycles on silicon) and stack high-water
//! mark logged over defmt; exits 0 only if all pass. One image for every
//! board; the board (one cargo feature) supplies the counter, the log, the
//! heartbeat and the exit.
#![no_std]
#![no_main]

#[cfg(cmsis_ref)]
mod cmsis;
mod run;

use plasticore_firmware::{self as fw, meter::BoardMeter, Board};

#[fw::entry]
fn main() -> ! {
    let mut board = fw::take();
    #[cfg(feature = "stack-overflow")]
    defmt::error!("overflow|returned|{=u32}", fw::overflow(0));
    let mut meter = BoardMeter::new(&mut board);
    let (expected, measured) = meter.check_counter();
    defmt::info!(
        "boot|{=str}|{=str}|{=str}|{=u32}",
        fw::Target::NAME,
        fw::Target::CORE,
        fw::Target::UNIT,
        fw::stack::PAINT_BYTES as u32
    );
    defmt::info!("calib|{=u64}|{=u64}", expected, measured);
    #[cfg(cmsis_ref)]
    let reference = cmsis::CASES;
    #[cfg(not(cmsis_ref))]
    let reference: &[plasticore_selftest::Case] = &[];
    let ok = run::all(&mut meter, reference);
    fw::exit(ok)
}
