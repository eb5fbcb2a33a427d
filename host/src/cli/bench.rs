//! `plasticore bench`: the resource report (docs/benchmarks.md, JSON, plots).

use std::path::PathBuf;

use plasticore_host::firmware::{self, BoardName};
use plasticore_host::{boards, report};

use super::{Failure, QEMU_TIMEOUT};

/// `plasticore bench`'s arguments.
#[derive(clap::Args)]
pub struct BenchArgs {
    /// `all` (every emulated board, plus the image size of every board) or one emulated board.
    #[arg(long, default_value = "all", value_name = "all|BOARD")]
    pub board: String,
    /// Also write the report as JSON here.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Where to write the Markdown report (default docs/benchmarks.md with `--board all`;
    /// with one board, only when given).
    #[arg(long, value_name = "FILE")]
    pub markdown: Option<PathBuf>,
}

pub fn bench(args: BenchArgs) -> Result<(), Failure> {
    let all = args.board == "all";
    let boards: Vec<BoardName> = if all {
        boards::emulated().map(|b| b.id).collect()
    } else {
        let b = <BoardName as clap::ValueEnum>::from_str(&args.board, false).map_err(|_| {
            Failure::Usage(format!("--board '{}': expected all or a board name", args.board))
        })?;
        if b.info().qemu.is_none() {
            return Err(Failure::Usage(format!(
                "--board {}: bench measures emulated boards; silicon images are sized by --board all",
                args.board
            )));
        }
        vec![b]
    };
    // Each Arm core's firmware links CMSIS-DSP's compared kernels when they can
    // be built here, so one boot measures both on the same counter.
    let mut elfs = Vec::new();
    let mut cmsis_not_measured = Vec::new();
    for &b in &boards {
        let elf = match plasticore_host::cmsis::library(b) {
            Ok(lib) => firmware::build_with(b, Some(&lib))?,
            Err(why) => {
                eprintln!("plasticore: CMSIS-DSP not measured on {}: {why}", b.info().name);
                cmsis_not_measured.push((b.info().name.to_string(), why));
                firmware::build(b)?
            }
        };
        elfs.push((b, elf));
    }
    let boots = firmware::boot_elfs(elfs, QEMU_TIMEOUT)?;
    for b in &boots {
        if b.status != 0 {
            return Err(Failure::Failed(format!(
                "firmware self-test failed on {} (status {})",
                b.board.info().name,
                b.status
            )));
        }
    }
    let reference = &boots[0];
    let lines = firmware::parse_cases(&reference.lines)?;
    let size = report::image_size(&reference.elf)?;
    eprintln!("plasticore: timing {} cases on the host", lines.len());
    let host = plasticore_host::host_bench::host_timings(
        &firmware::firmware_dir().join("../target/criterion-host"),
    );
    let mut r = report::build_report(size, reference.board.info().name, &lines, &host);
    r.cmsis_not_measured = cmsis_not_measured;
    for b in &boots {
        r.boards.push(report::BoardReport::from_boot(b)?);
    }
    if all {
        for info in boards::BOARDS {
            let elf = if info.qemu.is_some() {
                boots
                    .iter()
                    .find(|b| b.board == info.id)
                    .map(|b| b.elf.clone())
                    .ok_or_else(|| Failure::Failed(format!("{} did not run", info.name)))?
            } else {
                firmware::build(info.id)?
            };
            r.images.push(report::BoardImage {
                board: info.name.into(),
                core: info.core.into(),
                target: info.target.into(),
                profile: info.profile.into(),
                emulated: info.qemu.is_some(),
                size: report::image_size(&elf)?,
            });
        }
    }
    if all {
        r.apps = report::app_footprints()?;
        r.on_device = report::on_device_runs()?;
    }
    print!("{}", report::table(&r));
    let markdown = args.markdown.or_else(|| all.then(|| PathBuf::from("docs/benchmarks.md")));
    if let Some(md) = markdown {
        if let Some(parent) = md.parent() {
            std::fs::create_dir_all(parent).ok();
        }
        std::fs::write(&md, report::markdown(&r))
            .map_err(|e| Failure::Failed(format!("writing {}: {e}", md.display())))?;
        eprintln!("plasticore: wrote {}", md.display());
        let dir =
            md.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
        for plot in plasticore_host::report::write_plots(&r, dir)? {
            eprintln!("plasticore: wrote {}", plot.display());
        }
    }
    if let Some(j) = args.json {
        let text = serde_json::to_string_pretty(&r).map_err(|e| Failure::Failed(e.to_string()))?;
        std::fs::write(&j, text)
            .map_err(|e| Failure::Failed(format!("writing {}: {e}", j.display())))?;
        eprintln!("plasticore: wrote {}", j.display());
    }
    Ok(())
}
