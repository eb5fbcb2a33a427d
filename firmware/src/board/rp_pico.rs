//! Raspberry Pi Pico (RP2040, Cortex-M0+ at 125 MHz): defmt over RTT, the
//! on-board LED (GPIO 25) as heartbeat through embedded-hal 1.0's
//! `StatefulOutputPin`, and SysTick on the core clock as the cycle counter
//! (the M0+ has no DWT cycle counter). Flashed by probe-rs (the cargo runner)
//! through a debug probe, or as a UF2 file (README).

use embedded_hal::digital::StatefulOutputPin;
use rp2040_hal::gpio::{bank0::Gpio25, FunctionSioOutput, Pin, Pins, PullDown};
use rp2040_hal::{clocks::init_clocks_and_plls, pac, Sio, Watchdog};

use super::{exit, systick, Board};

/// The second-stage bootloader for the Pico's W25Q080 flash, at the start of flash.
#[link_section = ".boot2"]
#[used]
pub static BOOT2: [u8; 256] = rp2040_boot2::BOOT_LOADER_W25Q080;

/// The Pico's crystal.
const XTAL_HZ: u32 = 12_000_000;

/// The board.
pub struct RpPico<LED> {
    led: LED,
}

/// The board with its LED pin.
pub type Target = RpPico<Pin<Gpio25, FunctionSioOutput, PullDown>>;

/// Starts the clocks (125 MHz from the PLL), SysTick and the LED.
pub fn take() -> Target {
    let (Some(cp), Some(mut p)) = (cortex_m::Peripherals::take(), pac::Peripherals::take()) else {
        exit(false)
    };
    let mut watchdog = Watchdog::new(p.WATCHDOG);
    if init_clocks_and_plls(
        XTAL_HZ,
        p.XOSC,
        p.CLOCKS,
        p.PLL_SYS,
        p.PLL_USB,
        &mut p.RESETS,
        &mut watchdog,
    )
    .is_err()
    {
        exit(false)
    }
    systick::start(cp.SYST);
    let sio = Sio::new(p.SIO);
    let pins = Pins::new(p.IO_BANK0, p.PADS_BANK0, sio.gpio_bank0, &mut p.RESETS);
    RpPico { led: pins.gpio25.into_push_pull_output() }
}

impl<LED: StatefulOutputPin> Board for RpPico<LED> {
    const NAME: &'static str = "rp-pico";
    const CORE: &'static str = "Cortex-M0+";
    const UNIT: &'static str = "cycles";
    const MILLI_UNITS_PER_TICK: u64 = 1000;

    fn ticks(&mut self) -> u64 {
        systick::ticks()
    }

    fn heartbeat(&mut self) {
        let _ = self.led.toggle();
    }
}
