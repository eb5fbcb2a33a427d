//! `plasticore demo`: the firmware on an emulated board, checked against the
//! host bit for bit, its resources, and the two applications.

use plasticore_host::firmware::{self, BoardName};
use plasticore_host::report;

use super::{boot, Failure, QEMU_TIMEOUT};

pub fn demo(board: BoardName) -> Result<(), Failure> {
    let info = board.info();
    println!(
        "plasticore demo: booting the firmware on the emulated {} (QEMU, board {})\n",
        info.core, info.name
    );
    let b = boot(board)?;
    let lines = firmware::parse_cases(&b.lines)?;
    let skipped = firmware::parse_skips(&b.lines)?;
    let host = report::host_checksums();
    println!(
        "{:<22} {:<18} {:<40} {:>9} {:>10} {:>9} {:>6}",
        "kernel", "shape", "first outputs (board)", "board", "host", "rel err", "test"
    );
    let mut all_equal = !lines.is_empty();
    for l in &lines {
        let h = host.get(&(l.kernel.clone(), l.shape.clone())).map_or(0, |(c, _)| *c);
        let same = l.checksum == h;
        all_equal &= same;
        let shown = l.preview.iter().take(l.outputs.min(4) as usize);
        let preview: Vec<String> = shown.map(|v| format!("{v:.4}")).collect();
        println!(
            "{:<22} {:<18} {:<40} {:>9} {:>10} {:>9.1e} {:>6}",
            l.kernel,
            l.shape,
            format!("[{}{}]", preview.join(", "), if l.outputs > 4 { ", …" } else { "" }),
            format!("{:08x}", l.checksum),
            if same { "same bits".to_string() } else { format!("{h:08x}") },
            l.max_rel_err,
            if l.ok { "pass" } else { "FAIL" }
        );
    }
    for sk in &skipped {
        println!(
            "{:<22} {:<18} not run: needs {} B of stack, {} B free",
            sk.kernel, sk.shape, sk.need, sk.free
        );
    }
    let size = report::image_size(&b.elf)?;
    let r = report::build_report(size, info.name, &lines, &Default::default());
    println!(
        "\nresources on the emulated {} (instructions under QEMU -icount, stack high-water mark):",
        info.core
    );
    for x in &r.records {
        println!(
            "  {:<22} {:<22} {:>10.1} instructions  {:>6.3} per MAC  {:>6} B stack",
            x.kernel, x.shape, x.instructions, x.instructions_per_mac, x.stack_bytes
        );
    }
    println!("  firmware image: {} B flash, {} B static RAM", r.flash_bytes, r.static_ram_bytes);
    println!(
        "  plasticore against CMSIS-DSP, both measured on every Arm core in one run: `plasticore bench` (docs/benchmarks.md)"
    );
    print_highlights(info.core, &lines);
    let app_ok = demo_controller(board)? & demo_knn(board)? & demo_evolve(board)?;
    let passed = b.status == 0 && lines.iter().all(|l| l.ok) && app_ok;
    println!(
        "\nself-tests on the board: {}; board vs host: {}",
        if passed { "all passed" } else { "FAILED" },
        if all_equal { "bit-identical on every kernel" } else { "DIFFERENT" }
    );
    if passed && all_equal {
        Ok(())
    } else {
        Err(Failure::Failed("demo failed".into()))
    }
}

/// Boots the adaptive-controller application and prints its plastic and
/// static returns after the change, checked against the host; true if equal.
fn demo_controller(board: BoardName) -> Result<bool, Failure> {
    use plasticore_host::envs::{DynamicsSpec, EnvName, Scenario};
    if board != BoardName::QemuMps2An386 {
        return Ok(true);
    }
    let elf = firmware::build_app(board, "adaptive-controller")?;
    let boot = firmware::run_qemu(board, &elf, QEMU_TIMEOUT)?;
    let scenario = Scenario {
        change: Some((
            200,
            DynamicsSpec::parse(EnvName::Cartpole, "length=1,masspole=0.3,force_mag=5")?,
        )),
        ..Scenario::default()
    };
    let dir = firmware::firmware_dir().join("src/bin/adaptive-controller");
    let mut equal = boot.status == 0;
    let mut after = vec![];
    for net in ["plastic", "static"] {
        let host = plasticore_host::simulate::simulate(
            EnvName::Cartpole,
            &dir.join(format!("{net}.blob")),
            10,
            0,
            &scenario,
        )?;
        let board_rets: Vec<u32> = boot
            .lines
            .iter()
            .filter_map(|l| l.strip_prefix(&format!("episode|{net}|")))
            .filter_map(|r| r.split('|').nth(3))
            .filter_map(|h| u32::from_str_radix(h, 16).ok())
            .collect();
        let host_rets: Vec<u32> = host.returns.iter().map(|r| r.to_bits()).collect();
        equal &= board_rets == host_rets;
        after.push(host.mean_return_after_change);
    }
    println!(
        "  adaptive-controller (application binary): CartPole, at step 200 the pole grows to 1 m and 0.3 kg and the push drops to 5 N: return after the change {:.1} plastic, {:.1} static (mean of 10 episodes; board {} host)",
        after[0],
        after[1],
        if equal { "equals" } else { "DIFFERS from" }
    );
    Ok(equal)
}

/// Boots the lsh-knn application and prints its accuracy and cost per
/// query, checked against the host; true if equal.
fn demo_knn(board: BoardName) -> Result<bool, Failure> {
    if board != BoardName::QemuMps2An386 {
        return Ok(true);
    }
    let elf = firmware::build_app(board, "lsh-knn")?;
    let boot = firmware::run_qemu(board, &elf, QEMU_TIMEOUT)?;
    let dir = firmware::firmware_dir().join("src/bin/lsh-knn");
    let bytes = std::fs::read(dir.join("digits.blob"))
        .map_err(|e| Failure::Failed(format!("reading digits.blob: {e}")))?;
    let host = plasticore_host::apps::lsh_knn(&bytes)?;
    let fields: Vec<&str> = boot
        .lines
        .iter()
        .find_map(|l| l.strip_prefix("knn|"))
        .map(|l| l.split('|').collect())
        .unwrap_or_default();
    let board_fnv = fields.get(3).and_then(|h| u32::from_str_radix(h, 16).ok());
    let equal = boot.status == 0 && board_fnv == Some(host.predictions_fnv);
    println!(
        "  lsh-knn (application binary): digits in an LshIndexI8 in a static, {} inserted, {} classified by 5 nearest neighbours: accuracy {:.1} %, {} instructions per query (board {} host)",
        host.train,
        host.test,
        100.0 * host.correct as f64 / host.test as f64,
        fields.get(5).copied().unwrap_or("?"),
        if equal { "equals" } else { "DIFFERS from" }
    );
    Ok(equal)
}

/// Boots the evolve-on-device application (the board evolves its own
/// CartPole controller) and prints its cost and result, checked against the
/// host's `--preset on-device` run; true if equal.
fn demo_evolve(board: BoardName) -> Result<bool, Failure> {
    use plasticore_host::{envs::EnvName, evolve};
    if board != BoardName::QemuMps2An386 {
        return Ok(true);
    }
    let elf = firmware::build_app(board, "evolve-on-device")?;
    let boot = firmware::run_qemu(board, &elf, QEMU_TIMEOUT)?;
    let opts = evolve::EvolveOptions::on_device(EnvName::Cartpole)?;
    let host = evolve::evolve(&opts, None, false, false)?;
    let blob = evolve::model_blob_bytes(&host.sizes, &opts.model(&host.coeffs)?)?;
    let crc = evolve::blob_checksum(&blob);
    let f: Vec<&str> = boot
        .lines
        .iter()
        .find_map(|l| l.strip_prefix("evolved|"))
        .map(|l| l.split('|').collect())
        .unwrap_or_default();
    let board_crc = f.get(4).and_then(|h| u32::from_str_radix(h, 16).ok());
    let equal = boot.status == 0
        && board_crc == Some(crc)
        && f.get(1).and_then(|g| g.parse().ok()) == Some(host.history.len());
    let control = boot.lines.iter().find_map(|l| l.strip_prefix("control|0|")).unwrap_or("?");
    println!(
        "  evolve-on-device (application binary): the board evolved its own controller in {} instructions ({} generations of OpenAI-ES, no host): validation mean return {:.1} over 100 unseen episodes, return {control} on seed 0 (board {} host)",
        f.get(5).copied().unwrap_or("?"),
        host.history.len(),
        host.validation,
        if equal { "equals" } else { "DIFFERS from" }
    );
    Ok(equal)
}

/// A few results worth reading first, from the board's own log.
fn print_highlights(core: &str, lines: &[firmware::CaseLine]) {
    let find = |k: &str, shape: &str| lines.iter().find(|l| l.kernel == k && l.shape == shape);
    println!("\nhighlights (all computed on the emulated {core}):");
    if let Some(c) = lines.iter().find(|l| l.kernel == "hebbian.cartpole") {
        println!(
            "  CartPole, plastic network from random weights each episode: returns {:.0}, {:.0} (seeds 0, 1; {} episodes in all, {})",
            c.preview[0],
            c.preview[3],
            c.outputs / 3,
            if c.ok { "all balanced for 500 steps" } else { "NOT all balanced" }
        );
    }
    if let (Some(f), Some(l)) = (find("attention.sdpa", "n=1024"), find("attention.lsh", "n=1024"))
    {
        println!(
            "  attention at n = 1024 (2 heads, d 32): full {:.1} M vs LSH {:.1} M instructions ({:.1}x fewer)",
            f.cost / 1e6,
            l.cost / 1e6,
            f.cost / l.cost
        );
    }
    if let Some(h) = lines.iter().find(|l| {
        l.kernel == "lsh.hyperplane" && l.shape.contains("b=64") && l.shape.contains("stored")
    }) {
        println!(
            "  SimHash d = 64, 64 bits: {:.0} instructions per vector; code (16-bit words) {}",
            h.cost,
            h.preview.iter().map(|v| format!("{:04x}", *v as u32)).collect::<Vec<_>>().join(" ")
        );
    }
    if let Some(q) = lines.iter().find(|l| l.kernel == "lsh.index" && l.shape.starts_with("query"))
    {
        println!(
            "  LSH index query ({}): {:.0} instructions, nearest ids {:?}",
            q.shape,
            q.cost,
            q.preview.map(|v| v as i32)
        );
    }
}
