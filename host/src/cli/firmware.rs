//! `plasticore firmware exec|build|run`: the firmware on an emulated board
//! (QEMU) or a silicon one (its flasher).

use std::path::PathBuf;

use plasticore_host::firmware::{self, BoardName};

use super::{boot, print_log, Failure, QEMU_TIMEOUT};

#[derive(clap::Subcommand)]
pub enum FirmwareAction {
    /// Run a built image (the cargo runner of `firmware/`: `cargo run` there ends here):
    /// boot it on its emulated board and print the decoded defmt log, or flash its
    /// silicon board with probe-rs (nRF52840-DK, Pico) or espflash (ESP32-C3).
    Exec {
        /// The ELF (its board is read from the image).
        elf: PathBuf,
    },
    /// Build the firmware (release).
    Build {
        /// Board to build for.
        #[arg(long, value_enum, default_value = "qemu-mps2-an386")]
        board: BoardName,
        /// An application binary instead of the self-test (adaptive-controller).
        #[arg(long, value_name = "NAME")]
        app: Option<String>,
    },
    /// Build and run the firmware (QEMU for the emulated boards, the board's flasher for
    /// silicon); exits with the firmware's status.
    Run {
        /// Board to run on.
        #[arg(long, value_enum, default_value = "qemu-mps2-an386")]
        board: BoardName,
        /// An application binary instead of the self-test (adaptive-controller).
        #[arg(long, value_name = "NAME")]
        app: Option<String>,
    },
}

/// `firmware exec`: the board from the image, then QEMU (decoded log, the
/// firmware's exit status) or the board's flasher.
fn exec_image(elf: &std::path::Path) -> Result<(), Failure> {
    let board = firmware::board_of_elf(elf).map_err(|e| Failure::Usage(format!("{e:#}")))?;
    let info = board.info();
    if info.qemu.is_none() {
        let (tool, args): (&str, Vec<&str>) = match board {
            BoardName::Esp32c3 => ("espflash", vec!["flash", "--monitor", "--log-format", "defmt"]),
            BoardName::RpPico => ("probe-rs", vec!["run", "--chip", "RP2040"]),
            _ => ("probe-rs", vec!["run", "--chip", "nRF52840_xxAA"]),
        };
        let st = std::process::Command::new(tool).args(args).arg(elf).status().map_err(|e| {
            Failure::Failed(format!(
                "running {tool} for the {}: {e} (install it: cargo install {} --locked)",
                info.name,
                if tool == "espflash" { "espflash" } else { "probe-rs-tools" }
            ))
        })?;
        return if st.success() {
            Ok(())
        } else {
            Err(Failure::Failed(format!("{tool} exited with {st}")))
        };
    }
    let b = firmware::run_qemu(board, elf, QEMU_TIMEOUT)?;
    print_log(&b, &format!("{} on {}", elf.display(), info.name))
}

/// Flashes a silicon board through the firmware's cargo runner (probe-rs or espflash).
fn run_on_silicon(board: BoardName, app: Option<&str>) -> Result<(), Failure> {
    let b = board.info();
    let (tool, install) = match board {
        BoardName::Esp32c3 => ("espflash", "cargo install espflash --locked"),
        _ => ("probe-rs", "cargo install probe-rs-tools --locked"),
    };
    if std::process::Command::new(tool).arg("--version").output().is_err() {
        return Err(Failure::Failed(format!(
            "{tool} is not installed; install it with `{install}`, connect the {}, and run again",
            b.name
        )));
    }
    let mut args = firmware::build_args(b);
    args[0] = "run".into();
    if let Some(app) = app {
        if !firmware::APPS.contains(&app) {
            return Err(Failure::Usage(format!(
                "unknown application '{app}': expected one of {}",
                firmware::APPS.join(", ")
            )));
        }
        args[2] = app.into();
    }
    let st = std::process::Command::new("cargo")
        .args(&args)
        .current_dir(firmware::firmware_dir())
        .status()
        .map_err(|e| Failure::Failed(format!("running cargo: {e}")))?;
    if st.success() {
        Ok(())
    } else {
        Err(Failure::Failed(format!("the firmware on the {} failed", b.name)))
    }
}

pub fn firmware_cmd(action: FirmwareAction) -> Result<(), Failure> {
    match action {
        FirmwareAction::Exec { elf } => exec_image(&elf),
        FirmwareAction::Build { board, app } => {
            let elf = match app {
                Some(a) => firmware::build_app(board, &a)?,
                None => firmware::build(board)?,
            };
            println!("{}", elf.display());
            Ok(())
        }
        FirmwareAction::Run { board, app } if board.info().qemu.is_none() => {
            run_on_silicon(board, app.as_deref())
        }
        FirmwareAction::Run { board, app } => {
            let b = match &app {
                Some(app) => {
                    let elf = firmware::build_app(board, app)?;
                    firmware::run_qemu(board, &elf, QEMU_TIMEOUT)?
                }
                None => boot(board)?,
            };
            print_log(&b, app.as_deref().unwrap_or("firmware"))
        }
    }
}
