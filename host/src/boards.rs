//! Every board the firmware builds for: its cargo feature, Rust target, build
//! profile, how QEMU emulates it (if it does), and how its counter ticks.

/// A board the firmware is built for (`--board` spells it as [`Board::name`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, clap::ValueEnum)]
pub enum BoardName {
    /// MPS2 AN386 (Cortex-M4F) emulated by qemu-system-arm.
    #[value(name = "qemu-mps2-an386")]
    QemuMps2An386,
    /// MPS2 AN385 (Cortex-M3, no FPU) emulated by qemu-system-arm.
    #[value(name = "qemu-mps2-an385")]
    QemuMps2An385,
    /// MPS2 AN500 (Cortex-M7, double-precision FPU) emulated by qemu-system-arm.
    #[value(name = "qemu-mps2-an500")]
    QemuMps2An500,
    /// MPS2 AN505 (Cortex-M33 with FPU) emulated by qemu-system-arm.
    #[value(name = "qemu-mps2-an505")]
    QemuMps2An505,
    /// BBC micro:bit (nRF51822, Cortex-M0, 16 KiB RAM) emulated by qemu-system-arm.
    #[value(name = "qemu-microbit")]
    QemuMicrobit,
    /// RV32IMC on qemu-system-riscv32's `virt` machine.
    #[value(name = "qemu-riscv32")]
    QemuRiscv32,
    /// Nordic nRF52840-DK (Cortex-M4F silicon), flashed with probe-rs.
    #[value(name = "nrf52840-dk")]
    Nrf52840Dk,
    /// Raspberry Pi Pico (RP2040, Cortex-M0+ silicon), flashed with probe-rs or as UF2.
    #[value(name = "rp-pico")]
    RpPico,
    /// ESP32-C3-DevKit (RV32IMC silicon), flashed with espflash.
    #[value(name = "esp32c3")]
    Esp32c3,
}

/// How QEMU runs an emulated board.
#[derive(Debug, Clone, Copy)]
pub struct Qemu {
    /// `qemu-system-arm` or `qemu-system-riscv32`.
    pub binary: &'static str,
    /// The Debian package that has [`Qemu::binary`].
    pub package: &'static str,
    /// Machine and CPU arguments.
    pub args: &'static [&'static str],
    /// Instructions per tick of the board's counter under `-icount shift=0`
    /// (SysTick: 10⁹ / core clock in Hz; `minstret`: 1).
    pub instructions_per_tick: f64,
}

/// What the harness knows about a board.
#[derive(Debug, Clone, Copy)]
pub struct Board {
    /// Which board.
    pub id: BoardName,
    /// The cargo feature, and the `--board` spelling.
    pub name: &'static str,
    /// The core.
    pub core: &'static str,
    /// Floating point on the core: `none` (soft float), `single` or `double`.
    pub fpu: &'static str,
    /// Rust target triple.
    pub target: &'static str,
    /// Cargo profile (`release`: opt-level 3, fat LTO).
    pub profile: &'static str,
    /// Extra codegen flags (`-C target-cpu=cortex-m7` for the M7, `cortex-m33`
    /// for the M33, `target-feature=+dsp`, so its DSP extension is used).
    pub rustflags: Option<&'static str>,
    /// RAM of the board, bytes.
    pub ram_bytes: u64,
    /// The emulator, for the emulated boards.
    pub qemu: Option<Qemu>,
}

const ARM: &str = "qemu-system-arm";
const ARM_PKG: &str = "qemu-system-arm";

/// Every board, emulated ones first (the Cortex-M4F, the reference board, leading).
pub const BOARDS: &[Board] = &[
    Board {
        id: BoardName::QemuMps2An386,
        name: "qemu-mps2-an386",
        core: "Cortex-M4F",
        fpu: "single",
        target: "thumbv7em-none-eabihf",
        profile: "release",
        rustflags: None,
        ram_bytes: 4 << 20,
        qemu: Some(Qemu {
            binary: ARM,
            package: ARM_PKG,
            args: &["-machine", "mps2-an386", "-cpu", "cortex-m4"],
            instructions_per_tick: 40.0,
        }),
    },
    Board {
        id: BoardName::QemuMps2An385,
        name: "qemu-mps2-an385",
        core: "Cortex-M3",
        fpu: "none",
        target: "thumbv7m-none-eabi",
        profile: "release",
        rustflags: None,
        ram_bytes: 4 << 20,
        qemu: Some(Qemu {
            binary: ARM,
            package: ARM_PKG,
            args: &["-machine", "mps2-an385", "-cpu", "cortex-m3"],
            instructions_per_tick: 40.0,
        }),
    },
    Board {
        id: BoardName::QemuMps2An500,
        name: "qemu-mps2-an500",
        core: "Cortex-M7",
        fpu: "double",
        target: "thumbv7em-none-eabihf",
        profile: "release",
        rustflags: Some("-C target-cpu=cortex-m7"),
        ram_bytes: 4 << 20,
        qemu: Some(Qemu {
            binary: ARM,
            package: ARM_PKG,
            args: &["-machine", "mps2-an500", "-cpu", "cortex-m7"],
            instructions_per_tick: 40.0,
        }),
    },
    Board {
        id: BoardName::QemuMps2An505,
        name: "qemu-mps2-an505",
        core: "Cortex-M33",
        fpu: "single",
        target: "thumbv8m.main-none-eabihf",
        profile: "release",
        // The M33 with its DSP extension, as on the AN505 and most M33 silicon
        // (the feature alone: `target-cpu=cortex-m33` also retunes the f32 loops, to
        // 25–40 % more instructions).
        rustflags: Some("-C target-feature=+dsp"),
        ram_bytes: 4 << 20,
        qemu: Some(Qemu {
            binary: ARM,
            package: ARM_PKG,
            args: &["-machine", "mps2-an505", "-cpu", "cortex-m33"],
            instructions_per_tick: 50.0,
        }),
    },
    Board {
        id: BoardName::QemuMicrobit,
        name: "qemu-microbit",
        core: "Cortex-M0",
        fpu: "none",
        target: "thumbv6m-none-eabi",
        profile: "release",
        rustflags: None,
        ram_bytes: 16 << 10,
        qemu: Some(Qemu {
            binary: ARM,
            package: ARM_PKG,
            args: &["-machine", "microbit"],
            instructions_per_tick: 62.5,
        }),
    },
    Board {
        id: BoardName::QemuRiscv32,
        name: "qemu-riscv32",
        core: "RV32IMC",
        fpu: "none",
        target: "riscv32imc-unknown-none-elf",
        profile: "release",
        rustflags: None,
        ram_bytes: 16 << 20,
        qemu: Some(Qemu {
            binary: "qemu-system-riscv32",
            package: "qemu-system-misc",
            args: &["-machine", "virt", "-bios", "none"],
            instructions_per_tick: 1.0,
        }),
    },
    Board {
        id: BoardName::Nrf52840Dk,
        name: "nrf52840-dk",
        core: "Cortex-M4F",
        fpu: "single",
        target: "thumbv7em-none-eabihf",
        profile: "release",
        rustflags: None,
        ram_bytes: 256 << 10,
        qemu: None,
    },
    Board {
        id: BoardName::RpPico,
        name: "rp-pico",
        core: "Cortex-M0+",
        fpu: "none",
        target: "thumbv6m-none-eabi",
        profile: "release",
        rustflags: None,
        ram_bytes: 264 << 10,
        qemu: None,
    },
    Board {
        id: BoardName::Esp32c3,
        name: "esp32c3",
        core: "RV32IMC",
        fpu: "none",
        target: "riscv32imc-unknown-none-elf",
        profile: "release",
        rustflags: None,
        ram_bytes: 400 << 10,
        qemu: None,
    },
];

impl BoardName {
    /// The board's facts.
    pub fn info(self) -> &'static Board {
        BOARDS.iter().find(|b| b.id == self).expect("every BoardName is in BOARDS")
    }
}

/// The emulated boards, in report order.
pub fn emulated() -> impl Iterator<Item = &'static Board> {
    BOARDS.iter().filter(|b| b.qemu.is_some())
}
