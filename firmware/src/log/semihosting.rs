//! A defmt global logger that writes the encoded frames to the host's stdout
//! through semihosting, with no panic path: the emulated RISC-V board (for
//! which `defmt-semihosting`, Cortex-M only, does not exist) and the
//! application binaries on the emulated Arm boards (which must link no panic
//! machinery; `defmt-semihosting` panics on a reentrant frame).

use core::cell::RefCell;

#[cfg(target_arch = "arm")]
use cortex_m_semihosting::hio::{self, HostStream};
use critical_section::Mutex;
#[cfg(target_arch = "riscv32")]
use riscv_semihosting::hio::{self, HostStream};

#[defmt::global_logger]
struct Logger;

struct State {
    encoder: defmt::Encoder,
    /// The host's stdout, opened on first use.
    stdout: Option<HostStream>,
    /// A frame is open (between `acquire` and `release`).
    taken: bool,
}

static STATE: Mutex<RefCell<State>> =
    Mutex::new(RefCell::new(State { encoder: defmt::Encoder::new(), stdout: None, taken: false }));

/// Runs `f` on the encoder with a sink that writes to the host.
fn with_state(f: impl FnOnce(&mut State, &mut dyn FnMut(&[u8]))) {
    critical_section::with(|cs| {
        // Busy only if a log call interrupted another: drop the nested frame.
        let Ok(mut s) = STATE.borrow(cs).try_borrow_mut() else {
            return;
        };
        if s.stdout.is_none() {
            s.stdout = hio::hstdout().ok();
        }
        let mut stdout = s.stdout.take();
        let mut out = |bytes: &[u8]| {
            if let Some(h) = stdout.as_mut() {
                let _ = h.write_all(bytes);
            }
        };
        f(&mut s, &mut out);
        s.stdout = stdout;
    });
}

// SAFETY: frames never interleave: `acquire` opens one only when none is open
// (a nested log call, which defmt does not make, is dropped), and every
// access to the encoder and the host handle happens inside a critical
// section. The firmware is single-hart and enables no interrupts here.
unsafe impl defmt::Logger for Logger {
    fn acquire() {
        with_state(|s, out| {
            if !s.taken {
                s.taken = true;
                s.encoder.start_frame(out);
            }
        });
    }

    unsafe fn flush() {}

    unsafe fn release() {
        with_state(|s, out| {
            if s.taken {
                s.encoder.end_frame(out);
                s.taken = false;
            }
        });
    }

    unsafe fn write(bytes: &[u8]) {
        with_state(|s, out| s.encoder.write(bytes, out));
    }
}
