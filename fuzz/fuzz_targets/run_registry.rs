//! `plasticore run` through the registry, as the binary drives it: an
//! arbitrary kernel, inputs of arbitrary dtype, rank and size (values from
//! raw bits: NaN, ±Inf, denormals, ±1e38 included), and parameters from a
//! list of good and bad values. It must return a one-line error or a result;
//! with finite inputs a result is finite except where a contract says it is
//! not (per-capita's first six days, KL's +∞).
#![no_main]

use std::collections::BTreeMap;

use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use plasticore_host::kernels::{all, execute, Call, Kernel};
use plasticore_host::npy::{Array, DType};

const PARAMS: &[&str] = &[
    "0",
    "1",
    "2",
    "3",
    "4",
    "7",
    "8",
    "16",
    "31",
    "32",
    "64",
    "-1",
    "0.5",
    "1e-3",
    "1e38",
    "-3",
    "nan",
    "inf",
    "",
    "x",
    "true",
    "false",
    "row",
    "col",
    "C",
    "F",
    "ABCD_lr",
    "per_synapse",
    "max_abs",
    "relu",
    "gelu",
    "2,4",
    "-1,2",
    "4,-1",
];

fn array(u: &mut Unstructured<'_>, dtype: DType) -> arbitrary::Result<Array> {
    let rank = u.int_in_range(0..=3)?;
    let mut shape = Vec::with_capacity(rank);
    for _ in 0..rank {
        shape.push(u.int_in_range(0..=8)?);
    }
    let n: usize = shape.iter().product();
    Ok(match dtype {
        DType::F32 => {
            let mut v = Vec::with_capacity(n);
            for _ in 0..n {
                // Raw bits half the time (NaN, Inf, denormals), small values otherwise.
                v.push(if u.arbitrary::<bool>()? {
                    f32::from_bits(u.arbitrary()?)
                } else {
                    u.int_in_range(-64i32..=64)? as f32 / 8.0
                });
            }
            Array::f32(shape, v)
        }
        DType::I32 => {
            Array::i32(shape, (0..n).map(|_| u.int_in_range(-3..=9)).collect::<Result<_, _>>()?)
        }
        DType::U8 => Array::u8(shape, (0..n).map(|_| u.arbitrary()).collect::<Result<_, _>>()?),
        DType::I8 => Array::i8(shape, (0..n).map(|_| u.arbitrary()).collect::<Result<_, _>>()?),
        DType::I16 => Array::i16(shape, (0..n).map(|_| u.arbitrary()).collect::<Result<_, _>>()?),
        DType::I64 => Array::i64(shape, (0..n).map(|_| u.arbitrary()).collect::<Result<_, _>>()?),
    })
}

fn call(u: &mut Unstructured<'_>, kernels: &[Kernel]) -> arbitrary::Result<()> {
    let k = u.choose(kernels)?;
    let dtypes = [DType::F32, DType::I32, DType::U8, DType::I8, DType::I16, DType::I64];
    let mut inputs = BTreeMap::new();
    for spec in &k.inputs {
        // Mostly the declared dtype; sometimes any other.
        let dtype = if u.ratio(7u8, 8u8)? { spec.dtype } else { *u.choose(&dtypes)? };
        if u.ratio(15u8, 16u8)? {
            inputs.insert(spec.name.to_string(), array(u, dtype)?);
        }
    }
    let mut params = BTreeMap::new();
    for p in &k.params {
        if u.arbitrary::<bool>()? {
            params.insert(p.name.to_string(), u.choose(PARAMS)?.to_string());
        }
    }
    let finite_inputs =
        inputs.values().all(|a: &Array| a.as_f32().is_none_or(|v| v.iter().all(|x| x.is_finite())));
    match Call::new(k, inputs, params).and_then(|c| execute(k, &c)) {
        Err(msg) => assert!(!msg.contains('\n'), "{}: multi-line message {msg:?}", k.name),
        Ok(a) => {
            let documented = matches!(k.name, "stats.per_capita" | "stats.kl");
            if let (Some(v), true, false) = (a.as_f32(), finite_inputs, documented) {
                assert!(v.iter().all(|x| x.is_finite()), "{}: non-finite result", k.name);
            }
        }
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    thread_local! {
        static KERNELS: Vec<Kernel> = all();
    }
    let mut u = Unstructured::new(data);
    KERNELS.with(|ks| {
        let _ = call(&mut u, ks);
    });
});
