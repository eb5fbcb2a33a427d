//! Raspberry Pi Pico (RP2040, Cortex-M0+ at 125 MHz): defmt over RTT, the
//! on-board LED (GPIO 25) as heartbeat through embedded-hal 1.0's
//! `StatefulOutputPin`, and SysTick on the core clock as the cycle counter
//! (the M0+ has no DWT cycle counter). Flashed by probe-rs (the cargo runner)
//! through a debug probe, or as a UF2 file (README).

use embedded_hal::digital::StatefulOutputPin;
use rp2040_hal::gpio::{bank0::Gpio25, FunctionSioOutput, Pin, Pins, PullDown};
use rp2040_hal::{clocks::init_clocks_and_plls, pac, Sio, Watchdog};

use super::{exit, systick, Board};
use crate::flash::CutPower;
use embedded_storage::nor_flash::{
    check_erase, check_read, check_write, ErrorType, NorFlash, NorFlashErrorKind, ReadNorFlash,
};

/// The second-stage bootloader for the Pico's W25Q080 flash, at the start of flash.
#[link_section = ".boot2"]
#[used]
pub static BOOT2: [u8; 256] = rp2040_boot2::BOOT_LOADER_W25Q080;

/// The Pico's crystal.
const XTAL_HZ: u32 = 12_000_000;

/// The board.
pub struct RpPico<LED> {
    led: LED,
    flash: Option<PicoFlash>,
}

/// Offset in flash and length of the store's region: the last 8 KiB of the
/// 2 MiB, which `memory/rp-pico.x` leaves out of the program.
const STORE: (u32, usize) = (2048 * 1024 - 8 * 1024, 8 * 1024);
/// Where the flash is mapped for reading (XIP).
const XIP_BASE: usize = 0x1000_0000;
/// The flash's program page.
const PAGE: usize = 256;

/// The store's region of the Pico's QSPI flash, through the boot ROM's
/// flash routines: erased in 4 KiB sectors, programmed a 256-byte page at a
/// time (a 4-byte write programs its page with `0xFF` around its bytes,
/// which NOR flash leaves as they were), read through XIP.
pub struct PicoFlash(());

/// The boot ROM's flash routines (RP2040 datasheet §2.8.3.1.3), looked up
/// while XIP still runs, and a RAM copy of the second-stage bootloader,
/// which puts XIP back in its fast mode afterwards.
struct Rom {
    connect: unsafe extern "C" fn(),
    exit_xip: unsafe extern "C" fn(),
    erase: unsafe extern "C" fn(u32, usize, u32, u8),
    program: unsafe extern "C" fn(u32, *const u8, usize),
    flush: unsafe extern "C" fn(),
    boot2: [u32; 64],
}

impl Rom {
    fn new() -> Self {
        use rp2040_hal::rom_data as r;
        let mut boot2 = [0u32; 64];
        for (w, b) in boot2.iter_mut().zip(BOOT2.chunks_exact(4)) {
            *w = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
        }
        Rom {
            connect: r::connect_internal_flash::ptr(),
            exit_xip: r::flash_exit_xip::ptr(),
            erase: r::flash_range_erase::ptr(),
            program: r::flash_range_program::ptr(),
            flush: r::flash_flush_cache::ptr(),
            boot2,
        }
    }
}

/// Erases `len` bytes at flash offset `addr` (whole 4 KiB sectors; block
/// command 0x20, sector erase), or programs `len` bytes from `data` there
/// (whole pages) when `data` is not null; then XIP is restored.
///
/// # Safety
/// Runs from RAM and calls only the ROM and the RAM copy of boot2: nothing
/// may execute from or read flash meanwhile (interrupts off, the second
/// core idle, no DMA); `addr`/`len` must lie in the store's region and
/// `data` point to `len` readable bytes.
#[inline(never)]
#[link_section = ".data.ram_func"]
unsafe fn flash_op(rom: &Rom, addr: u32, data: *const u8, len: usize) {
    (rom.connect)();
    (rom.exit_xip)();
    if data.is_null() {
        (rom.erase)(addr, len, 4096, 0x20);
    } else {
        (rom.program)(addr, data, len);
    }
    (rom.flush)();
    // boot2 is Thumb code: bit 0 set.
    let boot2: unsafe extern "C" fn() = core::mem::transmute(rom.boot2.as_ptr() as usize | 1);
    boot2();
}

impl ErrorType for PicoFlash {
    type Error = NorFlashErrorKind;
}

impl ReadNorFlash for PicoFlash {
    const READ_SIZE: usize = 1;

    fn read(&mut self, offset: u32, bytes: &mut [u8]) -> Result<(), Self::Error> {
        check_read(self, offset, bytes.len())?;
        // SAFETY: XIP maps the region read-only at XIP_BASE + STORE.0; only
        // `erase` and `write` change it, and they hold `&mut self`.
        unsafe { crate::flash::read_mapped(XIP_BASE + STORE.0 as usize, STORE.1, offset, bytes) }
    }

    fn capacity(&self) -> usize {
        STORE.1
    }
}

impl NorFlash for PicoFlash {
    const WRITE_SIZE: usize = 4;
    const ERASE_SIZE: usize = 4096;

    fn erase(&mut self, from: u32, to: u32) -> Result<(), Self::Error> {
        check_erase(self, from, to)?;
        let rom = Rom::new();
        let (at, len) = (STORE.0 + from, (to - from) as usize);
        // SAFETY: [from, to) is whole sectors inside the region (check_erase),
        // which holds no code; interrupts are off, the second core never
        // runs and no DMA reads flash, so nothing executes from flash while
        // XIP is down.
        cortex_m::interrupt::free(|_| unsafe { flash_op(&rom, at, core::ptr::null(), len) });
        Ok(())
    }

    fn write(&mut self, offset: u32, bytes: &[u8]) -> Result<(), Self::Error> {
        check_write(self, offset, bytes.len())?;
        let mut done = 0usize;
        while done < bytes.len() {
            let at = offset as usize + done;
            let (page, within) = (at - at % PAGE, at % PAGE);
            let n = (PAGE - within).min(bytes.len() - done);
            let mut buf = [0xFFu8; PAGE];
            let src = bytes.get(done..done + n).unwrap_or(&[]);
            buf.iter_mut().skip(within).zip(src).for_each(|(d, s)| *d = *s);
            let rom = Rom::new();
            // SAFETY: the page lies inside the region (check_write) and `buf`
            // (PAGE bytes) is in RAM; as for `erase`, nothing runs from flash
            // meanwhile.
            cortex_m::interrupt::free(|_| unsafe {
                flash_op(&rom, STORE.0 + page as u32, buf.as_ptr(), PAGE)
            });
            done += n;
        }
        Ok(())
    }
}

impl CutPower for PicoFlash {
    fn cut_power_after(&mut self, _bytes: u32) -> bool {
        false
    }

    fn restore_power(&mut self) {}
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
    RpPico { led: pins.gpio25.into_push_pull_output(), flash: Some(PicoFlash(())) }
}

impl<LED: StatefulOutputPin> Board for RpPico<LED> {
    type Flash = PicoFlash;
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

    fn flash(&mut self) -> Option<Self::Flash> {
        self.flash.take()
    }
}
