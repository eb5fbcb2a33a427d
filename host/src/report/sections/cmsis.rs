//! plasticore against CMSIS-DSP, measured in the same run: CMSIS-DSP's
//! kernels are built for each Arm core from the pinned source distribution
//! (`crate::cmsis`) and linked into the same firmware, which runs them on the
//! same inputs under the same counter. Also: the integer path against
//! plasticore's own f32 on the same core.

use crate::report::model::{Record, Report, CMSIS_PAIRS, CMSIS_ROUNDING};

fn find<'a>(records: &'a [Record], k: &str, shape: &str) -> Option<&'a Record> {
    records.iter().find(|x| x.kernel == k && x.shape == shape)
}

fn fmt_goal(g: f64) -> String {
    if g.is_nan() {
        "—".into()
    } else {
        format!("≤ {g:.2}")
    }
}

/// The comparison rows of one board's records.
pub fn cmsis_table(r: &Report, records: &[Record], board: &str) -> String {
    let m0 = board == "qemu-microbit";
    // The f32 goal is for cores with an FPU; on soft-float cores f32 is the baseline.
    let soft = crate::boards::BOARDS.iter().any(|b| b.name == board && b.fpu == "none");
    let mut s = format!(
        "## Against CMSIS-DSP ({board})\n\nInstructions per multiply-accumulate (per element for conversions and log-sum-exp, per full-window output for the moving average), both measured in this run on this core by the same counter, \
on the same inputs. CMSIS-DSP {ver}: arm-none-eabi-gcc -O3 -DARM_MATH_LOOPUNROLL, soft float from libgcc. Ratio = plasticore / CMSIS-DSP (below 1: fewer instructions).\n\n",
        ver = crate::cmsis::VERSION
    );
    if let Some((_, why)) = r.cmsis_not_measured.iter().find(|(b, _)| b == board) {
        s.push_str(&format!("CMSIS-DSP: not measured ({why}).\n\n"));
        return s;
    }
    s.push_str("| plasticore kernel | shape | CMSIS-DSP function | CMSIS-DSP instr/unit | plasticore instr/unit | ratio | goal | results differ by |\n|---|---|---|---:|---:|---:|---|---|\n");
    let mut any = false;
    for &(k, shape, ck, goal, goal_m0) in CMSIS_PAIRS {
        let (Some(ours), Some(theirs)) = (find(records, k, shape), find(records, ck, shape)) else {
            continue;
        };
        any = true;
        let ratio = ours.instructions_per_mac / theirs.instructions_per_mac;
        // Kernels that take or give f32 pay soft float on the M3 as on the M0.
        let f32_kernel = !k.starts_with("fixed.") || k.contains("quantize");
        let differ = CMSIS_ROUNDING.iter().find(|(c, _)| *c == ck).map_or("—", |(_, d)| *d);
        s.push_str(&format!(
            "| {k} | {shape} | `{}` | {:.2} | {:.2} | {:.2} | {} | {differ} |\n",
            ck.trim_start_matches("cmsis.").replace('+', "` + `"),
            theirs.instructions_per_mac,
            ours.instructions_per_mac,
            ratio,
            fmt_goal(if m0 || (soft && f32_kernel) { goal_m0 } else { goal })
        ));
    }
    if !any {
        return String::new();
    }
    s.push('\n');
    s
}

/// Integer path against plasticore's own f32 on the same core.
fn integer_vs_f32(core: &str, records: &[Record]) -> Option<String> {
    let pairs = [
        (("fixed.dot", "q15 n=64"), ("linalg.dot", "n=64")),
        (("fixed.dot", "q15 n=4096"), ("linalg.dot", "n=4096")),
        (("fixed.matvec", "q15 64x64"), ("linalg.matvec", "64x64")),
        (("fixed.simhash", "q15 d=64 b=64"), ("lsh.hyperplane", "d=64 b=64 stored")),
        (
            ("hebbian.update_q15", "64x64 ABCD_lr synapse"),
            ("hebbian.update", "64x64 ABCD_lr synapse"),
        ),
        (
            ("hebbian.update_q15", "64x64 ABCD_lr neuron"),
            ("hebbian.update", "64x64 ABCD_lr neuron"),
        ),
        (
            ("hebbian.cartpole_q15", "[4,8,1] ABCD_lr 4 episodes"),
            ("hebbian.cartpole", "[4,8,1] ABCD_lr 4 episodes"),
        ),
    ];
    let mut rows = String::new();
    for ((ik, ish), (fk, fsh)) in pairs {
        if let (Some(i), Some(f)) = (find(records, ik, ish), find(records, fk, fsh)) {
            rows.push_str(&format!(
                "| {core} | {ik} {ish} | {fk} {fsh} | {:.0} | {:.0} | {:.1}× |\n",
                i.instructions,
                f.instructions,
                f.instructions / i.instructions
            ));
        }
    }
    (!rows.is_empty()).then_some(rows)
}

/// The per-core section: the CMSIS-DSP table of every Arm core, and the
/// integer path against f32 on every core.
pub fn section(r: &Report) -> String {
    let mut s = String::new();
    for b in r.boards.iter().skip(1) {
        s.push_str(&cmsis_table(r, &b.records, &b.board));
    }
    let mut rows = String::new();
    for b in &r.boards {
        if let Some(t) = integer_vs_f32(&b.core, &b.records) {
            rows.push_str(&t);
        }
    }
    if !rows.is_empty() {
        s.push_str("## Integer path against f32, per core\n\nInstructions per call of the Q15 kernel and of plasticore's own f32 kernel on the same inputs' size, same core, same run. \
On cores without an FPU f32 is software floating point (goal there: the integer path ≥ 20× fewer instructions).\n\n\
| core | integer | f32 | integer instructions | f32 instructions | f32 / integer |\n|---|---|---|---:|---:|---:|\n");
        s.push_str(&rows);
    }
    s
}
