//! `.npy` files (NumPy format v1–v3) as the harness's arrays, through the
//! `npyz` crate.
//!
//! Reads little-endian `f4`, `i1`, `i2`, `i4`, `i8`, `u1` (and `b1`) arrays
//! (`f8` is refused with a clear message) in C or Fortran order; arrays are
//! always returned in C order (Fortran-ordered files are transposed on read).
//! Every malformation is a one-line message, never a panic: the length of
//! the data is checked before anything is allocated.

use std::borrow::Cow;
use std::fmt;
use std::io::Write;
use std::path::Path;

/// Element type of an array.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DType {
    /// `<f4`
    F32,
    /// `<i4`
    I32,
    /// `|u1`
    U8,
    /// `|i1`
    I8,
    /// `<i2`
    I16,
    /// `<i8`
    I64,
}

impl DType {
    /// NumPy's name for it.
    pub fn name(self) -> &'static str {
        match self {
            DType::F32 => "float32",
            DType::I32 => "int32",
            DType::U8 => "uint8",
            DType::I8 => "int8",
            DType::I16 => "int16",
            DType::I64 => "int64",
        }
    }
    /// Bytes per element.
    pub fn size(self) -> usize {
        match self {
            DType::U8 | DType::I8 => 1,
            DType::I16 => 2,
            DType::F32 | DType::I32 => 4,
            DType::I64 => 8,
        }
    }
}

impl fmt::Display for DType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The elements, in C order: owned, or borrowed from the caller (a NumPy
/// array passed from Python is read in place).
#[derive(Debug, Clone, PartialEq)]
pub enum Data<'a> {
    /// float32 elements.
    F32(Cow<'a, [f32]>),
    /// int32 elements.
    I32(Cow<'a, [i32]>),
    /// uint8 elements.
    U8(Cow<'a, [u8]>),
    /// int8 elements.
    I8(Cow<'a, [i8]>),
    /// int16 elements.
    I16(Cow<'a, [i16]>),
    /// int64 elements.
    I64(Cow<'a, [i64]>),
}

/// An n-dimensional array in C order whose elements are owned or borrowed.
#[derive(Debug, Clone, PartialEq)]
pub struct NdArray<'a> {
    /// The shape; empty for a 0-d array.
    pub shape: Vec<usize>,
    /// The elements, C order.
    pub data: Data<'a>,
}

/// An array that owns its elements (what files and kernels produce).
pub type Array = NdArray<'static>;

impl Array {
    /// A float32 array; `data.len()` must equal the product of `shape`.
    pub fn f32(shape: Vec<usize>, data: Vec<f32>) -> Self {
        debug_assert_eq!(shape.iter().product::<usize>(), data.len());
        Array { shape, data: Data::F32(Cow::Owned(data)) }
    }
    /// An int32 array.
    pub fn i32(shape: Vec<usize>, data: Vec<i32>) -> Self {
        debug_assert_eq!(shape.iter().product::<usize>(), data.len());
        Array { shape, data: Data::I32(Cow::Owned(data)) }
    }
    /// A uint8 array.
    pub fn u8(shape: Vec<usize>, data: Vec<u8>) -> Self {
        debug_assert_eq!(shape.iter().product::<usize>(), data.len());
        Array { shape, data: Data::U8(Cow::Owned(data)) }
    }
    /// An int8 array.
    pub fn i8(shape: Vec<usize>, data: Vec<i8>) -> Self {
        debug_assert_eq!(shape.iter().product::<usize>(), data.len());
        Array { shape, data: Data::I8(Cow::Owned(data)) }
    }
    /// An int16 array.
    pub fn i16(shape: Vec<usize>, data: Vec<i16>) -> Self {
        debug_assert_eq!(shape.iter().product::<usize>(), data.len());
        Array { shape, data: Data::I16(Cow::Owned(data)) }
    }
    /// An int64 array.
    pub fn i64(shape: Vec<usize>, data: Vec<i64>) -> Self {
        debug_assert_eq!(shape.iter().product::<usize>(), data.len());
        Array { shape, data: Data::I64(Cow::Owned(data)) }
    }
}

impl NdArray<'_> {
    /// The element type.
    pub fn dtype(&self) -> DType {
        match self.data {
            Data::F32(_) => DType::F32,
            Data::I32(_) => DType::I32,
            Data::U8(_) => DType::U8,
            Data::I8(_) => DType::I8,
            Data::I16(_) => DType::I16,
            Data::I64(_) => DType::I64,
        }
    }
    /// Number of elements.
    pub fn len(&self) -> usize {
        self.shape.iter().product()
    }
    /// True if the array has no elements.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The float32 elements, if that is the dtype.
    pub fn as_f32(&self) -> Option<&[f32]> {
        match &self.data {
            Data::F32(v) => Some(v),
            _ => None,
        }
    }
    /// The int32 elements, if that is the dtype.
    pub fn as_i32(&self) -> Option<&[i32]> {
        match &self.data {
            Data::I32(v) => Some(v),
            _ => None,
        }
    }
    /// The uint8 elements, if that is the dtype.
    pub fn as_u8(&self) -> Option<&[u8]> {
        match &self.data {
            Data::U8(v) => Some(v),
            _ => None,
        }
    }
    /// The int8 elements, if that is the dtype.
    pub fn as_i8(&self) -> Option<&[i8]> {
        match &self.data {
            Data::I8(v) => Some(v),
            _ => None,
        }
    }
    /// The int16 elements, if that is the dtype.
    pub fn as_i16(&self) -> Option<&[i16]> {
        match &self.data {
            Data::I16(v) => Some(v),
            _ => None,
        }
    }
    /// The int64 elements, if that is the dtype.
    pub fn as_i64(&self) -> Option<&[i64]> {
        match &self.data {
            Data::I64(v) => Some(v),
            _ => None,
        }
    }
}

/// Shape as NumPy prints it: `(3, 4)`, `(5,)`, `()`.
pub fn shape_str(shape: &[usize]) -> String {
    match shape {
        [] => "()".into(),
        [n] => format!("({n},)"),
        _ => format!("({})", shape.iter().map(|d| d.to_string()).collect::<Vec<_>>().join(", ")),
    }
}

/// Reads an `.npy` file.
pub fn read_npy(path: impl AsRef<Path>) -> Result<Array, String> {
    let path = path.as_ref();
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    parse_npy(&bytes).map_err(|e| format!("{}: {e}", path.display()))
}

/// The element type of a descriptor (`<f4`, `|u1`, …).
fn dtype_of(descr: &str) -> Result<DType, String> {
    Ok(match descr {
        "<f4" => DType::F32,
        "<i4" => DType::I32,
        "|u1" | "<u1" | "|b1" => DType::U8,
        "|i1" | "<i1" => DType::I8,
        "<i2" => DType::I16,
        "<i8" => DType::I64,
        "<f8" => {
            return Err("dtype float64: expected float32 (use x.astype(np.float32))".into());
        }
        other => return Err(format!("unsupported dtype {other}")),
    })
}

/// Checks what `npyz` 0.8 takes on trust: it allocates the header length a
/// file claims (up to 4 GiB; the fuzz target's first find: a 2 GiB request
/// from a 16-byte file) and multiplies the shape unchecked (a panic where
/// overflow checks are on), and its header parser takes time exponential
/// in the nesting of brackets and braces (the fuzz target's second find:
/// 2 s for a 19-deep `[[…]]` descr, twice that per level more; and a run of
/// `{`). So the header must lie within the file, be one flat dict with no
/// list and no tuple but the shape (nesting belongs to structured dtypes,
/// which are refused anyway), and the shape's product fit a `u64` before
/// `npyz` sees them.
fn guard_header(bytes: &[u8]) -> Result<(), String> {
    let (len, start): (Option<usize>, usize) = match bytes.get(6).copied() {
        Some(1) => (bytes.get(8..10).map(|b| u16::from_le_bytes([b[0], b[1]]) as usize), 10),
        Some(2 | 3) => {
            (bytes.get(8..12).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize), 12)
        }
        v => return Err(format!("unsupported .npy version {}", v.unwrap_or(0))),
    };
    let header =
        len.and_then(|n| bytes.get(start..start.checked_add(n)?)).ok_or("truncated header")?;
    let header = std::str::from_utf8(header).map_err(|_| "header is not text")?;
    // NumPy writes a plain dtype's header as one flat dict with one tuple,
    // `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`.
    let count = |c: char| header.matches(c).count();
    if count('[') + count(']') > 0 || ['{', '}', '(', ')'].into_iter().any(|c| count(c) > 1) {
        return Err(
            "unsupported header: a structured or sub-array dtype, or a nested dict (plain dtypes only)"
                .into(),
        );
    }
    let shape = dict_value(header, "shape").ok_or("header has no 'shape'")?;
    let dims = parse_shape(shape)?;
    // Zeros count as ones: `npyz` multiplies the dims into strides whatever
    // the element count (a (0, 2^30, 2^40, 2^20) shape overflowed there).
    dims.iter().try_fold(1u64, |a, &d| a.checked_mul(d.max(1))).ok_or("shape too large")?;
    Ok(())
}

/// The text of `key`'s value in a header dict (a tuple, or up to the next comma).
fn dict_value<'a>(header: &'a str, key: &str) -> Option<&'a str> {
    let pos = header.find(&format!("'{key}'")).or_else(|| header.find(&format!("\"{key}\"")))?
        + key.len()
        + 2;
    let rest = header.get(pos..)?.trim_start().strip_prefix(':')?.trim_start();
    if rest.starts_with('(') {
        rest.get(..=rest.find(')')?)
    } else {
        Some(rest[..rest.find([',', '}']).unwrap_or(rest.len())].trim())
    }
}

/// The dims of a shape tuple `(a, b, …)`.
fn parse_shape(s: &str) -> Result<Vec<u64>, String> {
    let inner = s
        .strip_prefix('(')
        .and_then(|s| s.strip_suffix(')'))
        .ok_or_else(|| format!("bad shape {s}"))?;
    inner
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| t.parse::<u64>().map_err(|_| format!("bad shape {s}")))
        .collect()
}

/// Parses the bytes of an `.npy` file (`npyz` reads the header and the
/// elements, after `guard_header`; the checks around it give one-line
/// messages).
pub fn parse_npy(bytes: &[u8]) -> Result<Array, String> {
    if bytes.len() < 10 || &bytes[..6] != b"\x93NUMPY" {
        return Err("not a .npy file (bad magic)".into());
    }
    guard_header(bytes)?;
    let mut rest = bytes;
    let header = npyz::NpyHeader::from_reader(&mut rest).map_err(|e| format!("bad header: {e}"))?;
    let dtype = match header.dtype() {
        npyz::DType::Plain(t) => dtype_of(&t.to_string())?,
        other => return Err(format!("unsupported dtype {}", other.descr())),
    };
    let shape = header
        .shape()
        .iter()
        .map(|&d| usize::try_from(d))
        .collect::<Result<Vec<usize>, _>>()
        .map_err(|_| "shape too large")?;
    let need =
        shape.iter().try_fold(dtype.size(), |a, &d| a.checked_mul(d)).ok_or("shape too large")?;
    if rest.len() < need {
        return Err(format!(
            "truncated data: shape {} needs {need} bytes, file has {}",
            shape_str(&shape),
            rest.len()
        ));
    }
    let fortran = header.order() == npyz::Order::Fortran;
    let file = npyz::NpyFile::with_header(header, &rest[..need]);
    let bad = |e: std::io::Error| format!("bad data: {e}");
    let data = match dtype {
        DType::F32 => Data::F32(file.into_vec::<f32>().map_err(bad)?.into()),
        DType::I32 => Data::I32(file.into_vec::<i32>().map_err(bad)?.into()),
        DType::U8 => Data::U8(rest[..need].to_vec().into()),
        DType::I8 => Data::I8(file.into_vec::<i8>().map_err(bad)?.into()),
        DType::I16 => Data::I16(file.into_vec::<i16>().map_err(bad)?.into()),
        DType::I64 => Data::I64(file.into_vec::<i64>().map_err(bad)?.into()),
    };
    let mut arr = Array { shape, data };
    if fortran && arr.shape.len() > 1 {
        arr = fortran_to_c(arr);
    }
    Ok(arr)
}

/// Permutes Fortran-ordered elements into C order.
fn fortran_to_c(a: Array) -> Array {
    let shape = a.shape.clone();
    let perm = c_order_permutation(&shape);
    let data = match a.data {
        Data::F32(v) => Data::F32(perm.iter().map(|&i| v[i]).collect()),
        Data::I32(v) => Data::I32(perm.iter().map(|&i| v[i]).collect()),
        Data::U8(v) => Data::U8(perm.iter().map(|&i| v[i]).collect()),
        Data::I8(v) => Data::I8(perm.iter().map(|&i| v[i]).collect()),
        Data::I16(v) => Data::I16(perm.iter().map(|&i| v[i]).collect()),
        Data::I64(v) => Data::I64(perm.iter().map(|&i| v[i]).collect()),
    };
    Array { shape, data }
}

/// For each C-order position, the index of that element in Fortran order.
fn c_order_permutation(shape: &[usize]) -> Vec<usize> {
    let n: usize = shape.iter().product();
    let mut fstride = vec![1usize; shape.len()];
    for k in 1..shape.len() {
        fstride[k] = fstride[k - 1] * shape[k - 1];
    }
    let mut idx = vec![0usize; shape.len()];
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        out.push(idx.iter().zip(&fstride).map(|(i, s)| i * s).sum());
        for k in (0..shape.len()).rev() {
            idx[k] += 1;
            if idx[k] < shape[k] {
                break;
            }
            idx[k] = 0;
        }
    }
    out
}

/// Serialises an array as `.npy` (`npyz` writes it: v1.0, C order).
///
/// # Errors
/// A message if the data and the shape disagree (they never do in an
/// [`Array`] built by its constructors).
pub fn to_npy_bytes(a: &Array) -> Result<Vec<u8>, String> {
    fn write<T: npyz::AutoSerialize + Copy>(shape: &[u64], v: &[T]) -> std::io::Result<Vec<u8>> {
        use npyz::WriterBuilder;
        let mut out = Vec::new();
        let mut w =
            npyz::WriteOptions::new().default_dtype().shape(shape).writer(&mut out).begin_nd()?;
        w.extend(v.iter().copied())?;
        w.finish()?;
        Ok(out)
    }
    let shape: Vec<u64> = a.shape.iter().map(|&d| d as u64).collect();
    match &a.data {
        Data::F32(v) => write(&shape, v),
        Data::I32(v) => write(&shape, v),
        Data::U8(v) => write(&shape, v),
        Data::I8(v) => write(&shape, v),
        Data::I16(v) => write(&shape, v),
        Data::I64(v) => write(&shape, v),
    }
    .map_err(|e| format!("cannot encode the array: {e}"))
}

/// Writes an array to an `.npy` file.
pub fn write_npy(path: impl AsRef<Path>, a: &Array) -> Result<(), String> {
    let path = path.as_ref();
    let mut f = std::fs::File::create(path)
        .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
    f.write_all(&to_npy_bytes(a)?).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_header(header: &str, body: &[u8]) -> Vec<u8> {
        let mut out = b"\x93NUMPY\x01\x00".to_vec();
        out.extend_from_slice(&(header.len() as u16).to_le_bytes());
        out.extend_from_slice(header.as_bytes());
        out.extend_from_slice(body);
        out
    }

    #[test]
    fn round_trip_and_fortran() {
        let a = Array::f32(vec![2, 3], vec![0., 1., 2., 3., 4., 5.]);
        assert_eq!(parse_npy(&to_npy_bytes(&a).unwrap()).unwrap(), a);
        // [[0,1,2],[3,4,5]] stored column by column, as np.asfortranarray writes it.
        let body: Vec<u8> =
            [0f32, 3., 1., 4., 2., 5.].iter().flat_map(|v| v.to_le_bytes()).collect();
        let f = with_header("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }\n", &body);
        assert_eq!(parse_npy(&f).unwrap(), a);
        let z = parse_npy(&with_header(
            "{'descr': '<i4', 'fortran_order': False, 'shape': (), }\n",
            &7i32.to_le_bytes(),
        ))
        .unwrap();
        assert_eq!(z, Array::i32(vec![], vec![7]));
        for a in [
            Array::i8(vec![2, 2], vec![-128, 0, 1, 127]),
            Array::i16(vec![3], vec![-32768, 5, 32767]),
            Array::i64(vec![], vec![i64::MIN]),
        ] {
            assert_eq!(parse_npy(&to_npy_bytes(&a).unwrap()).unwrap(), a);
        }
    }

    #[test]
    fn malformed_files_are_errors() {
        assert!(parse_npy(b"").is_err());
        assert!(parse_npy(b"\x93NUMPY\x01\x00\xff\xff{").is_err());
        let mut ok = to_npy_bytes(&Array::f32(vec![4], vec![1.0; 4])).unwrap();
        ok.truncate(ok.len() - 3);
        assert!(parse_npy(&ok).unwrap_err().contains("truncated"));
    }

    /// A structured dtype is refused before `npyz` parses it: its parser's
    /// time doubles with every level of brackets (19 levels took 2 s), so
    /// 40 levels would not end in this run were they parsed.
    #[test]
    fn nested_descriptors_are_refused_at_once() {
        let deep = format!("{}{}", "[".repeat(40), "]".repeat(40));
        // An empty array whose other dims overflow when multiplied.
        let h = "{'descr': '<i2', 'fortran_order': False, 'shape': (0, 566658968, 855110156658968, 855142), }\n";
        assert!(parse_npy(&with_header(h, &[])).unwrap_err().contains("too large"));
        let braces = "{".repeat(40);
        for descr in [deep.as_str(), braces.as_str(), "[('a', '<f4')]", "('<f4', (2,))"] {
            let h = format!("{{'descr': {descr}, 'fortran_order': False, 'shape': (1,), }}\n");
            let e = parse_npy(&with_header(&h, &[0; 16])).unwrap_err();
            assert!(e.contains("structured"), "{descr}: {e}");
        }
    }
}
