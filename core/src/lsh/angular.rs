//! Reformer's angular LSH (Kitaev et al. 2020, §2): with a random projection
//! R of shape [d, b/2], h(x) = argmax over concat(xR, −xR), a bucket in [0, b).
//! Several rounds use independent R's. Ties go to the first index.

use crate::error::{check_len, check_nonempty, Error};

/// Bucket of `x` (length `d`) for one round.
///
/// `rot` holds the round's projection, element (i, j) of R at `rot[i * stride + j]`
/// for i < d, j < half (so a `[d, rounds, half]` tensor is read with
/// `stride = rounds * half` starting at offset `r * half`). The result is in
/// `[0, 2·half)`: j if (xR)_j is the maximum, half + j if −(xR)_j is.
///
/// Errors: empty `x` or `half == 0`, or `rot` too short for `d` rows of `stride`.
pub fn angular_bucket(x: &[f32], rot: &[f32], stride: usize, half: usize) -> Result<u32, Error> {
    let d = x.len();
    check_nonempty("x", d)?;
    check_nonempty("half", half)?;
    if stride < half {
        return Err(Error::InvalidArgument {
            what: "stride",
            expected: "stride >= half",
        });
    }
    let need = (d - 1) * stride + half;
    if rot.len() < need {
        check_len("rotations", need, rot.len())?;
    }
    let mut best = f32::NEG_INFINITY;
    let mut arg = 0u32;
    // Positive half first, then the negated half: the first maximum wins.
    for sign in [1.0f32, -1.0] {
        for j in 0..half {
            let mut s = 0.0f32;
            for (i, &xi) in x.iter().enumerate() {
                s += xi * rot[i * stride + j];
            }
            let v = sign * s;
            let idx = if sign > 0.0 { j } else { half + j } as u32;
            if v > best || (idx == 0 && v == best) {
                best = v;
                arg = idx;
            }
        }
    }
    Ok(arg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_is_argmax_of_concat() {
        // d = 2, half = 2: R = [[1, 0], [0, 1]] -> xR = x.
        let rot = [1.0, 0.0, 0.0, 1.0];
        assert_eq!(angular_bucket(&[3.0, 1.0], &rot, 2, 2), Ok(0));
        assert_eq!(angular_bucket(&[1.0, 3.0], &rot, 2, 2), Ok(1));
        assert_eq!(angular_bucket(&[-3.0, 1.0], &rot, 2, 2), Ok(2));
        assert_eq!(angular_bucket(&[1.0, -3.0], &rot, 2, 2), Ok(3));
        // A tie between j = 0 and j = 1 goes to the first.
        assert_eq!(angular_bucket(&[2.0, 2.0], &rot, 2, 2), Ok(0));
    }

    #[test]
    fn bad_shapes_are_errors() {
        assert!(angular_bucket(&[], &[1.0], 1, 1).is_err());
        assert!(angular_bucket(&[1.0, 2.0], &[1.0, 2.0], 2, 2).is_err());
        assert!(angular_bucket(&[1.0], &[1.0], 1, 0).is_err());
    }
}
