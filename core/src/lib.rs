//! # plasticore
//!
//! A `no_std`, allocation-free numerics core for on-device adaptive learning on
//! microcontrollers: locality-sensitive hashing and fixed-capacity indexes,
//! Hebbian ABCD plasticity with evolved rules, small attention blocks
//! (including Reformer LSH attention), a fixed-point (Q15/Q7) path, and the
//! linear algebra and statistics under them.
//!
//! Every kernel is written once over slices with run-time dimensions (like
//! CMSIS-DSP) and returns `Result<_, `[`Error`]`>` where sizes can disagree;
//! const-generic types ([`linalg::Matrix`], [`lsh::LshIndex`],
//! [`hebbian::PlasticMlp`]) make sizes compile-time facts for firmware, and
//! `const fn`s size every buffer ([`hebbian::weight_len`],
//! [`hebbian::coeff_len`], [`blob::encoded_len`], …). Nothing allocates;
//! scratch memory is passed in by the caller. Results are bit-identical on
//! x86-64 and every Cortex-M and RISC-V core tested: every reduction has a
//! fixed order and no fused multiply-add is used. No call can panic (a
//! link-time check proves it; see the repository's `docs/robustness.md`).
//! Each fallible function's `# Errors` section names the [`Error`] variants
//! it returns.
//!
//! Features: `defmt` (`defmt::Format` derives). Faster approximations of
//! `exp`, `tanh`, `sin` and `cos` are functions a caller chooses
//! ([`math::approx`]), not a feature: every kernel keeps libm's results.
//!
//! ## Quick start
//!
//! **A nearest-neighbour index in a `static`**, filled and queried. A
//! `ConstStaticCell` (crate `static_cell`) hands out the `&'static mut` once,
//! at start-up; the index and its scratch are all zero until then, so they
//! live in `.bss` and are never built on the stack. On cores without
//! compare-and-swap (thumbv6m: Cortex-M0/M0+; riscv32imc) `static_cell` needs
//! `portable-atomic` with its `critical-section` feature, and a
//! `critical-section` implementation (for a single-core Cortex-M:
//! `cortex-m`'s `critical-section-single-core` feature).
//!
//! ```
//! use plasticore::lsh::{probe_heap_len, LshIndex, Neighbors, QueryBuf};
//! use static_cell::ConstStaticCell;
//!
//! // 16 dimensions, room for 64 items, 4 tables of 8 bits, 8 buckets a query.
//! const D: usize = 16;
//! const CAP: usize = 64;
//! const L: usize = 4;
//! const K: usize = 8;
//! const PROBES: usize = 8;
//! type Scratch = QueryBuf<CAP, L, K, { probe_heap_len(L, PROBES) }>;
//! static INDEX: ConstStaticCell<LshIndex<D, CAP, L, K>> = ConstStaticCell::new(LshIndex::zeroed());
//! static SCRATCH: ConstStaticCell<Scratch> = ConstStaticCell::new(QueryBuf::new());
//!
//! let (index, scratch) = (INDEX.take(), SCRATCH.take());
//! // Draw the hyperplanes from a seed: until then every call is an error.
//! // (`reset_signs` draws ±1 planes without libm; planes made at build time
//! // can stay in flash: `lsh::PlaneSource`.)
//! index.reset(7);
//! let item = |i: usize| -> [f32; D] { core::array::from_fn(|j| ((i * 31 + j * 7) % 17) as f32 - 8.0) };
//! for i in 0..CAP {
//!     index.insert(&item(i)).unwrap();
//! }
//! let mut best = Neighbors::<3>::new(); // a heapless::Vec, nearest first
//! let stats = index.query(&item(5), PROBES, scratch, &mut best).unwrap();
//! assert_eq!(best[0].id, 5); // item 5 is the query itself
//! assert!(stats.examined < CAP); // found without a full scan
//! ```
//!
//! **A plastic controller from a coefficient blob** (the bytes would be
//! `include_bytes!` data in flash; `plasticore evolve` writes such blobs),
//! stepped in a control loop, every buffer sized by a `const fn`:
//!
//! ```
//! use plasticore::blob::{encoded_len, Blob};
//! use plasticore::env::{action_from_output, CartPole};
//! use plasticore::hebbian::{act_len, coeff_len, weight_len, Activation, NetConfig, NetSpec, Norm, PlasticNet, Rule, Sharing};
//! use plasticore::rng::Rng;
//!
//! // A [4, 8, 1] network with the ABCD_lr rule shared per layer.
//! const SIZES: [usize; 3] = [4, 8, 1];
//! const CONFIG: NetConfig = NetConfig { rule: Rule::ABCDLr, sharing: Sharing::PerLayer, norm: Norm::MaxAbs, output: Activation::Tanh };
//! const N_COEFFS: usize = coeff_len(&SIZES, CONFIG.rule, CONFIG.sharing);
//! let coeffs: [f32; N_COEFFS] = [0.1, 0.0, 0.0, 0.05, 0.0, 0.2, 0.0, 0.0, 0.05, 0.0];
//! let mut flash = [0u8; encoded_len(SIZES.len(), N_COEFFS)];
//! let n = NetSpec::new(&SIZES, CONFIG).unwrap().encode(&coeffs, &mut flash).unwrap();
//!
//! // On the device: parse (CRC-checked), check the network it is for, run.
//! let blob = Blob::parse(&flash[..n]).unwrap();
//! let spec = NetSpec::parse(&blob).unwrap();
//! assert_eq!(spec.topology.sizes(), &SIZES);
//! let mut h = [0.0f32; N_COEFFS];
//! blob.read_into(&mut h).unwrap();
//! let (mut weights, mut acts) = ([0.0f32; weight_len(&SIZES)], [0.0f32; act_len(&SIZES)]);
//! let mut rng = Rng::new(1);
//! // Random weights from the start; the rule adapts them while it runs.
//! let mut net = PlasticNet::new(&SIZES, spec.config, &h, &mut weights, &mut acts, &mut rng).unwrap();
//! let mut plant = CartPole::new();
//! let mut obs = plant.reset(&mut rng);
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
//! const N: usize = 6; // tokens
//! let mut params = [0.0f32; TransformerBlock::flat_len(DIMS, false)];
//! for (i, p) in params.iter_mut().enumerate() {
//!     *p = ((i * 37 % 23) as f32 - 11.0) / 50.0;
//! }
//! let block = TransformerBlock::from_flat(&params, DIMS, AttentionMode::Full { causal: true }).unwrap();
//! let mut x = [0.5f32; N * 8];
//! let mut scratch = Scratch::<{ TransformerBlock::full_scratch_len(DIMS, N) }, 0>::new();
//! assert_eq!(block.scratch_len(N), (TransformerBlock::full_scratch_len(DIMS, N), 0));
//! block.forward(&mut x, scratch.parts()).unwrap(); // x ← block(x), in place
//! assert!(x.iter().all(|v| v.is_finite()));
//! ```
#![no_std]
// Safe Rust throughout, except six inline-assembly modules for Arm cores,
// each argued sound where it stands: the DSP inner loops (`fixed::dsp`), the
// Cortex-M3's 64-bit multiply-accumulate loops (`fixed::mac64`), the
// Cortex-M0's Q15 dot (`fixed::armv6m`), the FPU's f32 loops (`linalg::fpu`),
// its quantise/dequantise loops (`fixed::fpu`) and square root (`math::fpu`).
#![deny(unsafe_code)]
#![deny(missing_docs)]
#![deny(clippy::missing_errors_doc)]

pub mod attention;
pub mod blob;
pub mod checksum;
pub mod env;
pub mod error;
pub mod es;
pub mod evolution;
pub mod fixed;
pub mod ga;
pub mod hebbian;
pub mod linalg;
pub mod lsh;
pub mod math;
pub mod nn;
pub mod rng;
mod slices;
pub mod store;

pub use error::Error;
/// The `heapless` the core's APIs take (its fixed-capacity `Vec` holds query
/// results), re-exported so callers use the same version.
pub use heapless;
pub mod cost;
pub mod loss;
pub mod radioactive;
pub mod stats;
pub mod tensor;
