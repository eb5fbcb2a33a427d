//! The application binaries a user starts from (`firmware/src/bin/*/`):
//! each boots on every emulated core (Cortex-M4F, M3, M7, M33, M0 and
//! RV32IMC), exits 0, and logs exactly what the host computes from the same
//! committed blobs; its generated Rust equals its blob; and its footprint
//! stays within the committed budget.

use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

use plasticore_host::envs::{DynamicsSpec, EnvName, Scenario};
use plasticore_host::evolve::{parse_model, rust_source, static_rust_source};
use plasticore_host::firmware::{self, BoardName, Boot};
use plasticore_host::{report, simulate};

fn app_dir(app: &str) -> PathBuf {
    firmware::firmware_dir().join("src/bin").join(app)
}

fn boot(board: BoardName) -> Boot {
    let elf = firmware::build_app(board, "adaptive-controller").expect("build");
    firmware::run_qemu(board, &elf, Duration::from_secs(300)).expect("boot")
}

fn controller_boot() -> &'static Boot {
    static BOOT: OnceLock<Boot> = OnceLock::new();
    BOOT.get_or_init(|| boot(BoardName::QemuMps2An386))
}

/// `episode|NET|seed|steps|ret_before bits|ret bits|checksum|units` lines of `net`.
fn episodes(lines: &[String], net: &str) -> Vec<(u64, u32, u32, u32, String)> {
    lines
        .iter()
        .filter_map(|l| l.strip_prefix(&format!("episode|{net}|")))
        .map(|rest| {
            let f: Vec<&str> = rest.split('|').collect();
            assert_eq!(f.len(), 6, "episode line {rest}");
            let hex = |s: &str| u32::from_str_radix(s, 16).expect("hex");
            (
                f[0].parse().expect("seed"),
                f[1].parse().expect("steps"),
                hex(f[2]),
                hex(f[3]),
                f[4].to_string(),
            )
        })
        .collect()
}

#[test]
fn adaptive_controller_equals_host_bit_for_bit_cortex_m4f() {
    equals_host(controller_boot());
}

#[test]
fn adaptive_controller_equals_host_bit_for_bit_on_every_other_core() {
    // One after another: the builds share target directories.
    for b in plasticore_host::boards::emulated() {
        if b.id != BoardName::QemuMps2An386 {
            equals_host(&boot(b.id));
        }
    }
}

fn equals_host(boot: &Boot) {
    let name = boot.board.info().name;
    assert_eq!(boot.status, 0, "{name} log:\n{}", boot.lines.join("\n"));
    let scenario = Scenario {
        change: Some((
            200,
            DynamicsSpec::parse(EnvName::Cartpole, "length=1,masspole=0.3,force_mag=5").unwrap(),
        )),
        ..Scenario::default()
    };
    for net in ["plastic", "static"] {
        let board = episodes(&boot.lines, net);
        assert_eq!(board.len(), 10, "{name} {net}: {:?}", boot.lines);
        let blob = app_dir("adaptive-controller").join(format!("{net}.blob"));
        let host = simulate::simulate(EnvName::Cartpole, &blob, 10, 0, &scenario).unwrap();
        for (i, (seed, steps, before, ret, sum)) in board.iter().enumerate() {
            assert_eq!(*seed, i as u64);
            assert_eq!(*steps, host.steps[i], "{name} {net} seed {seed}: steps");
            assert_eq!(*ret, host.returns[i].to_bits(), "{name} {net} seed {seed}: return");
            assert_eq!(sum, &host.weight_checksums[i], "{name} {net} seed {seed}: weights");
            // The return before the change: 200 steps survived, reward 1 each.
            let want_before = if *steps > 200 { 200.0f32 } else { host.returns[i] };
            assert_eq!(*before, want_before.to_bits(), "{name} {net} seed {seed}: before");
        }
    }
}

#[test]
fn adaptive_controller_sources_equal_their_blobs() {
    let dir = app_dir("adaptive-controller");
    let body = |s: &str| s.lines().skip(1).collect::<Vec<_>>().join("\n");
    let (sizes, model) = parse_model(&std::fs::read(dir.join("plastic.blob")).unwrap()).unwrap();
    let plasticore_host::envs::Model::Plastic { config, coeffs, .. } = model else {
        panic!("plastic.blob is not a Hebbian blob")
    };
    let rs = std::fs::read_to_string(dir.join("plastic.rs")).unwrap();
    assert_eq!(body(&rs), body(&rust_source(&sizes, &config, &coeffs, "")));
    let (sizes, model) = parse_model(&std::fs::read(dir.join("static.blob")).unwrap()).unwrap();
    let plasticore_host::envs::Model::Static { output, weights, .. } = model else {
        panic!("static.blob is not a static network blob")
    };
    let rs = std::fs::read_to_string(dir.join("static.rs")).unwrap();
    assert_eq!(body(&rs), body(&static_rust_source(&sizes, output, &weights, "")));
}

#[test]
fn adaptive_controller_links_no_panic_and_fits_its_budget() {
    let boot = controller_boot();
    let size = report::image_size(&boot.elf).unwrap();
    // Budget at opt-level 3 (the report gives opt-level "s" too): the
    // measured figure + 5 %, as the self-test budgets.
    assert!(size.flash_bytes <= 39_000, "flash {} B", size.flash_bytes);
    assert!(size.static_ram_bytes <= 8 * 1024, "static RAM {} B", size.static_ram_bytes);
}

fn knn_line(boot: &Boot) -> (usize, usize, usize, u32) {
    let l = boot
        .lines
        .iter()
        .find_map(|l| l.strip_prefix("knn|"))
        .unwrap_or_else(|| panic!("no knn line: {:?}", boot.lines));
    let f: Vec<&str> = l.split('|').collect();
    assert_eq!(f.len(), 6, "{l}");
    (
        f[0].parse().unwrap(),
        f[1].parse().unwrap(),
        f[2].parse().unwrap(),
        u32::from_str_radix(f[3], 16).unwrap(),
    )
}

#[test]
fn lsh_knn_equals_host_on_every_core_that_holds_it() {
    let bytes = std::fs::read(app_dir("lsh-knn").join("digits.blob")).unwrap();
    let host = plasticore_host::apps::lsh_knn(&bytes).unwrap();
    for b in plasticore_host::boards::emulated() {
        // The micro:bit's 256 KiB of flash and 16 KiB of RAM hold neither
        // the 467 kB dataset nor the 216 kB index.
        if b.id == BoardName::QemuMicrobit {
            continue;
        }
        let elf = firmware::build_app(b.id, "lsh-knn").expect("build");
        let boot = firmware::run_qemu(b.id, &elf, Duration::from_secs(600)).expect("boot");
        assert_eq!(boot.status, 0, "{}: {:?}", b.name, boot.lines);
        let (train, test, correct, fnv) = knn_line(&boot);
        assert_eq!(
            (train, test, correct, fnv),
            (host.train, host.test, host.correct, host.predictions_fnv),
            "{}",
            b.name
        );
    }
}

/// Exact cosine kNN in f64 over the same split and vote: the LSH index's
/// accuracy must come within 2 points of it.
#[test]
fn lsh_knn_accuracy_is_near_exact_knn() {
    use plasticore_host::apps::knn::{D, TOP, TRAIN};
    let bytes = std::fs::read(app_dir("lsh-knn").join("digits.blob")).unwrap();
    let b = plasticore::blob::Blob::parse(&bytes).unwrap();
    let (rows, d) = b.dataset().unwrap();
    assert_eq!((rows, d), (1797, D));
    let x: Vec<Vec<f64>> =
        (0..rows).map(|i| (0..D).map(|j| b.get(i * D + j).unwrap() as f64).collect()).collect();
    let y: Vec<u8> = (0..rows).map(|i| b.get(rows * D + i).unwrap() as u8).collect();
    let unit = |v: &Vec<f64>| {
        let n = v.iter().map(|a| a * a).sum::<f64>().sqrt();
        v.iter().map(|a| a / n).collect::<Vec<f64>>()
    };
    let train: Vec<Vec<f64>> = x[..TRAIN].iter().map(unit).collect();
    let mut correct = 0;
    for i in TRAIN..rows {
        let q = unit(&x[i]);
        let mut sims: Vec<(f64, usize)> = train
            .iter()
            .enumerate()
            .map(|(j, t)| (t.iter().zip(&q).map(|(a, b)| a * b).sum::<f64>(), j))
            .collect();
        sims.sort_by(|a, b| b.0.total_cmp(&a.0));
        let top: Vec<u8> = sims[..TOP].iter().map(|&(_, j)| y[j]).collect();
        // Majority, ties to the nearer label.
        let best = top
            .iter()
            .max_by_key(|&&l| {
                let count = top.iter().filter(|&&m| m == l).count();
                let first = top.iter().position(|&m| m == l).unwrap();
                (count, usize::MAX - first)
            })
            .copied()
            .unwrap();
        correct += usize::from(best == y[i]);
    }
    let exact = correct as f64 / (rows - TRAIN) as f64;
    let lsh = plasticore_host::apps::lsh_knn(&bytes).unwrap();
    let approx = lsh.correct as f64 / lsh.test as f64;
    eprintln!("digits 5-NN accuracy: exact cosine {exact:.4}, LshIndexI8 {approx:.4}");
    assert!(approx >= exact - 0.02, "LSH {approx} vs exact {exact}");
    assert!(exact > 0.9, "exact {exact}");
}

#[test]
fn lsh_knn_dataset_is_the_committed_digits() {
    // The blob (written by gen_digits.py with its own encoder) decodes with
    // the core's parser to the CSV's pixels and labels.
    let bytes = std::fs::read(app_dir("lsh-knn").join("digits.blob")).unwrap();
    let b = plasticore::blob::Blob::parse(&bytes).unwrap();
    let (rows, d) = b.dataset().unwrap();
    let x = plasticore_tests::read_npy(plasticore_tests::data("lsh/digits_x.npy")).unwrap();
    assert_eq!(x.shape, vec![rows, d]);
    let px = x.as_u8().unwrap();
    for (i, &p) in px.iter().enumerate() {
        assert_eq!(b.get(i).unwrap(), p as f32, "pixel {i}");
    }
    assert!((0..rows).all(|i| (0.0..=9.0).contains(&b.get(rows * d + i).unwrap())));
}

/// The nRF52840-DK images log over our RTT logger (`firmware/src/log/rtt.rs`):
/// check the control block probe-rs looks for, as the linker laid it out,
/// since no board is attached here.
#[test]
fn silicon_images_carry_a_well_formed_rtt_control_block() {
    use object::{Object, ObjectSection, ObjectSymbol};
    for app in firmware::APPS {
        let elf = firmware::build_app(BoardName::Nrf52840Dk, app).expect("build");
        let bytes = std::fs::read(&elf).unwrap();
        let file = object::File::parse(&*bytes).unwrap();
        let sym = file.symbols().find(|s| s.name() == Ok("_SEGGER_RTT")).expect("_SEGGER_RTT");
        let initial = |addr: u64, len: usize| -> Vec<u8> {
            let sec = file
                .sections()
                .find(|s| s.address() <= addr && addr + len as u64 <= s.address() + s.size())
                .unwrap_or_else(|| panic!("{app}: no section holds {addr:#x}"));
            let off = (addr - sec.address()) as usize;
            sec.data().unwrap()[off..off + len].to_vec()
        };
        let cb = initial(sym.address(), 16 + 4 * 2 + 4 * 6);
        let word = |i: usize| u32::from_le_bytes(cb[16 + 4 * i..20 + 4 * i].try_into().unwrap());
        assert_eq!(&cb[..16], b"SEGGER RTT\0\0\0\0\0\0", "{app}: id");
        assert_eq!((word(0), word(1)), (1, 0), "{app}: one up channel, no down channel");
        let (name, buffer, size) = (word(2), word(3), word(4));
        assert_eq!(&initial(name as u64, 6), b"defmt\0", "{app}: channel name");
        // The ring lies in the nRF52840's RAM, 1 KiB of it.
        assert_eq!(size, 1024, "{app}");
        assert!((0x2000_0000..=0x2004_0000 - 1024).contains(&buffer), "{app}: buffer {buffer:#x}");
        // Write and read offsets 0; mode 1 (trim) until a probe attaches.
        assert_eq!((word(5), word(6), word(7)), (0, 0, 1), "{app}");
    }
}

/// The symbols of an ELF: (name, section name).
fn symbols(elf: &std::path::Path) -> Vec<(String, String)> {
    use object::{Object, ObjectSection, ObjectSymbol};
    let bytes = std::fs::read(elf).unwrap();
    let file = object::File::parse(&*bytes).unwrap();
    file.symbols()
        .filter_map(|s| {
            let sec = s.section_index().and_then(|i| file.section_by_index(i).ok())?;
            Some((s.name().ok()?.to_string(), sec.name().ok()?.to_string()))
        })
        .collect()
}

/// The applications cannot panic: their optimised images link no panic
/// handler at all (the firmware library's, `rust_begin_unwind`, which the
/// self-test does link), on the emulated Cortex-M4F, the emulated RV32IMC and
/// the nRF52840-DK.
#[test]
fn applications_link_no_panic_handler() {
    let has_handler =
        |elf: &std::path::Path| symbols(elf).iter().any(|(n, _)| n.contains("rust_begin_unwind"));
    let selftest = firmware::build(BoardName::QemuMps2An386).expect("build");
    assert!(has_handler(&selftest), "the check sees the self-test's handler");
    for board in [BoardName::QemuMps2An386, BoardName::QemuRiscv32, BoardName::Nrf52840Dk] {
        for app in firmware::APPS {
            let elf = firmware::build_app(board, app).expect("build");
            assert!(!has_handler(&elf), "{app} on {board:?} links a panic handler");
        }
    }
}

/// The lsh-knn index, over planes in flash (a zero-sized `PlaneSource`),
/// starts all zero: it lies in `.bss`, the planes in read-only flash, and
/// `.data` holds no index state.
#[test]
fn lsh_knn_index_lives_in_bss_and_its_planes_in_flash() {
    use object::{Object, ObjectSection};
    let elf = firmware::build_app(BoardName::QemuMps2An386, "lsh-knn").expect("build");
    let syms = symbols(&elf);
    let section = |needle: &str| {
        syms.iter()
            .find(|(n, _)| n.contains(needle))
            .map(|(_, s)| s.clone())
            .unwrap_or_else(|| panic!("no symbol {needle}"))
    };
    assert_eq!(section("3KNN"), ".bss");
    assert_eq!(section("6PLANES"), ".rodata");
    let bytes = std::fs::read(&elf).unwrap();
    let file = object::File::parse(&*bytes).unwrap();
    let data = file.section_by_name(".data").map_or(0, |s| s.size());
    assert!(data < 256, ".data holds {data} B");
}

/// The `gen|index|mean|max|validation` line of a generation (f32 bits).
fn gen_line(index: u64, mean: f32, max: f32, validation: Option<f32>) -> String {
    let v = validation.map_or("-".into(), |v| format!("{:08x}", v.to_bits()));
    format!("gen|{index}|{:08x}|{:08x}|{v}", mean.to_bits(), max.to_bits())
}

/// What the host computes for the `evolve-on-device` firmware on the `net`
/// network: `plasticore evolve cartpole --preset on-device` (its `gen|…`
/// and `evolved|…` lines), the deployed coefficients' `control|…` episode,
/// then for each change of the plant the deployment episodes a
/// [`Monitor`] watches and the ES resumed from the deployed coefficients —
/// every line the board logs, without its instruction counts.
fn on_device_host(net: &str) -> Vec<String> {
    use plasticore::es::EsState;
    use plasticore::evolution::{Evolution, Monitor, CARTPOLE_ON_DEVICE as S};
    use plasticore_host::envs::run_episodes;
    use plasticore_host::evolve::{blob_checksum, evolve, model_blob_bytes, EvolveOptions};
    let opts = EvolveOptions {
        network: net.into(),
        ..EvolveOptions::on_device(EnvName::Cartpole).unwrap()
    };
    let r = evolve(&opts, None, false, false).unwrap();
    let blob = model_blob_bytes(&r.sizes, &opts.model(&r.coeffs).unwrap()).unwrap();
    let mut lines: Vec<String> =
        r.history.iter().map(|h| gen_line(h.generation, h.mean, h.max, h.validation)).collect();
    let crc = blob_checksum(&blob);
    let (g0, v) = (r.history.len() as u64, r.validation.to_bits());
    lines.push(format!("evolved|{net}|{g0}|{v:08x}|{}|{crc:08x}", blob.len()));
    // Saved to flash; the next boot loads it.
    lines.push(format!("persist|saved|{crc:08x}"));
    let ret = |plant: &str, c: &[f32], seed: u64| {
        let scenario = Scenario {
            dynamics: DynamicsSpec::parse(EnvName::Cartpole, plant).unwrap(),
            ..Scenario::default()
        };
        let model = opts.model(c).unwrap();
        Ok(run_episodes(EnvName::Cartpole, &r.sizes, &model, &scenario, &[seed]).unwrap()[0].ret)
    };
    lines.push(format!("control|0|{:?}", ret("", &r.coeffs, 0).unwrap()));
    for plant in ["actuator_sign=-1", "force_mag=0.6"] {
        let mut monitor = Monitor::<5>::new(S.target);
        assert!((1000..1100).any(|k| monitor.push(ret(plant, &r.coeffs, k).unwrap())), "{plant}");
        lines.push(format!("changed|{plant}|{}|{:?}", monitor.episodes(), monitor.mean().unwrap()));
        let (mut theta, mut best, mut cand, mut scratch) =
            (r.coeffs.clone(), vec![0.0; 200], vec![0.0; 200], vec![0.0; 200]);
        let (mut fitness, mut ranks) = (vec![0.0; 32], vec![0.0; 32]);
        let buffers = plasticore::evolution::Buffers {
            theta: &mut theta,
            best: &mut best,
            candidate: &mut cand,
            scratch: &mut scratch,
            fitness: &mut fitness,
            ranks: &mut ranks,
        };
        let state = EsState { sigma: S.es.sigma, lr: S.es.lr, generation: g0, seed: 1 };
        let mut run = Evolution::resume(S, state, buffers).unwrap();
        let mut episodes = 0u32;
        let mut episode = |c: &[f32], seed: u64| {
            episodes += 1;
            ret(plant, c, seed)
        };
        while !run.is_done() {
            let g = run.generation(&mut episode).unwrap();
            lines.push(gen_line(g.index, g.mean, g.max, g.validation));
        }
        assert!(run.reached(), "{net} {plant}: not recovered");
        let (gens, v) = (run.generations_run() - g0, run.best().1.unwrap().to_bits());
        lines.push(format!("recovered|{plant}|{gens}|{episodes}|{v:08x}"));
        // The recovered coefficients are saved: the first save loses power
        // half-way through the blob, so the next boot has the evolved one.
        let b = model_blob_bytes(&r.sizes, &opts.model(run.best().0).unwrap()).unwrap();
        lines.push(if plant == "actuator_sign=-1" {
            format!("persist|cut at {}|{crc:08x}", blob.len() / 2)
        } else {
            format!(
                "persist|saved|{:08x}",
                u32::from_le_bytes(b[b.len() - 4..].try_into().unwrap())
            )
        });
    }
    lines
}

#[test]
fn evolve_on_device_solves_cartpole_and_recovers_on_every_core_equal_to_the_host() {
    let host = [("f32", on_device_host("f32")), ("q15", on_device_host("q15"))];
    for b in plasticore_host::boards::emulated() {
        let name = b.core;
        let elf = firmware::build_app(b.id, "evolve-on-device").expect("build");
        let boot = firmware::run_qemu(b.id, &elf, Duration::from_secs(1800)).expect("boot");
        let log = boot.lines.join("\n");
        assert_eq!(boot.status, 0, "{name}:\n{log}");
        // The board's lines; the last field of gen, evolved and recovered
        // lines is the instruction count so far, which the host has not.
        let count = |l: &String| l.rsplit('|').next().unwrap().parse::<u64>().unwrap();
        let strip = |l: &String| l.rsplit_once('|').unwrap().0.to_string();
        let kinds = ["gen|", "evolved|", "recovered|"];
        let board: Vec<String> = boot
            .lines
            .iter()
            .filter(|l| {
                ["control|", "changed|", "persist|"].iter().chain(&kinds).any(|k| l.starts_with(k))
            })
            .map(|l| if kinds.iter().any(|k| l.starts_with(k)) { strip(l) } else { l.clone() })
            .collect();
        // The f32 network where the core has an FPU; Q15 on the M0, M3 and RV32IMC.
        let net = if b.fpu == "none" { "q15" } else { "f32" };
        let want = &host.iter().find(|h| h.0 == net).unwrap().1;
        assert_eq!(&board, want, "{name}: the board's log against the host's");
        let line = |p: &str| boot.lines.iter().find(|l| l.starts_with(p)).unwrap();
        let units = count(line("evolved|"));
        let stack: u64 = line("stack|")[6..].parse().unwrap();
        let size = report::image_size(&boot.elf).unwrap();
        let rec: Vec<u64> =
            boot.lines.iter().filter(|l| l.starts_with("recovered|")).map(count).collect();
        println!(
            "{name} ({net}): solved in {units} instructions; recovered in {rec:?}; flash {} B, static RAM {} B, stack {stack} B",
            size.flash_bytes, size.static_ram_bytes
        );
        // The instruction budget on the M4F: 4·10⁹ (60 s at 64 MHz).
        if b.id == BoardName::QemuMps2An386 {
            assert!(units <= 4_000_000_000, "{units} instructions");
        }
        assert!(size.static_ram_bytes + stack <= 12 * 1024, "{name}: RAM");
    }
}

#[test]
fn evolve_on_device_at_opt_level_s_stays_within_its_flash_and_instruction_budgets() {
    let b = BoardName::QemuMps2An386;
    let elf = firmware::build_app_opt(b, "evolve-on-device", "s").expect("build");
    let boot = firmware::run_qemu(b, &elf, Duration::from_secs(900)).expect("boot");
    assert_eq!(boot.status, 0, "{}", boot.lines.join("\n"));
    let evolved = boot.lines.iter().find(|l| l.starts_with("evolved|")).expect("evolved");
    let host = on_device_host("f32");
    let want = host.iter().find(|l| l.starts_with("evolved|")).unwrap();
    assert_eq!(evolved.rsplit_once('|').unwrap().0, want, "the same run at opt-level s");
    let units: u64 = evolved.rsplit('|').next().unwrap().parse().unwrap();
    let size = report::image_size(&boot.elf).unwrap();
    println!("Cortex-M4F, opt-level s: {units} instructions, flash {} B", size.flash_bytes);
    // 34 160 B with the semihosting logger and the fault report (the
    // nRF52840-DK's build, 32 468 B, meets the 32 KiB goal: the report):
    // the measured figure + 3 %, as the other budgets.
    assert!(size.flash_bytes <= 35_100, "flash {} B", size.flash_bytes);
    assert!(units <= 4_000_000_000, "{units} instructions");
}
