//! A defmt global logger over SEGGER RTT, the protocol probe-rs reads from a
//! running board, with no panic path: the application binaries on the RTT
//! boards (nRF52840-DK, Pico) link no panic machinery with it, where
//! `defmt-rtt` panics when its logger is taken reentrantly.
//!
//! Layout (SEGGER's `SEGGER_RTT_CB`, found by probe-rs through the
//! `_SEGGER_RTT` symbol): the 16-byte id `"SEGGER RTT"`, the numbers of up
//! and down channels (1, 0), and one up channel — name pointer (`"defmt"`, so
//! probe-rs decodes the frames with the ELF's defmt table), buffer pointer,
//! size, write offset (ours), read offset (the probe's) and flags (mode in
//! bits 0–1: 1 = trim when full, 2 = block when full; probe-rs sets 2 when it
//! attaches). The target only writes bytes between the write and the read
//! offset and then advances the write offset; the probe only reads them and
//! advances the read offset.

use core::cell::{RefCell, UnsafeCell};
use core::sync::atomic::{AtomicUsize, Ordering};

use critical_section::Mutex;

/// Bytes in the up buffer (one slot always stays empty: a full ring holds
/// `SIZE − 1` bytes).
const SIZE: usize = 1024;
/// Flags: the mode bits.
const MODE_MASK: usize = 0b11;
/// Mode 2: wait for the probe when the ring is full.
const MODE_BLOCK_IF_FULL: usize = 2;
/// Mode 1: drop what does not fit (the mode until a probe attaches).
const MODE_NON_BLOCKING_TRIM: usize = 1;

#[repr(C)]
struct UpChannel {
    name: *const u8,
    buffer: *mut u8,
    size: usize,
    write: AtomicUsize,
    read: AtomicUsize,
    flags: AtomicUsize,
}

#[repr(C)]
struct ControlBlock {
    id: [u8; 16],
    max_up: usize,
    max_down: usize,
    up: UpChannel,
}

// SAFETY: the raw pointers in the control block point at `NAME` (immutable)
// and `RING` (written only by `write_ring`, which runs inside the logger's
// critical section, so never from two contexts at once); the offsets and
// flags are atomics. Sharing a reference between contexts is therefore sound.
unsafe impl Sync for ControlBlock {}

/// The ring the probe reads.
struct Ring(UnsafeCell<[u8; SIZE]>);
// SAFETY: see `ControlBlock`: one writer at a time (critical section), and
// the probe reads it from outside the program.
unsafe impl Sync for Ring {}

static RING: Ring = Ring(UnsafeCell::new([0; SIZE]));
static NAME: [u8; 6] = *b"defmt\0";

#[no_mangle]
#[used]
static _SEGGER_RTT: ControlBlock = ControlBlock {
    id: *b"SEGGER RTT\0\0\0\0\0\0",
    max_up: 1,
    max_down: 0,
    up: UpChannel {
        name: NAME.as_ptr(),
        buffer: RING.0.get().cast(),
        size: SIZE,
        write: AtomicUsize::new(0),
        read: AtomicUsize::new(0),
        flags: AtomicUsize::new(MODE_NON_BLOCKING_TRIM),
    },
};

/// Copies `bytes` into the ring after the write offset, as much as fits
/// before the read offset (all of it, waiting for the probe, in blocking mode).
fn write_ring(mut bytes: &[u8]) {
    let up = &_SEGGER_RTT.up;
    let ring = RING.0.get().cast::<u8>();
    while !bytes.is_empty() {
        // Offsets a debugger may have corrupted are brought back into the ring.
        let write = up.write.load(Ordering::Acquire) % SIZE;
        let read = up.read.load(Ordering::Acquire) % SIZE;
        // Contiguous free bytes from `write`: up to `read − 1`, or to the end
        // of the ring (keeping the last slot free if `read` is 0).
        let free =
            if read > write { read - write - 1 } else { SIZE - write - usize::from(read == 0) };
        if free == 0 {
            if up.flags.load(Ordering::Relaxed) & MODE_MASK == MODE_BLOCK_IF_FULL {
                continue;
            }
            return;
        }
        let n = free.min(bytes.len());
        let (now, later) = bytes.split_at(n);
        for (i, &b) in now.iter().enumerate() {
            // SAFETY: `write + i < write + free ≤ SIZE`, so the address lies
            // inside `RING`; no Rust reference to `RING`'s contents exists
            // (it is only ever written through this pointer), and only one
            // context writes at a time (the logger's critical section).
            unsafe { ring.add(write + i).write_volatile(b) };
        }
        up.write.store((write + n) % SIZE, Ordering::Release);
        bytes = later;
    }
}

#[defmt::global_logger]
struct Logger;

struct State {
    encoder: defmt::Encoder,
    /// A frame is open (between `acquire` and `release`).
    taken: bool,
}

static STATE: Mutex<RefCell<State>> =
    Mutex::new(RefCell::new(State { encoder: defmt::Encoder::new(), taken: false }));

/// Runs `f` on the state, unless a log call interrupted another (then the
/// nested frame is dropped).
fn with_state(f: impl FnOnce(&mut State)) {
    critical_section::with(|cs| {
        if let Ok(mut s) = STATE.borrow(cs).try_borrow_mut() {
            f(&mut s);
        }
    });
}

// SAFETY: frames never interleave: `acquire` opens one only when none is open,
// and every access to the encoder and the ring happens inside a critical
// section.
unsafe impl defmt::Logger for Logger {
    fn acquire() {
        with_state(|s| {
            if !s.taken {
                s.taken = true;
                s.encoder.start_frame(write_ring);
            }
        });
    }

    unsafe fn flush() {}

    unsafe fn release() {
        with_state(|s| {
            if s.taken {
                s.encoder.end_frame(write_ring);
                s.taken = false;
            }
        });
    }

    unsafe fn write(bytes: &[u8]) {
        with_state(|s| s.encoder.write(bytes, write_ring));
    }
}
