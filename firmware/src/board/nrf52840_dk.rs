//! Nordic nRF52840-DK: defmt over RTT, LED1 (P0.13) heartbeat through
//! embedded-hal 1.0's `OutputPin`, and the DWT cycle counter. Flashed and
//! run by probe-rs (the cargo runner), which also takes the semihosting exit.

use cortex_m::peripheral::DWT;
use embedded_hal::digital::{OutputPin, StatefulOutputPin};
use embedded_storage::nor_flash::{
    check_erase, check_read, check_write, ErrorType, NorFlash, NorFlashErrorKind, ReadNorFlash,
};
use nrf52840_hal::gpio::{p0, Level, Output, Pin, PushPull};
use nrf52840_hal::pac::NVMC;

use super::{exit, Board};
use crate::flash::CutPower;

/// The flash the store uses: the last 8 KiB (two 4 KiB pages), which
/// `memory/nrf52840-dk.x` leaves out of the program's 1 MiB.
const STORE: (usize, usize) = (0x000F_E000, 8 * 1024);

/// The store's region of the nRF52840's flash through its NVMC (nRF52840
/// Product Specification §4.3): erased a 4 KiB page at a time, written a
/// word at a time, read directly. Written here rather than taken from
/// nrf-hal, whose `Nvmc` indexes its slice with bounds checks that would
/// link a panic path into applications that must have none.
pub struct NrfFlash(NVMC);

impl NrfFlash {
    fn wait_ready(&self) {
        while self.0.ready.read().ready().is_busy() {}
    }
}

impl ErrorType for NrfFlash {
    type Error = NorFlashErrorKind;
}

impl ReadNorFlash for NrfFlash {
    const READ_SIZE: usize = 1;

    fn read(&mut self, offset: u32, bytes: &mut [u8]) -> Result<(), Self::Error> {
        check_read(self, offset, bytes.len())?;
        self.wait_ready();
        // SAFETY: the region is mapped flash that only this NVMC writes,
        // and no write is in progress (ready).
        unsafe { crate::flash::read_mapped(STORE.0, STORE.1, offset, bytes) }
    }

    fn capacity(&self) -> usize {
        STORE.1
    }
}

impl NorFlash for NrfFlash {
    const WRITE_SIZE: usize = 4;
    const ERASE_SIZE: usize = 4096;

    fn erase(&mut self, from: u32, to: u32) -> Result<(), Self::Error> {
        check_erase(self, from, to)?;
        self.0.config.write(|w| w.wen().een());
        for page in (from..to).step_by(Self::ERASE_SIZE) {
            // SAFETY: any address in a page selects it for erasing; these
            // pages are the region's (check_erase), which holds no code.
            self.0.erasepage().write(|w| unsafe { w.bits(STORE.0 as u32 + page) });
            self.wait_ready();
        }
        self.0.config.write(|w| w.wen().ren());
        Ok(())
    }

    fn write(&mut self, offset: u32, bytes: &[u8]) -> Result<(), Self::Error> {
        check_write(self, offset, bytes.len())?;
        self.0.config.write(|w| w.wen().wen());
        let at = STORE.0 + offset as usize;
        for (i, w) in bytes.chunks_exact(4).enumerate() {
            let word = u32::from_le_bytes([w[0], w[1], w[2], w[3]]);
            self.wait_ready();
            // SAFETY: check_write kept the words inside the region and
            // word-aligned (its base is); the NVMC is in write mode.
            unsafe { core::ptr::write_volatile((at + 4 * i) as *mut u32, word) };
        }
        self.wait_ready();
        self.0.config.write(|w| w.wen().ren());
        Ok(())
    }
}

/// The development kit.
pub struct Nrf52840Dk<LED> {
    led: LED,
    last: u32,
    high: u64,
    flash: Option<NrfFlash>,
}

impl CutPower for NrfFlash {
    fn cut_power_after(&mut self, _bytes: u32) -> bool {
        false
    }

    fn restore_power(&mut self) {}
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
    Nrf52840Dk { led, last: DWT::cycle_count(), high: 0, flash: Some(NrfFlash(p.NVMC)) }
}

impl<LED: OutputPin + StatefulOutputPin> Board for Nrf52840Dk<LED> {
    type Flash = NrfFlash;
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

    fn flash(&mut self) -> Option<Self::Flash> {
        self.flash.take()
    }
}
