//! The resource report (`plasticore bench`): the data model at the bottom
//! ([`model`]), measuring ([`measure`]: image sizes, footprints, records),
//! and above them the rendering ([`render`]) with one file per section of
//! docs/benchmarks.md ([`sections`]). Dependencies point one way, down
//! this list.

pub mod measure;
pub mod model;
pub mod render;
pub mod sections;

pub use measure::{
    app_footprints, build_report, host_checksums, image_size, on_device_runs, records,
};
pub use model::{
    AppFootprint, BoardImage, BoardReport, CaseKey, ImageSize, OnDeviceRun, Record, Report,
    CMSIS_PAIRS,
};
pub use render::{markdown, table};
pub use sections::write_plots;
