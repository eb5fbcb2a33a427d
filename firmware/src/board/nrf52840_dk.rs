//! Nordic nRF52840-DK: defmt over RTT, LED1 (P0.13) heartbeat through
//! embedded-hal 1.0's `OutputPin`, and the DWT cycle counter. Flashed and
//! run by probe-rs (the cargo runner), which also takes the semihosting exit.

use cortex_m::peripheral::DWT;
use embedded_hal::digital::{OutputPin, StatefulOutputPin};
use nrf52840_hal::gpio::{p0, Level, Output, Pin, PushPull};

use super::{exit, Board};

/// The development kit.
pub struct Nrf52840Dk<LED> {
    led: LED,
    last: u32,
    high: u64,
}

/// The board with its LED pin.
pub type Target = Nrf52840Dk<Pin<Output<PushPull>>>;

/// Takes the peripherals, starts the cycle counter and configures LED1.
pub fn take() -> Target {
    let (Some(mut cp), Some(p)) =
        (cortex_m::Peripherals::take(), nrf52840_hal::pac::Peripherals::take())
    else {
        exit(false)
    };
    cp.DCB.enable_trace();
    cp.DWT.enable_cycle_counter();
    let port0 = p0::Parts::new(p.P0);
    // LED1 is active low.
    let led = port0.p0_13.into_push_pull_output(Level::High).degrade();
    Nrf52840Dk { led, last: DWT::cycle_count(), high: 0 }
}

impl<LED: OutputPin + StatefulOutputPin> Board for Nrf52840Dk<LED> {
    const NAME: &'static str = "nrf52840-dk";
    const CORE: &'static str = "Cortex-M4F";
    const UNIT: &'static str = "cycles";
    const MILLI_UNITS_PER_TICK: u64 = 1000;

    fn ticks(&mut self) -> u64 {
        // CYCCNT is 32 bits (67 s at 64 MHz); extend it, assuming calls less than one wrap apart.
        let c = DWT::cycle_count();
        if c < self.last {
            self.high += 1 << 32;
        }
        self.last = c;
        self.high + c as u64
    }

    fn heartbeat(&mut self) {
        let _ = self.led.toggle();
    }
}
