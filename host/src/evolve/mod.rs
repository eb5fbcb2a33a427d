//! `plasticore evolve`: OpenAI-ES (core [`plasticore::es`]) over the Hebbian
//! coefficients of a plastic network — or, with `--static`, over the weights
//! of a static network of the same topology — in any of the four
//! environments, on nominal dynamics or with domain randomisation; population
//! evaluated in parallel with rayon, progress bar, checkpoint/resume, SVG
//! fitness plot, parameter blob and generated Rust for the firmware.
//!
//! Episode seeds never overlap: training episodes use seeds with bit 63 set,
//! validation episodes seeds with bits 63..62 = `01`; `simulate` and the tests
//! use small seeds (< 2^62), so they are never seen during evolution.
//!
//! One file per concern: [`options`], [`seeds`], [`eval`] (episodes and
//! fitness), [`run`] (the ask/tell loop), and the artifacts: [`blob`],
//! [`rust`], [`plot`].

pub mod blob;
pub mod eval;
pub mod options;
pub mod plot;
pub mod run;
pub mod rust;
pub mod seeds;

pub use blob::*;
pub use eval::*;
pub use options::*;
pub use plot::*;
pub use run::*;
pub use rust::*;
pub use seeds::*;
