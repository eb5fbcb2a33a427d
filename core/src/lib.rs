//! # plasticore
//!
//! A `no_std`, allocation-free numerics core for on-device adaptive learning on
//! microcontrollers: locality-sensitive hashing and a fixed-capacity index,
//! Hebbian ABCD plasticity with evolved rules, small attention blocks
//! (including Reformer LSH attention), a fixed-point (Q15/Q7) path, and the
//! linear algebra and statistics under them.
//!
//! Every kernel is written once over slices with run-time dimensions (like
//! CMSIS-DSP) and returns `Result<_, `[`Error`]`>` where sizes can disagree;
//! const-generic types ([`linalg::Matrix`], [`lsh::index::LshIndex`],
//! [`hebbian::PlasticMlp`]) make sizes compile-time facts for firmware.
//! Nothing allocates; scratch memory is passed in by the caller. Results are
//! bit-identical on x86-64 and every Cortex-M and RISC-V core tested: every
//! reduction has a fixed order and no fused multiply-add is used. No call
//! can panic (a link-time check proves it; see the repository's
//! `docs/robustness.md`).
//!
//! Features: `defmt` (`defmt::Format` derives). Faster approximations of
//! `exp`, `tanh`, `sin` and `cos` are functions a caller chooses
//! ([`math::approx`]), not a feature: every kernel keeps libm's results.
//!
//! ## Quick start
//!
//! **A nearest-neighbour index in a `static`**, filled and queried (on a
//! microcontroller, use a `critical_section::Mutex<RefCell<_>>` or a
//! `static_cell` instead of `std`'s mutex):
//!
//! ```
//! use std::sync::Mutex;
//! use plasticore::lsh::index::{LshIndex, Neighbors, QueryBuf};
//!
//! // 16 dimensions, room for 64 items, 4 tables of 8 bits; `zeroed` is const.
//! static INDEX: Mutex<LshIndex<16, 64, 4, 8>> = Mutex::new(LshIndex::zeroed());
//!
//! let mut index = INDEX.lock().unwrap();
//! index.reset(7); // draw the hyperplanes from a seed
//! for i in 0..64 {
//!     let x: [f32; 16] = core::array::from_fn(|j| ((i * 31 + j * 7) % 17) as f32 - 8.0);
//!     index.insert(&x).unwrap();
//! }
//! let q: [f32; 16] = core::array::from_fn(|j| ((5 * 31 + j * 7) % 17) as f32 - 8.0);
//! let mut scratch = QueryBuf::<64, 4, 8, 16>::new();
//! let mut best = Neighbors::<3>::new(); // a heapless::Vec, nearest first
//! let stats = index.query(&q, 8, &mut scratch, &mut best).unwrap();
//! assert_eq!(best[0].id, 5); // item 5 is the query itself
//! assert!(stats.examined < 64); // found without a full scan
//! ```
//!
//! **A plastic controller from a coefficient blob** (the bytes would be
//! `include_bytes!` data in flash; `plasticore evolve` writes such blobs),
//! stepped in a control loop:
//!
//! ```
//! use plasticore::blob::{self, Blob};
//! use plasticore::env::CartPole;
//! use plasticore::hebbian::{action_from_output, Activation, NetConfig, Norm, PlasticNet, Rule, Sharing};
//! use plasticore::rng::Rng;
//!
//! // A blob for a [4, 8, 1] network with the ABCD_lr rule shared per layer.
//! let sizes = [4, 8, 1];
//! let config = NetConfig { rule: Rule::ABCDLr, sharing: Sharing::PerLayer, norm: Norm::MaxAbs, output: Activation::Tanh };
//! let coeffs = [0.1f32, 0.0, 0.0, 0.05, 0.0, 0.2, 0.0, 0.0, 0.05, 0.0];
//! let mut flash = [0u8; 128];
//! let n = blob::encode(&blob::hebbian_header(&sizes, &config).unwrap(), &coeffs, &mut flash).unwrap();
//!
//! // On the device: parse (CRC-checked), size the buffers, run.
//! let blob = Blob::parse(&flash[..n]).unwrap();
//! let (topology, config) = blob.hebbian().unwrap();
//! let mut h = [0.0f32; 10];
//! blob.read_into(&mut h).unwrap();
//! let (mut weights, mut acts) = ([0.0f32; 40], [0.0f32; 13]);
//! let mut net = PlasticNet::new(topology.sizes(), config, &h, &mut weights, &mut acts).unwrap();
//!
//! let mut rng = Rng::new(1);
//! let mut plant = CartPole::new();
//! let mut obs = plant.reset(&mut rng);
//! net.reset(&mut rng); // random weights: the rule adapts them while it runs
//! for _ in 0..100 {
//!     let action = action_from_output(net.step(&obs).unwrap());
//!     let step = plant.step(action).unwrap();
//!     if step.done() {
//!         break;
//!     }
//!     obs = step.obs;
//! }
//! ```
//!
//! **A transformer block on a sequence** (pre-LN, 2 heads, full causal
//! attention; weights from a flat parameter array or a blob):
//!
//! ```
//! use plasticore::attention::{AttentionMode, Scratch, TransformerBlock, TransformerDims};
//! use plasticore::nn::Activation;
//!
//! const DIMS: TransformerDims = TransformerDims { d: 8, heads: 2, d_ff: 16, act: Activation::Gelu };
//! let mut params = [0.0f32; TransformerBlock::flat_len(DIMS, false)];
//! for (i, p) in params.iter_mut().enumerate() {
//!     *p = ((i * 37 % 23) as f32 - 11.0) / 50.0;
//! }
//! let block = TransformerBlock::from_flat(&params, DIMS, AttentionMode::Full { causal: true }).unwrap();
//! let n = 6; // tokens
//! let mut x = [0.5f32; 6 * 8];
//! let (need_f, need_idx) = block.scratch_len(n); // f32 and u32 scratch
//! let mut scratch = Scratch::<1024, 16>::new();
//! assert!(need_f <= 1024 && need_idx <= 16);
//! block.forward(&mut x, scratch.parts()).unwrap(); // x ← block(x), in place
//! assert!(x.iter().all(|v| v.is_finite()));
//! ```
#![no_std]
// Safe Rust throughout, except two inline-assembly modules for Arm cores,
// each argued sound where it stands: the DSP inner loops (`fixed::dsp`) and
// the FPU's square root (`math::fpu`).
#![deny(unsafe_code)]
#![deny(missing_docs)]

pub mod attention;
pub mod blob;
pub mod env;
pub mod error;
pub mod es;
pub mod fixed;
pub mod hebbian;
pub mod linalg;
pub mod lsh;
pub mod math;
pub mod nn;
pub mod rng;
mod slices;

pub use error::Error;
/// The `heapless` the core's APIs take (its fixed-capacity `Vec` holds query
/// results), re-exported so callers use the same version.
pub use heapless;
pub mod cost;
pub mod loss;
pub mod radioactive;
pub mod stats;
pub mod tensor;
