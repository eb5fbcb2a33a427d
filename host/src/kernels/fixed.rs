//! `fixed.*` kernels: quantisation and the integer kernels of
//! `plasticore::fixed`, on int8 / int16 `.npy` files, with the exact contracts
//! of the fixed-point issue.

use plasticore::fixed::linalg::{dot, matvec};
use plasticore::fixed::{dequantize, quantize, Fixed};
use plasticore::lsh::ternary::TernaryPlanes;

use super::{core_err, input, input_fixed, param, Call, Kernel};
use crate::npy::{
    Array,
    DType::{self, F32},
    Data,
};

/// The fixed kernels.
pub fn kernels() -> Vec<Kernel> {
    vec![
        Kernel {
            name: "fixed.quantize",
            summary: "q = clip(round_half_even(x / scale), -2^(bits-1), 2^(bits-1) - 1), the division in float32",
            inputs: vec![input("x", F32, "...")],
            params: vec![
                param("bits", Some("16"), "8 (int8, Q7) or 16 (int16, Q15)"),
                param("scale", None, "the quantisation step, finite and > 0 (Q15: 0.000030517578125)"),
            ],
            output: "int8 | int16, the shape of x",
            run: quantize_k,
        },
        Kernel {
            name: "fixed.dequantize",
            summary: "x = q * scale in float32",
            inputs: vec![input_fixed("q", "...")],
            params: vec![param("scale", None, "the quantisation step, finite and > 0")],
            output: "float32, the shape of q",
            run: dequantize_k,
        },
        Kernel {
            name: "fixed.dot",
            summary: "the exact sum of a_i * b_i (a and b both int8 or both int16)",
            inputs: vec![input_fixed("a", "n"), input_fixed("b", "n")],
            params: vec![],
            output: "int64 []",
            run: dot_k,
        },
        Kernel {
            name: "fixed.matvec",
            summary: "y_i = saturate(round_shift(sum_j m_ij * x_j, shift)), round_shift(v, s) = (v + 2^(s-1)) >> s",
            inputs: vec![input_fixed("m", "r,c"), input_fixed("x", "c")],
            params: vec![param("shift", Some("0"), "right shift 0..=31, rounded half up")],
            output: "the dtype of m [r] (saturated)",
            run: matvec_k,
        },
        Kernel {
            name: "fixed.simhash",
            summary: "integer SimHash: bit j = [sum_i x_i * planes_ij > 0], packed LSB first (numpy.packbits bitorder=little)",
            inputs: vec![input_fixed("x", "n,d"), input(
                "planes",
                DType::I8,
                "d,b",
            )],
            params: vec![],
            output: "uint8 [n, ceil(b/8)] (planes entries in {-1, 0, +1})",
            run: simhash_k,
        },
    ]
}

/// Both inputs must have the same integer dtype.
fn same_dtype(c: &Call, kernel: &str, a: &str, b: &str) -> Result<DType, String> {
    let (da, db) = (c.array(a).dtype(), c.array(b).dtype());
    if da == db {
        Ok(da)
    } else {
        Err(format!("{kernel}: input '{b}': expected {da} like input '{a}', got {db}"))
    }
}

fn scale(c: &Call) -> Result<f32, String> {
    let s: f32 = c.param("scale")?;
    if s.is_finite() && s > 0.0 {
        Ok(s)
    } else {
        Err(format!("parameter 'scale': expected a finite value > 0, got {s}"))
    }
}

fn quantize_k(c: &Call) -> Result<Array, String> {
    let e = core_err("fixed.quantize");
    let x = c.f32("x");
    let shape = c.shape("x").to_vec();
    let s = scale(c)?;
    match c.param::<u32>("bits")? {
        8 => {
            let mut q = vec![0i8; x.len()];
            quantize(x, s, &mut q).map_err(&e)?;
            Ok(Array::i8(shape, q))
        }
        16 => {
            let mut q = vec![0i16; x.len()];
            quantize(x, s, &mut q).map_err(&e)?;
            Ok(Array::i16(shape, q))
        }
        b => Err(format!("parameter 'bits': expected 8 or 16, got {b}")),
    }
}

fn dequantize_k(c: &Call) -> Result<Array, String> {
    let e = core_err("fixed.dequantize");
    let s = scale(c)?;
    let a = c.array("q");
    let mut y = vec![0.0f32; a.len()];
    match &a.data {
        Data::I8(q) => dequantize(q, s, &mut y).map_err(&e)?,
        Data::I16(q) => dequantize(q, s, &mut y).map_err(&e)?,
        _ => return Err("fixed.dequantize: q: expected int8 or int16".into()),
    }
    Ok(Array::f32(a.shape.clone(), y))
}

fn dot_k(c: &Call) -> Result<Array, String> {
    let e = core_err("fixed.dot");
    same_dtype(c, "fixed.dot", "a", "b")?;
    let v = match (&c.array("a").data, &c.array("b").data) {
        (Data::I8(a), Data::I8(b)) => dot(a, b).map_err(&e)?,
        (Data::I16(a), Data::I16(b)) => dot(a, b).map_err(&e)?,
        _ => return Err("fixed.dot: expected int8 or int16 inputs".into()),
    };
    Ok(Array::i64(vec![], vec![v]))
}

fn matvec_typed<T: Fixed>(c: &Call, m: &[T], x: &[T], shift: u32) -> Result<Vec<T>, String> {
    let mut y = vec![T::default(); c.dim("r")];
    matvec(m, c.dim("r"), c.dim("c"), x, shift, &mut y).map_err(core_err("fixed.matvec"))?;
    Ok(y)
}

fn matvec_k(c: &Call) -> Result<Array, String> {
    same_dtype(c, "fixed.matvec", "m", "x")?;
    let shift: u32 = c.param("shift")?;
    if shift > 31 {
        return Err(format!("parameter 'shift': expected 0..=31, got {shift}"));
    }
    let r = c.dim("r");
    match (&c.array("m").data, &c.array("x").data) {
        (Data::I8(m), Data::I8(x)) => Ok(Array::i8(vec![r], matvec_typed(c, m, x, shift)?)),
        (Data::I16(m), Data::I16(x)) => Ok(Array::i16(vec![r], matvec_typed(c, m, x, shift)?)),
        _ => Err("fixed.matvec: expected int8 or int16 inputs".into()),
    }
}

fn simhash_rows<T: Fixed>(
    p: &TernaryPlanes<'_>,
    x: &[T],
    n: usize,
    d: usize,
    nb: usize,
) -> Result<Vec<u8>, String> {
    let mut out = vec![0u8; n * nb];
    for (row, code) in x.chunks_exact(d).zip(out.chunks_exact_mut(nb)) {
        p.hash(row, code).map_err(core_err("fixed.simhash"))?;
    }
    Ok(out)
}

fn simhash_k(c: &Call) -> Result<Array, String> {
    let (n, d, b) = (c.dim("n"), c.dim("d"), c.dim("b"));
    let planes = c.array("planes").as_i8().unwrap_or(&[]);
    let p = TernaryPlanes::new(planes, d, b).map_err(core_err("fixed.simhash"))?;
    let nb = b.div_ceil(8);
    let out = match &c.array("x").data {
        Data::I8(x) => simhash_rows(&p, x, n, d, nb)?,
        Data::I16(x) => simhash_rows(&p, x, n, d, nb)?,
        _ => return Err("fixed.simhash: x: expected int8 or int16".into()),
    };
    Ok(Array::u8(vec![n, nb], out))
}
