//! The subcommands of `plasticore`, one file each, and what they share:
//! the exit status of a failure and booting an emulated board.

pub mod adaptation;
pub mod bench;
pub mod demo;
pub mod evolve;
pub mod firmware;
pub mod planes;
pub mod run;
pub mod simulate;

use std::time::Duration;

use plasticore_host::firmware::{self as fw, BoardName};

/// How long a boot of the emulated board may take.
pub const QEMU_TIMEOUT: Duration = Duration::from_secs(600);

/// An error and the exit status it gives: 2 for bad input or usage, 1 for a failure.
#[derive(Debug)]
pub enum Failure {
    /// Bad input or usage: exit status 2.
    Usage(String),
    /// Something failed: exit status 1.
    Failed(String),
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Self {
        Failure::Failed(format!("{e:#}"))
    }
}

/// Builds the self-test for an emulated `board` and boots it.
pub fn boot(board: BoardName) -> Result<fw::Boot, Failure> {
    if board.info().qemu.is_none() {
        return Err(Failure::Usage(format!(
            "{} is a silicon board: use `plasticore firmware run --board {}` with the board attached",
            board.info().name,
            board.info().name
        )));
    }
    let elf = fw::build(board)?;
    Ok(fw::run_qemu(board, &elf, QEMU_TIMEOUT)?)
}

/// Prints a boot's decoded log; an error unless it exited 0.
pub fn print_log(b: &fw::Boot, what: &str) -> Result<(), Failure> {
    for l in &b.lines {
        println!("{l}");
    }
    if b.status == 0 {
        Ok(())
    } else {
        Err(Failure::Failed(format!("{what} exited with status {}", b.status)))
    }
}
