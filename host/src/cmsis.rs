//! CMSIS-DSP, the reference the fixed-point and f32 kernels are compared
//! with, built for each emulated Arm core so that `plasticore bench` measures
//! it in the same run, on the same counter, on the same inputs.
//!
//! The C sources come from the `cmsisdsp` source distribution on PyPI, pinned
//! by version and SHA-256 and cached under `target/cmsis/` (nothing of it is
//! committed). CMSIS core's `cmsis_compiler.h` is not in that distribution;
//! `host/cmsis/cmsis_compiler.h` maps the intrinsics the compared kernels use
//! to GCC's `<arm_acle.h>`. Each core's objects are linked with libgcc (its
//! soft-float routines, for the f32 kernels on cores without an FPU) into one
//! relocatable object whose only global symbols are the compared CMSIS
//! functions, so they never clash with Rust's compiler-builtins. The KL and
//! log-sum-exp kernels call newlib's `logf`/`expf` (`-lm`, as a CMSIS-DSP user
//! links them); `host/cmsis/errno.c` gives their error paths an `errno`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::boards::BoardName;

/// The pinned `cmsisdsp` release.
pub const VERSION: &str = "1.10.3";
/// SHA-256 of `cmsisdsp-1.10.3.tar.gz` as PyPI publishes it.
pub const SDIST_SHA256: &str = "307d32298faa7c58db912851027fce35f886fec7eb1a27c4b309ce1a97f47519";
/// The compared functions (the objects' only global symbols).
pub const FUNCTIONS: &[&str] = &[
    "arm_dot_prod_f32",
    "arm_dot_prod_q15",
    "arm_dot_prod_q7",
    "arm_mat_vec_mult_f32",
    "arm_mat_vec_mult_q15",
    "arm_mat_vec_mult_q7",
    "arm_mat_mult_f32",
    "arm_mat_mult_q15",
    "arm_float_to_q15",
    "arm_float_to_q7",
    "arm_q15_to_float",
    "arm_kullback_leibler_f32",
    "arm_logsumexp_f32",
    "arm_fir_f32",
    "arm_scale_f32",
    "arm_add_f32",
];
/// The sources of [`FUNCTIONS`] and their helpers, relative to the distribution's root.
const SOURCES: &[&str] = &[
    "Source/BasicMathFunctions/arm_dot_prod_f32.c",
    "Source/BasicMathFunctions/arm_dot_prod_q15.c",
    "Source/BasicMathFunctions/arm_dot_prod_q7.c",
    "Source/MatrixFunctions/arm_mat_vec_mult_f32.c",
    "Source/MatrixFunctions/arm_mat_vec_mult_q15.c",
    "Source/MatrixFunctions/arm_mat_vec_mult_q7.c",
    "Source/MatrixFunctions/arm_mat_mult_f32.c",
    "Source/MatrixFunctions/arm_mat_mult_q15.c",
    // arm_mat_mult_q15's transpose of B (a helper, not compared).
    "Source/MatrixFunctions/arm_mat_trans_q15.c",
    "Source/SupportFunctions/arm_float_to_q15.c",
    "Source/SupportFunctions/arm_float_to_q7.c",
    "Source/SupportFunctions/arm_q15_to_float.c",
    "Source/StatisticsFunctions/arm_kullback_leibler_f32.c",
    "Source/StatisticsFunctions/arm_logsumexp_f32.c",
    "Source/FilteringFunctions/arm_fir_f32.c",
    "Source/BasicMathFunctions/arm_scale_f32.c",
    "Source/BasicMathFunctions/arm_add_f32.c",
];
/// Optimisation, as CMSIS-DSP's own benchmarks build it.
pub const CFLAGS: &[&str] = &["-mthumb", "-O3", "-DARM_MATH_LOOPUNROLL"];

/// arm-none-eabi-gcc's flags for a board's core; `None` for a non-Arm core.
pub fn core_flags(board: BoardName) -> Option<&'static [&'static str]> {
    Some(match board {
        BoardName::QemuMps2An386 | BoardName::Nrf52840Dk => {
            &["-mcpu=cortex-m4", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16"]
        }
        BoardName::QemuMps2An385 => &["-mcpu=cortex-m3", "-mfloat-abi=soft"],
        BoardName::QemuMps2An500 => &["-mcpu=cortex-m7", "-mfloat-abi=hard", "-mfpu=fpv5-d16"],
        BoardName::QemuMps2An505 => &["-mcpu=cortex-m33", "-mfloat-abi=hard", "-mfpu=fpv5-sp-d16"],
        BoardName::QemuMicrobit | BoardName::RpPico => &["-mcpu=cortex-m0", "-mfloat-abi=soft"],
        BoardName::QemuRiscv32 | BoardName::Esp32c3 => return None,
    })
}

fn cache_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/cmsis")
}

fn run(cmd: &mut Command, what: &str) -> Result<(), String> {
    let out = cmd.stdin(Stdio::null()).output().map_err(|e| format!("{what}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        let err = String::from_utf8_lossy(&out.stderr);
        Err(format!("{what} failed: {}", err.lines().last().unwrap_or("").trim()))
    }
}

/// Whether `tool --version` runs and succeeds.
pub(crate) fn have(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

/// Makes sure arm-none-eabi-gcc is here, installing Debian's gcc-arm-none-eabi when root.
fn ensure_gcc() -> Result<(), String> {
    if have("arm-none-eabi-gcc") {
        return Ok(());
    }
    let root = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false);
    if root && Path::new("/usr/bin/apt-get").exists() {
        eprintln!("plasticore: installing gcc-arm-none-eabi with apt-get (for CMSIS-DSP)");
        let _ = Command::new("apt-get").args(["update", "-q"]).stdout(Stdio::null()).status();
        let _ = Command::new("apt-get")
            .args(["install", "-y", "-q", "gcc-arm-none-eabi"])
            .env("DEBIAN_FRONTEND", "noninteractive")
            .stdout(Stdio::null())
            .status();
        if have("arm-none-eabi-gcc") {
            return Ok(());
        }
    }
    Err("arm-none-eabi-gcc is not installed (apt-get install gcc-arm-none-eabi)".into())
}

/// Python that fetches the pinned sdist from PyPI's simple index into argv[1],
/// verified against argv[2]; an existing file is only verified.
const FETCH: &str = r#"
import hashlib, json, os, sys, urllib.request
path, want, version = sys.argv[1], sys.argv[2], sys.argv[3]
name = f"cmsisdsp-{version}.tar.gz"
if not os.path.exists(path):
    req = urllib.request.Request("https://pypi.org/simple/cmsisdsp/",
                                 headers={"Accept": "application/vnd.pypi.simple.v1+json"})
    files = json.load(urllib.request.urlopen(req, timeout=60))["files"]
    url = next(f["url"] for f in files if f["filename"] == name)
    data = urllib.request.urlopen(url, timeout=120).read()
    with open(path + ".part", "wb") as f:
        f.write(data)
    os.replace(path + ".part", path)
got = hashlib.sha256(open(path, "rb").read()).hexdigest()
if got != want:
    os.remove(path)
    sys.exit(f"{name}: sha256 {got}, expected {want}")
"#;

/// The unpacked, verified source distribution.
fn sources() -> Result<PathBuf, String> {
    let dir = cache_dir();
    std::fs::create_dir_all(&dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    let tarball = dir.join(format!("cmsisdsp-{VERSION}.tar.gz"));
    run(
        Command::new("python3").arg("-c").arg(FETCH).arg(&tarball).arg(SDIST_SHA256).arg(VERSION),
        "fetching the cmsisdsp source distribution from PyPI",
    )?;
    let root = dir.join(format!("cmsisdsp-{VERSION}"));
    if !root.join("Include/arm_math.h").exists() {
        run(
            Command::new("tar").arg("xzf").arg(&tarball).arg("-C").arg(&dir),
            "unpacking cmsisdsp",
        )?;
    }
    Ok(root)
}

/// Builds CMSIS-DSP's compared kernels for `board`'s core; returns the static
/// library to link into the firmware, or why it cannot be measured.
pub fn library(board: BoardName) -> Result<PathBuf, String> {
    let flags = core_flags(board).ok_or("CMSIS-DSP is Arm code; this core is RISC-V")?;
    ensure_gcc()?;
    let root = sources()?;
    let out = cache_dir().join(board.info().name);
    std::fs::create_dir_all(&out).map_err(|e| format!("creating {}: {e}", out.display()))?;
    let shim = Path::new(env!("CARGO_MANIFEST_DIR")).join("cmsis");
    let mut objs = Vec::new();
    let errno = shim.join("errno.c");
    let sources = SOURCES.iter().map(|s| root.join(s)).chain([errno]);
    for src in sources {
        let obj = out.join(format!("{}.o", src.file_stem().unwrap_or_default().to_string_lossy()));
        run(
            Command::new("arm-none-eabi-gcc")
                .args(CFLAGS)
                .args(flags)
                .arg("-I")
                .arg(root.join("Include"))
                .arg("-I")
                .arg(root.join("PrivateInclude"))
                .arg("-I")
                .arg(&shim)
                .arg("-c")
                .arg(&src)
                .arg("-o")
                .arg(&obj),
            &format!("compiling {}", src.display()),
        )?;
        objs.push(obj);
    }
    let combined = out.join("cmsis_ref.o");
    run(
        Command::new("arm-none-eabi-gcc")
            .args(CFLAGS)
            .args(flags)
            .args(["-nostdlib", "-r"])
            .args(&objs)
            .args(["-lm", "-lgcc"])
            .arg("-o")
            .arg(&combined),
        "linking CMSIS-DSP with libgcc",
    )?;
    let mut objcopy = Command::new("arm-none-eabi-objcopy");
    for f in FUNCTIONS {
        objcopy.arg(format!("--keep-global-symbol={f}"));
    }
    run(objcopy.arg(&combined), "localising libgcc's symbols")?;
    let lib = out.join("libcmsis_ref.a");
    let _ = std::fs::remove_file(&lib);
    run(
        Command::new("arm-none-eabi-ar").arg("rcs").arg(&lib).arg(&combined),
        "archiving CMSIS-DSP",
    )?;
    Ok(lib)
}
