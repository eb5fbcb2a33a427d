//! The fitness history as an SVG plot.

use std::path::PathBuf;

use anyhow::Result;

use super::GenStat;

/// Writes an SVG plot of the population's mean and max fitness and the validation return.
pub fn plot_svg(path: &PathBuf, history: &[GenStat], title: &str) -> Result<()> {
    use plotters::prelude::*;
    let root = SVGBackend::new(path, (800, 480)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| anyhow::anyhow!("{e}"))?;
    let n = history.len().max(1) as f32;
    let values = history.iter().flat_map(|h| [Some(h.mean), Some(h.max), h.validation]).flatten();
    let (lo, hi) = values.fold((f32::MAX, f32::MIN), |(a, b), v| (a.min(v), b.max(v)));
    let (lo, hi) = if lo <= hi { (lo, hi) } else { (0.0, 1.0) };
    let pad = ((hi - lo) * 0.05).max(1.0);
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 20))
        .margin(10)
        .x_label_area_size(35)
        .y_label_area_size(45)
        .build_cartesian_2d(0f32..n, (lo - pad)..(hi + pad))
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    chart
        .configure_mesh()
        .x_desc("generation")
        .y_desc("return")
        .draw()
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let series = |f: &dyn Fn(&GenStat) -> Option<f32>| -> Vec<(f32, f32)> {
        history.iter().filter_map(|h| f(h).map(|v| (h.generation as f32, v))).collect()
    };
    chart
        .draw_series(LineSeries::new(series(&|h| Some(h.mean)), &BLUE))
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .label("population mean")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], BLUE));
    chart
        .draw_series(LineSeries::new(series(&|h| Some(h.max)), &GREEN))
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .label("population max")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], GREEN));
    chart
        .draw_series(LineSeries::new(series(&|h| h.validation), &RED))
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .label("θ validation (unseen seeds)")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], RED));
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .position(SeriesLabelPosition::LowerRight)
        .draw()
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    root.present().map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(())
}
