//! `plasticore planes`: an LSH index's planes as Rust, for a `static` in
//! flash made at build time (the index then keeps no planes in RAM and its
//! board links no libm `log`/`cos`).

use std::path::PathBuf;

use super::Failure;

/// `plasticore planes`'s arguments.
#[derive(clap::Args)]
pub struct PlanesArgs {
    /// Vector dimension D.
    #[arg(long)]
    pub dim: usize,
    /// Number of tables L.
    #[arg(long, default_value_t = plasticore::lsh::DEFAULT_TABLES)]
    pub tables: usize,
    /// Bits per table K (1 to 32).
    #[arg(long, default_value_t = plasticore::lsh::DEFAULT_BITS)]
    pub bits: usize,
    /// Seed of the planes (`LshIndex::new(seed)` draws the same).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// ±1 planes (`index_sign_planes`, made by the compiler) instead of N(0, 1).
    #[arg(long)]
    pub signs: bool,
    /// Write Rust source (a `pub static PLANES`); the only format so far.
    #[arg(long)]
    pub rust: bool,
    /// Write to this file instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE.rs")]
    pub output: Option<PathBuf>,
}

/// Writes the planes' Rust.
pub fn planes(a: PlanesArgs) -> Result<(), Failure> {
    if !a.rust {
        return Err(Failure::Usage("planes: choose a format: --rust".into()));
    }
    let src = plasticore_host::lsh_index::planes_rust(a.dim, a.tables, a.bits, a.seed, a.signs)
        .map_err(|e| Failure::Usage(format!("planes: {e}")))?;
    match a.output {
        Some(p) => std::fs::write(&p, src)
            .map_err(|e| Failure::Failed(format!("writing {}: {e}", p.display()))),
        None => {
            print!("{src}");
            Ok(())
        }
    }
}
