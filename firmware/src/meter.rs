//! Counting work on the board: a [`Meter`] for the self-test cases (stack
//! high-water mark in a painted run, cost in a timed one, repeated for short
//! kernels), the check of the counter against a loop of known length, and
//! [`units`] for an application's own timings.
//!
//! Under QEMU `-icount shift=0` a unit is an instruction; on silicon, a
//! cycle ([`Board::UNIT`]). Costs are kept in milli-units, so the micro:bit's
//! 62.5 instructions per tick are exact.

use crate::{arch, stack, Board};
use plasticore_selftest::Meter;

/// Work (in board units) a timed run should reach, so a 62.5-instruction
/// counter tick costs under 0.07 %.
const TARGET_UNITS: u64 = 100_000;

/// Board units in `ticks` counter ticks (integer: the tick factor is in
/// milli-units).
pub fn units<B: Board>(ticks: u64) -> u64 {
    // t·M/1000 = t·q + ⌊t·r/1000⌋ for M = 1000q + r, exactly: no 64-bit
    // division is linked where r = 0 (every board but the micro:bit).
    let (q, r) = (B::MILLI_UNITS_PER_TICK / 1000, B::MILLI_UNITS_PER_TICK % 1000);
    ticks * q + if r == 0 { 0 } else { ticks * r / 1000 }
}

/// [`units`] in `u32` arithmetic, for spans under 2³² units: no 64-bit
/// division is linked (the Cortex-M0 and M3 have none in hardware).
pub fn units_u32<B: Board>(ticks: u64) -> u32 {
    (ticks as u32).saturating_mul((B::MILLI_UNITS_PER_TICK / 100) as u32) / 10
}

/// Measures kernels on a board. The cost of reading the counter and of
/// calling an empty kernel is measured at construction and subtracted.
pub struct BoardMeter<'a, B: Board> {
    board: &'a mut B,
    /// Cost of an empty measured run (reading the counter twice), in milli-units.
    base_milli: u64,
    /// Cost of calling an empty kernel once, in milli-units.
    call_milli: u64,
    /// Last kernel: cost per call, in milli-units.
    pub cost_milli: u64,
    /// Last kernel: stack bytes.
    pub stack: u32,
}

impl<'a, B: Board> BoardMeter<'a, B> {
    /// A meter on `board`, calibrated.
    pub fn new(board: &'a mut B) -> Self {
        let mut m = BoardMeter { board, base_milli: 0, call_milli: 0, cost_milli: 0, stack: 0 };
        let mut empty = || {};
        let base = m.timed(&mut empty, 0);
        let many = m.timed(&mut empty, 10_000);
        m.base_milli = base;
        m.call_milli = many.saturating_sub(base) / 10_000;
        m
    }

    /// The board.
    pub fn board(&mut self) -> &mut B {
        self.board
    }

    fn milli(ticks: u64) -> u64 {
        ticks * B::MILLI_UNITS_PER_TICK
    }

    fn timed(&mut self, kernel: &mut dyn FnMut(), reps: u32) -> u64 {
        let t0 = self.board.ticks();
        for _ in 0..reps {
            kernel();
        }
        let t1 = self.board.ticks();
        Self::milli(t1 - t0)
    }

    /// Counts a loop of known length: `(instructions executed, milli-units
    /// measured)`; on an emulated board the two agree to a tick.
    pub fn check_counter(&mut self) -> (u64, u64) {
        const SHORT: u32 = 100_000;
        const LONG: u32 = 1_100_000;
        let t0 = self.board.ticks();
        arch::known_loop(SHORT);
        let t1 = self.board.ticks();
        arch::known_loop(LONG);
        let t2 = self.board.ticks();
        // The difference cancels the cost of reading the counter.
        let measured = Self::milli(t2 - t1).saturating_sub(Self::milli(t1 - t0));
        (2 * (LONG - SHORT) as u64, measured)
    }
}

impl<B: Board> Meter for BoardMeter<'_, B> {
    /// The stack from one painted run with interrupts masked (so a counter
    /// interrupt's frame, which lands on the same stack, never counts: the
    /// figure is the kernel's own), the cost from runs with them on.
    fn measure(&mut self, kernel: &mut dyn FnMut()) {
        self.stack = critical_section::with(|_| {
            let high = stack::HighWater::start();
            kernel();
            high.bytes()
        });
        let t0 = self.board.ticks();
        kernel();
        let t1 = self.board.ticks();
        let once = Self::milli(t1 - t0);
        if once >= TARGET_UNITS * 1000 {
            self.cost_milli = once.saturating_sub(self.base_milli + self.call_milli);
            return;
        }
        let reps = (TARGET_UNITS * 1000 / once.max(1000)).clamp(1, 10_000) as u32;
        let total = self.timed(kernel, reps);
        let overhead = self.base_milli + reps as u64 * self.call_milli;
        self.cost_milli = total.saturating_sub(overhead) / reps as u64;
    }
}
