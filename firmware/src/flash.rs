//! NOR flash for what a board learned (`embedded-storage`'s `NorFlash`, as
//! [`plasticore::store::BlobStore`] takes it): [`crate::Board::flash`].
//! On the emulated boards, [`RamFlash`]: RAM that behaves as NOR flash,
//! whose power can be cut in the middle of a write. On silicon, the last
//! 8 KiB of the chip's flash, which the memory map leaves out of the
//! program: the nRF52840's NVMC (nrf-hal), the ESP32-C3's SPI flash
//! (esp-storage), the RP2040's QSPI flash through its boot ROM
//! (rp2040-flash, behind [`PicoFlash`]).

use embedded_storage::nor_flash::{
    check_erase, check_read, check_write, ErrorType, NorFlash, NorFlashErrorKind, ReadNorFlash,
};

/// A flash whose power a test can cut in the middle of a write.
pub trait CutPower {
    /// The power goes after `bytes` more bytes are written; false where
    /// that cannot be simulated (a real chip), and nothing changes.
    fn cut_power_after(&mut self, bytes: u32) -> bool;
    /// Power back (the next boot).
    fn restore_power(&mut self);
}

/// Where [`plasticore::store::BlobStore`]'s two slots go in `flash`: its
/// last two erase sectors (at least 1 KiB each); `(base, slot size)`.
pub fn slots<F: NorFlash>(flash: &F) -> (u32, u32) {
    let slot = F::ERASE_SIZE.max(1024) as u32;
    (flash.capacity().saturating_sub(2 * slot as usize) as u32, slot)
}

/// Reads `bytes.len()` bytes at `offset` of a flash region of `len` bytes
/// mapped at address `base` (the silicon boards' [`ReadNorFlash::read`]).
///
/// # Safety
/// `[base, base + len)` must be mapped, readable memory that nothing writes
/// during the call.
#[cfg(any(feature = "nrf52840-dk", feature = "rp-pico"))]
pub(crate) unsafe fn read_mapped(
    base: usize,
    len: usize,
    offset: u32,
    bytes: &mut [u8],
) -> Result<(), NorFlashErrorKind> {
    let end = (offset as usize).checked_add(bytes.len()).filter(|&e| e <= len);
    end.ok_or(NorFlashErrorKind::OutOfBounds)?;
    let at = base + offset as usize;
    for (i, b) in bytes.iter_mut().enumerate() {
        // SAFETY: at + i < base + len (checked above), inside the mapping
        // the caller vouches for; a byte read has no alignment need.
        *b = unsafe { core::ptr::read_volatile((at + i) as *const u8) };
    }
    Ok(())
}

/// The emulated boards' flash: two 1 KiB sectors of RAM.
pub type EmulatedFlash = RamFlash<2048>;

/// The emulated boards' flash, taken by [`crate::Board::flash`] (`.bss`).
#[cfg(any(feature = "qemu-arm", feature = "qemu-riscv32"))]
pub(crate) static EMULATED: static_cell::ConstStaticCell<EmulatedFlash> =
    static_cell::ConstStaticCell::new(RamFlash::BLANK);

/// `N` bytes of NOR flash in RAM, erased in sectors of 1 KiB and written a
/// word at a time: an erase sets bytes to `0xFF`, a write can only clear
/// bits (as NOR flash does). [`RamFlash::cut_power_after`] stops writing
/// after a number of bytes: the write in progress ends there and every
/// later erase or write fails, as if the board lost power.
pub struct RamFlash<const N: usize> {
    mem: [u8; N],
    /// 0: power on; `k > 0`: `k − 1` more bytes are written before it goes
    /// (zero when powered, so that a static of the type is `.bss`).
    cut: u32,
}

impl<const N: usize> RamFlash<N> {
    /// RAM as it powers on, all zero (a static of it is `.bss`): no valid
    /// record anywhere; an erase comes before any write, as on flash.
    pub const BLANK: Self = RamFlash { mem: [0; N], cut: 0 };

    /// Whether the power is gone (a cut whose bytes were all written).
    fn off(&self) -> bool {
        self.cut == 1
    }
}

impl<const N: usize> CutPower for RamFlash<N> {
    fn cut_power_after(&mut self, bytes: u32) -> bool {
        self.cut = bytes.saturating_add(1);
        true
    }

    fn restore_power(&mut self) {
        self.cut = 0;
    }
}

impl<T: CutPower + ?Sized> CutPower for &mut T {
    fn cut_power_after(&mut self, bytes: u32) -> bool {
        (**self).cut_power_after(bytes)
    }

    fn restore_power(&mut self) {
        (**self).restore_power()
    }
}

impl<const N: usize> ErrorType for RamFlash<N> {
    type Error = NorFlashErrorKind;
}

impl<const N: usize> ReadNorFlash for RamFlash<N> {
    const READ_SIZE: usize = 1;

    fn read(&mut self, offset: u32, bytes: &mut [u8]) -> Result<(), Self::Error> {
        check_read(self, offset, bytes.len())?;
        let o = offset as usize;
        let src = self.mem.get(o..o + bytes.len()).ok_or(NorFlashErrorKind::OutOfBounds)?;
        bytes.iter_mut().zip(src).for_each(|(b, s)| *b = *s);
        Ok(())
    }

    fn capacity(&self) -> usize {
        N
    }
}

impl<const N: usize> NorFlash for RamFlash<N> {
    const WRITE_SIZE: usize = 4;
    const ERASE_SIZE: usize = 1024;

    fn erase(&mut self, from: u32, to: u32) -> Result<(), Self::Error> {
        check_erase(self, from, to)?;
        if self.off() {
            return Err(NorFlashErrorKind::Other);
        }
        let range = self.mem.get_mut(from as usize..to as usize);
        range.ok_or(NorFlashErrorKind::OutOfBounds)?.fill(0xFF);
        Ok(())
    }

    fn write(&mut self, offset: u32, bytes: &[u8]) -> Result<(), Self::Error> {
        check_write(self, offset, bytes.len())?;
        let o = offset as usize;
        let RamFlash { mem, cut } = self;
        let dst = mem.get_mut(o..o + bytes.len()).ok_or(NorFlashErrorKind::OutOfBounds)?;
        for (d, b) in dst.iter_mut().zip(bytes) {
            match *cut {
                1 => return Err(NorFlashErrorKind::Other),
                0 => {}
                _ => *cut -= 1,
            }
            *d &= b;
        }
        Ok(())
    }
}
