//! "Attention: full vs LSH against n": instructions and peak RAM of
//! `attention.sdpa` and `attention.lsh` at each measured n, the crossover,
//! the ratio at n = 1024, growth exponents, and docs/attention_scaling.svg.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use plotters::prelude::*;

use crate::report::model::{Record, Report};

/// File name of the plot, written next to docs/benchmarks.md.
pub const PLOT: &str = "attention_scaling.svg";

/// One measured size: (n, full, LSH).
struct Point<'a> {
    n: u64,
    full: &'a Record,
    lsh: &'a Record,
}

fn n_of(shape: &str) -> Option<u64> {
    shape.strip_prefix("n=")?.parse().ok()
}

/// The sizes measured for both kernels, ascending in n.
fn points(r: &Report) -> Vec<Point<'_>> {
    let find = |kernel: &str, n: u64| {
        r.records.iter().find(|x| x.kernel == kernel && n_of(&x.shape) == Some(n))
    };
    let mut ns: Vec<u64> = r
        .records
        .iter()
        .filter(|x| x.kernel == "attention.sdpa")
        .filter_map(|x| n_of(&x.shape))
        .collect();
    ns.sort_unstable();
    ns.dedup();
    ns.into_iter()
        .filter_map(|n| {
            Some(Point { n, full: find("attention.sdpa", n)?, lsh: find("attention.lsh", n)? })
        })
        .collect()
}

/// Least-squares slope of ln y against ln x.
fn exponent(xy: &[(f64, f64)]) -> f64 {
    let k = xy.len() as f64;
    let (lx, ly): (Vec<f64>, Vec<f64>) = xy.iter().map(|&(x, y)| (x.ln(), y.ln())).unzip();
    let mx = lx.iter().sum::<f64>() / k;
    let my = ly.iter().sum::<f64>() / k;
    let sxy: f64 = lx.iter().zip(&ly).map(|(x, y)| (x - mx) * (y - my)).sum();
    let sxx: f64 = lx.iter().map(|x| (x - mx) * (x - mx)).sum();
    sxy / sxx
}

/// The crossover: the first measured n where LSH is cheaper, and n where
/// ln(full/LSH) crosses 0, interpolated linearly in ln n between neighbours.
fn crossover(p: &[Point]) -> Option<(u64, Option<f64>)> {
    let ratio = |q: &Point| q.full.instructions / q.lsh.instructions;
    let k = p.iter().position(|q| ratio(q) > 1.0)?;
    let interp = (k > 0).then(|| {
        let (a, b) = (&p[k - 1], &p[k]);
        let (la, lb) = (ratio(a).ln(), ratio(b).ln());
        let (na, nb) = ((a.n as f64).ln(), (b.n as f64).ln());
        (na + (0.0 - la) * (nb - na) / (lb - la)).exp()
    });
    Some((p[k].n, interp))
}

/// The Markdown section (empty when the records hold no attention sizes).
pub fn section(r: &Report) -> String {
    let p = points(r);
    if p.is_empty() {
        return String::new();
    }
    let mut s = String::from("## Attention: full vs LSH against n\n\n");
    s.push_str(
        "2 heads, d = dv = 32 per head, non-causal, on the emulated Cortex-M4F. **Full** is `attention.sdpa` \
(streaming softmax, no n×n matrix) called with k = q = the LSH case's qk, so both kernels read the same qk and v \
and write the same output: the RAM columns compare the algorithms, not an extra K tensor, and its work equals that \
of the shared-QK full attention LSH approximates. **LSH** is `attention.lsh` with the Reformer's setting: \
2 hash rounds, chunks of 32, b = max(2, n/32) buckets. Peak RAM = static RAM + the case's inputs, outputs and \
scratch + the stack high-water mark of the call. Semantics, scratch formulas and the approximation table \
(KL and output error against the number of rounds): [attention.md](attention.md).\n\n",
    );
    s.push_str(
        "| n | full instructions | LSH instructions | full / LSH | full peak RAM (B) | LSH peak RAM (B) | full instr / n² | LSH instr / (n·log₂n) |\n\
|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for q in &p {
        let n = q.n as f64;
        s.push_str(&format!(
            "| {} | {:.0} | {:.0} | {:.2} | {} | {} | {:.1} | {:.1} |\n",
            q.n,
            q.full.instructions,
            q.lsh.instructions,
            q.full.instructions / q.lsh.instructions,
            q.full.peak_ram_bytes,
            q.lsh.peak_ram_bytes,
            q.full.instructions / (n * n),
            q.lsh.instructions / (n * n.log2()),
        ));
    }
    s.push('\n');
    match crossover(&p) {
        Some((first, Some(x))) => s.push_str(&format!(
            "**Crossover:** LSH attention executes fewer instructions than full attention from n = {first} on \
(interpolated in log–log between the measured sizes: n ≈ {x:.0}).\n\n"
        )),
        Some((first, None)) => s.push_str(&format!(
            "**Crossover:** LSH attention is already cheaper at the smallest measured n = {first}.\n\n"
        )),
        None => s.push_str("**Crossover:** LSH attention is not cheaper at any measured n.\n\n"),
    }
    if let Some(q) = p.iter().find(|q| q.n == 1024) {
        let ratio = q.full.instructions / q.lsh.instructions;
        s.push_str(&format!(
            "**At n = 1024:** full / LSH = {ratio:.2}× in instructions (goal ≥ 5×: {}); peak RAM {} B full, {} B LSH (LSH adds its index and f32 scratch; with a streaming softmax full attention stores no n×n matrix either, so RAM is O(n·d) for both).\n\n",
            if ratio >= 5.0 { "met" } else { "**not met**" },
            q.full.peak_ram_bytes,
            q.lsh.peak_ram_bytes,
        ));
    }
    let large: Vec<&Point> = p.iter().filter(|q| q.n >= 256).collect();
    let fit = |sel: &[&Point], f: fn(&Point) -> f64| {
        exponent(&sel.iter().map(|q| (q.n as f64, f(q))).collect::<Vec<_>>())
    };
    if large.len() >= 2 {
        let all: Vec<&Point> = p.iter().collect();
        let per: Vec<f64> =
            large.iter().map(|q| q.lsh.instructions / (q.n as f64 * (q.n as f64).log2())).collect();
        let (lo, hi) = (
            per.iter().cloned().fold(f64::INFINITY, f64::min),
            per.iter().cloned().fold(0.0, f64::max),
        );
        s.push_str(&format!(
            "**Growth:** fitted exponents of instructions ∝ n^k over n ≥ 256: full k = {:.2}, LSH k = {:.2} \
(over every measured n: {:.2} and {:.2}; n·log₂n itself has k = {:.2} over n ≥ 256). Full attention is quadratic; \
LSH grows close to n log n (between linear chunk work and the hashing term): its instructions per n·log₂n stay within {:.0}–{:.0} over n ≥ 256 ({:+.0} % spread). \
The hashing term R·n·d·b/2 grows as n² because b = n/32, but it is {:.1} % of the LSH MACs at n = 1024 \
(a fixed b would keep it linear).\n\n",
            fit(&large, |q| q.full.instructions),
            fit(&large, |q| q.lsh.instructions),
            fit(&all, |q| q.full.instructions),
            fit(&all, |q| q.lsh.instructions),
            fit(&large, |q| q.n as f64 * (q.n as f64).log2()),
            lo,
            hi,
            (hi / lo - 1.0) * 100.0,
            hashing_share(1024) * 100.0,
        ));
    }
    s.push_str(&format!("![instructions and peak RAM against n]({PLOT})\n\n"));
    let blocks: Vec<&Record> =
        r.records.iter().filter(|x| x.kernel == "attention.transformer_block").collect();
    if !blocks.is_empty() {
        s.push_str(
            "Pre-LN transformer block (d_model = 32, 2 heads, n = 128, d_ff = 64, GELU; weights from a seed in one \
flat table; the board's output equals the host's bit for bit):\n\n\
| block | MACs | instructions | instr/MAC | stack (B) | peak RAM (B) |\n|---|---:|---:|---:|---:|---:|\n",
        );
        for x in blocks {
            s.push_str(&format!(
                "| {} | {} | {:.0} | {:.2} | {} | {} |\n",
                x.shape,
                x.macs,
                x.instructions,
                x.instructions_per_mac,
                x.stack_bytes,
                x.peak_ram_bytes
            ));
        }
        s.push('\n');
    }
    s
}

/// Share of the hashing multiply-adds in the LSH case's MACs at n (2 heads, d = 32, R = 2, chunks of 32).
fn hashing_share(n: usize) -> f64 {
    let (d, rounds, c) = (32usize, 2usize, 32usize);
    let b = (n / c).max(2);
    let hash = rounds * n * d * (b / 2);
    let total = n * d + hash + rounds * n * 2 * c * (2 * d + 1);
    hash as f64 / total as f64
}

/// Writes docs/attention_scaling.svg into `dir`: instructions (log–log) and
/// peak RAM against n for both kernels. Returns the path, or None without data.
pub fn write_plot(r: &Report, dir: &Path) -> Result<Option<PathBuf>> {
    let p = points(r);
    if p.is_empty() {
        return Ok(None);
    }
    let path = dir.join(PLOT);
    {
        let root = SVGBackend::new(&path, (900, 380)).into_drawing_area();
        root.fill(&WHITE)?;
        let (left, right) = root.split_horizontally(470);
        let n_lo = p.first().map_or(64, |q| q.n) as f64 / 1.2;
        let n_hi = p.last().map_or(1024, |q| q.n) as f64 * 1.2;
        let imax =
            p.iter().map(|q| q.full.instructions.max(q.lsh.instructions)).fold(1.0, f64::max);
        let imin = p
            .iter()
            .map(|q| q.full.instructions.min(q.lsh.instructions))
            .fold(f64::INFINITY, f64::min);
        let mut c = ChartBuilder::on(&left)
            .caption("instructions per call (emulated Cortex-M4F)", ("sans-serif", 15))
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(64)
            .build_cartesian_2d((n_lo..n_hi).log_scale(), (imin / 2.0..imax * 2.0).log_scale())?;
        c.configure_mesh()
            .x_desc("n")
            .y_desc("instructions")
            .x_label_formatter(&|x| format!("{x:.0}"))
            .y_label_formatter(&|y| format!("{y:.0e}"))
            .draw()?;
        full_and_lsh(&mut c, &p, |r| r.instructions)?;

        let rmax =
            p.iter().map(|q| q.full.peak_ram_bytes.max(q.lsh.peak_ram_bytes)).max().unwrap_or(1)
                as f64
                / 1024.0;
        let mut c = ChartBuilder::on(&right)
            .caption("peak RAM (static + data + stack)", ("sans-serif", 15))
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(56)
            .build_cartesian_2d((n_lo..n_hi).log_scale(), 0.0..rmax * 1.1)?;
        c.configure_mesh()
            .x_desc("n")
            .y_desc("KiB")
            .x_label_formatter(&|x| format!("{x:.0}"))
            .draw()?;
        full_and_lsh(&mut c, &p, |r| r.peak_ram_bytes as f64 / 1024.0)?;
        root.present().with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(Some(path))
}

/// The two kernels' lines (`y` of each record against n) and their legend.
fn full_and_lsh<'a, DB: DrawingBackend + 'a, Y: Ranged<ValueType = f64>>(
    c: &mut ChartContext<'a, DB, Cartesian2d<LogCoord<f64>, Y>>,
    p: &[Point],
    y: impl Fn(&Record) -> f64,
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let series = [("full (sdpa)", RED, true), ("LSH (R = 2, chunks of 32)", BLUE, false)];
    for (name, colour, full) in series {
        let pts: Vec<(f64, f64)> =
            p.iter().map(|q| (q.n as f64, y(if full { q.full } else { q.lsh }))).collect();
        c.draw_series(LineSeries::new(pts.clone(), colour.stroke_width(2)))?
            .label(name)
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 18, y)], colour));
        c.draw_series(pts.iter().map(|&xy| Circle::new(xy, 3, colour.filled())))?;
    }
    c.configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(kernel: &str, n: u64, instructions: f64) -> Record {
        Record {
            kernel: kernel.into(),
            shape: format!("n={n}"),
            board: "qemu-mps2-an386".into(),
            params: 0,
            macs: 1,
            scratch_bytes: 0,
            instructions,
            instructions_per_mac: instructions,
            stack_bytes: 100,
            data_bytes: 1000,
            peak_ram_bytes: 1100 + n,
            host_ns: 1.0,
        }
    }

    fn report() -> Report {
        let mut records = Vec::new();
        for n in [64u64, 128, 256, 512, 1024] {
            let nf = n as f64;
            records.push(rec("attention.sdpa", n, 100.0 * nf * nf));
            records.push(rec("attention.lsh", n, 3000.0 * nf * nf.log2()));
        }
        Report {
            flash_bytes: 1,
            static_ram_bytes: 1,
            records,
            boards: vec![],
            images: vec![],
            cmsis_not_measured: vec![],
            apps: vec![],
            on_device: vec![],
        }
    }

    #[test]
    fn crossover_ratio_and_exponents() {
        let r = report();
        let p = points(&r);
        assert_eq!(p.len(), 5);
        // full/LSH = n / (30 log2 n): 0.61 at 128, 1.07 at 256.
        let (first, x) = crossover(&p).unwrap();
        assert_eq!(first, 256);
        let x = x.unwrap();
        assert!(x > 128.0 && x < 256.0, "{x}");
        let sq: Vec<(f64, f64)> = (1..6).map(|k| (k as f64, (k * k) as f64)).collect();
        assert!((exponent(&sq) - 2.0).abs() < 1e-12);
        let s = section(&r);
        assert!(s.contains("## Attention: full vs LSH against n"));
        assert!(s.contains("| 1024 |"));
        assert!(s.contains("from n = 256 on"));
        assert!(s.contains("attention.md"));
        assert!(s.contains(PLOT));
    }

    #[test]
    fn no_records_no_section() {
        let r = Report {
            flash_bytes: 0,
            static_ram_bytes: 0,
            records: vec![],
            boards: vec![],
            images: vec![],
            cmsis_not_measured: vec![],
            apps: vec![],
            on_device: vec![],
        };
        assert!(section(&r).is_empty());
    }

    #[test]
    fn plot_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_plot(&report(), dir.path()).unwrap().unwrap();
        let svg = std::fs::read_to_string(path).unwrap();
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("polyline") || svg.contains("path"));
    }
}
