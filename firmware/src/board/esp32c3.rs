//! ESP32-C3-DevKit (RV32IMC at 160 MHz): defmt over the USB-serial-JTAG port
//! (esp-println, decoded by `espflash --monitor --log-format defmt`), the
//! on-board addressable LED (WS2812 on GPIO 8, driven by the RMT peripheral)
//! as heartbeat, and the core's machine performance counter counting cycles.

use esp_hal::clock::CpuClock;
use esp_hal::gpio::Level;
use esp_hal::rmt::{Channel, PulseCode, Rmt, Tx, TxChannelConfig, TxChannelCreator};
use esp_hal::time::Rate;
use esp_hal::Blocking;
use esp_storage::FlashStorage;

use super::Board;

esp_bootloader_esp_idf::esp_app_desc!();

/// The board.
pub struct Esp32c3 {
    led: Option<Channel<'static, Blocking, Tx>>,
    lit: bool,
    last: u32,
    high: u64,
    flash: Option<FlashStorage<'static>>,
}

impl crate::flash::CutPower for FlashStorage<'static> {
    fn cut_power_after(&mut self, _bytes: u32) -> bool {
        false
    }

    fn restore_power(&mut self) {}
}

/// Starts the CPU at 160 MHz, the cycle counter and the LED's RMT channel.
pub fn take() -> Esp32c3 {
    let p = esp_hal::init(esp_hal::Config::default().with_cpu_clock(CpuClock::max()));
    // SAFETY: writes the ESP32-C3's machine performance-counter CSRs (TRM
    // "Performance Counter"): event = clock cycles (mpcer 0x7E0 bit 0),
    // counting on (mpcmr 0x7E1 bit 0). No memory is touched.
    unsafe {
        core::arch::asm!("csrw 0x7e0, {0}", "csrw 0x7e1, {0}", in(reg) 1u32, options(nomem, nostack));
    }
    let led = Rmt::new(p.RMT, Rate::from_mhz(80))
        .ok()
        .and_then(|rmt| {
            rmt.channel0.configure_tx(&TxChannelConfig::default().with_clk_divider(1)).ok()
        })
        .map(|ch| ch.with_pin(p.GPIO8));
    // The whole SPI flash: the store takes its last 8 KiB (`flash::slots`),
    // far above the application partition.
    let flash = Some(FlashStorage::new(p.FLASH));
    Esp32c3 { led, lit: false, last: mpccr(), high: 0, flash }
}

/// The machine performance counter (cycles, 32 bits).
fn mpccr() -> u32 {
    let c: u32;
    // SAFETY: reads a CSR into a register; no memory is touched.
    unsafe { core::arch::asm!("csrr {0}, 0x7e2", out(reg) c, options(nomem, nostack)) };
    c
}

/// A WS2812 frame for one LED (GRB, MSB first) at 80 MHz RMT ticks of
/// 12.5 ns: a 0 bit is 0.4 µs high + 0.85 µs low, a 1 bit 0.8 µs + 0.45 µs.
fn ws2812(green: u8, red: u8, blue: u8) -> [PulseCode; 25] {
    let mut f = [PulseCode::end_marker(); 25];
    let bits = (green as u32) << 16 | (red as u32) << 8 | blue as u32;
    for (i, p) in f.iter_mut().take(24).enumerate() {
        *p = if bits >> (23 - i) & 1 == 1 {
            PulseCode::new(Level::High, 64, Level::Low, 36)
        } else {
            PulseCode::new(Level::High, 32, Level::Low, 68)
        };
    }
    f
}

impl Board for Esp32c3 {
    type Flash = FlashStorage<'static>;
    const NAME: &'static str = "esp32c3";
    const CORE: &'static str = "RV32IMC";
    const UNIT: &'static str = "cycles";
    const MILLI_UNITS_PER_TICK: u64 = 1000;

    fn ticks(&mut self) -> u64 {
        // 32 bits wrap every 26.8 s at 160 MHz; extend, assuming calls less than one wrap apart.
        let c = mpccr();
        if c < self.last {
            self.high += 1 << 32;
        }
        self.last = c;
        self.high + c as u64
    }

    fn heartbeat(&mut self) {
        self.lit = !self.lit;
        let frame = ws2812(if self.lit { 8 } else { 0 }, 0, 0);
        if let Some(ch) = self.led.take() {
            self.led = match ch.transmit(&frame) {
                Ok(tx) => Some(tx.wait().unwrap_or_else(|(_, ch)| ch)),
                Err((_, ch)) => Some(ch),
            };
        }
    }

    fn flash(&mut self) -> Option<Self::Flash> {
        self.flash.take()
    }
}
