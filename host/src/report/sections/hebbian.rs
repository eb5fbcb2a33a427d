//! Hebbian section: instructions per synapse update on the board for each
//! rule, RAM for weights against flash for coefficients, CartPole on the
//! board, and host updates per second beside NumPy timed in the same run.

use std::fmt::Write;
use std::process::Command;

use crate::report::model::{Record, Report};

/// The NumPy timer (float32, vectorised over the layer); its `--numpy-json`
/// mode prints one JSON line per `RULE:SHARING` argument.
fn numpy_script() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/hebbian/bench_numpy.py")
}

fn numpy_rates(cases: &[(String, String)]) -> Result<Vec<(f64, String)>, String> {
    let args: Vec<String> = cases.iter().map(|(r, s)| format!("{r}:{s}")).collect();
    let out = Command::new("python3")
        .arg(numpy_script())
        .arg("--numpy-json")
        .args(&args)
        .output()
        .map_err(|e| format!("python3 not runnable ({e})"))?;
    if !out.status.success() {
        return Err("python3 has no numpy".into());
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let mut v = Vec::new();
    for line in text.lines() {
        let j: serde_json::Value = serde_json::from_str(line).map_err(|e| e.to_string())?;
        v.push((
            j["updates_per_s"].as_f64().unwrap_or(f64::NAN),
            j["numpy"].as_str().unwrap_or("?").to_string(),
        ));
    }
    if v.len() != cases.len() {
        return Err("unexpected NumPy timer output".into());
    }
    Ok(v)
}

/// The section, or nothing if the report has no Hebbian records.
pub fn section(r: &Report) -> String {
    let updates: Vec<&Record> = r.records.iter().filter(|x| x.kernel == "hebbian.update").collect();
    if updates.is_empty() {
        return String::new();
    }
    let parsed: Vec<(String, String)> = updates
        .iter()
        .map(|x| {
            let mut it = x.shape.split_whitespace().skip(1);
            (it.next().unwrap_or("?").to_string(), it.next().unwrap_or("?").to_string())
        })
        .collect();
    let numpy = numpy_rates(&parsed);
    let mut s = String::from("## Hebbian plasticity\n\n");
    s.push_str("One update of a 64×64 plastic layer (4096 synapses) on the emulated Cortex-M4F, no normalisation. \
Weights are the only RAM (64·64·4 = 16 384 B); coefficients are read-only and sit in flash. \
Host rates: this machine, one thread, per synapse update; NumPy: the same rule vectorised over the layer in float32, timed in the same `bench` run. \
Goal: ≤ 8 instructions per synapse update for ABCD_lr.\n\n");
    let np_head = match &numpy {
        Ok(v) => format!("NumPy {} M updates/s", v.first().map(|x| x.1.as_str()).unwrap_or("")),
        Err(_) => "NumPy M updates/s".to_string(),
    };
    let _ = writeln!(
        s,
        "| rule | sharing | instructions / synapse | coefficients (flash B) | weights (RAM B) | stack (B) | plasticore M updates/s | {np_head} | ratio |\n|---|---|---:|---:|---:|---:|---:|---:|---:|"
    );
    for (i, (x, (rule, sharing))) in updates.iter().zip(&parsed).enumerate() {
        let ours = x.macs as f64 / x.host_ns * 1e3;
        let (np, ratio) = match &numpy {
            Ok(v) => {
                let n = v[i].0 / 1e6;
                (format!("{n:.0}"), format!("{:.1}", ours / n))
            }
            Err(_) => ("–".into(), "–".into()),
        };
        let _ = writeln!(
            s,
            "| {rule} | {sharing} | {:.2} | {} | {} | {} | {ours:.0} | {np} | {ratio} |",
            x.instructions_per_mac,
            x.params * 4,
            x.macs * 4,
            x.stack_bytes
        );
    }
    if let Err(e) = &numpy {
        let _ = writeln!(s, "\nNumPy was not timed in this run: {e}.");
    }
    if let Some(c) = r.records.iter().find(|x| x.kernel == "hebbian.cartpole") {
        let _ = writeln!(
            s,
            "\nCartPole on the board: {} ({} coefficients in flash, {} B): {:.0} instructions for the four episodes \
({:.0} per environment step including the network's forward pass and plastic update), stack {} B. \
Returns and final-weight checksums equal the host's bit for bit (QEMU test).",
            c.shape,
            c.params,
            c.params * 4,
            c.instructions,
            c.instructions / 2000.0,
            c.stack_bytes
        );
    }
    s.push_str("\nWhy ABCD_lr per synapse stays above 8: each synapse needs its five coefficients, its weight and o_i loaded and the weight stored \
(8 memory instructions) plus five floating-point operations; LLVM issues one VLDR per coefficient (no VLDM merge), so per-synapse \
coefficients cost ≈ 14.5 instructions. With coefficients shared per post-neuron (Ferigo et al. 2024) or per layer the goal is met, and in Q15 (below) per synapse too. \
Details and the evolution results: [hebbian.md](hebbian.md).\n");
    s.push_str(&q15_table(r, &updates));
    s
}

/// The Q15 update beside the f32 one (same shapes, same run, Cortex-M4F).
fn q15_table(r: &Report, f32_updates: &[&Record]) -> String {
    let q15: Vec<&Record> = r.records.iter().filter(|x| x.kernel == "hebbian.update_q15").collect();
    if q15.is_empty() {
        return String::new();
    }
    let mut s = String::from(
        "\n### In Q15\n\nThe same layer with Q15 weights and activations and the rule folded into four `i16` \
coefficients per set (`hebbian::q15`, [fixed.md](fixed.md)), against the f32 update above: instructions per synapse on the \
Cortex-M4F, same run. Goal: ≤ 8 for ABCD_lr per synapse.\n\n\
| rule | sharing | Q15 instructions / synapse | f32 instructions / synapse | Q15 / f32 | coefficients (flash B) | weights (RAM B) | goal |\n\
|---|---|---:|---:|---:|---:|---:|---|\n",
    );
    for x in q15 {
        let mut it = x.shape.split_whitespace().skip(1);
        let (rule, sharing) = (it.next().unwrap_or("?"), it.next().unwrap_or("?"));
        let f = f32_updates.iter().find(|u| u.shape == x.shape);
        let (fi, ratio) = match f {
            Some(f) => (
                format!("{:.2}", f.instructions_per_mac),
                format!("{:.2}", x.instructions_per_mac / f.instructions_per_mac),
            ),
            None => ("not measured".into(), "–".into()),
        };
        let goal = match (sharing, x.instructions_per_mac <= 8.0) {
            ("synapse", true) => "≤ 8: met",
            ("synapse", false) => "≤ 8: not met",
            _ => "—",
        };
        // ABCD_lr: five f32 coefficients a set in the rule, four i16 folded.
        let folded_bytes = x.params / 5 * 4 * 2;
        let _ = writeln!(
            s,
            "| {rule} | {sharing} | {:.2} | {fi} | {ratio} | {folded_bytes} | {} | {goal} |",
            x.instructions_per_mac,
            x.macs * 2
        );
    }
    s
}
