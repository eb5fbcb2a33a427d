//! What differs between the Arm and the RISC-V cores: reading the stack
//! pointer, a loop of known length (to check the work counter), and the
//! semihosting exit of the emulated boards.

#[cfg(target_arch = "arm")]
mod arm;
#[cfg(target_arch = "arm")]
pub use arm::*;

#[cfg(target_arch = "riscv32")]
mod riscv;
#[cfg(target_arch = "riscv32")]
pub use riscv::*;
