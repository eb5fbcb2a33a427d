//! Domain sections of docs/benchmarks.md, one file per domain, each built
//! from the board records (and any host measurement it makes itself).

use std::path::{Path, PathBuf};

use super::model::Report;

mod apps;
pub mod attention;
mod boards;
mod cmsis;
pub use cmsis::cmsis_table;
mod hebbian;
mod lsh;
mod on_device;

/// Every section, in document order; each returns Markdown (empty to skip).
pub fn all(r: &Report) -> Vec<String> {
    let sections: Vec<fn(&Report) -> String> = vec![
        boards::section,
        cmsis::section,
        lsh::section,
        hebbian::section,
        attention::section,
        apps::section,
        on_device::section,
    ];
    sections.into_iter().map(|f| f(r)).filter(|s| !s.is_empty()).collect()
}

/// Writes one section's plot into a directory; `None` when it has no data.
type PlotWriter = fn(&Report, &Path) -> anyhow::Result<Option<PathBuf>>;

/// Writes every section's plots into `dir` (the directory of docs/benchmarks.md); returns their paths.
pub fn write_plots(r: &Report, dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let plots: Vec<PlotWriter> = vec![attention::write_plot];
    let mut out = Vec::new();
    for f in plots {
        out.extend(f(r, dir)?);
    }
    Ok(out)
}
