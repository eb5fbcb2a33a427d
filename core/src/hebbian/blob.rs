//! The blob formats of the networks ([`crate::blob`] is the container):
//! Hebbian coefficients ([`NetSpec`], kind [`KIND_HEBBIAN`]) and static
//! network weights ([`StaticNetSpec`], kind [`KIND_STATIC_NET`]).
//!
//! | kind | meta bytes | param | dims | values |
//! |---|---|---|---|---|
//! | [`KIND_HEBBIAN`] | rule id, sharing id, norm id, output activation id, arithmetic (0 f32, 1 Q15: the coefficients are for [`super::PlasticNetQ15`], folded and quantised when loaded), inputs (0 raw, 1 normalised by the environment's `OBS_SCALE`: [`super::Scaled`]), bias input (1: the last input is a constant 1, [`super::Scaled::with_bias`]), 0 | clamp bound (else 0) | layer sizes `[in, hidden…, out]` | [`coeff_len`] coefficients |
//! | [`KIND_STATIC_NET`] | output activation id, inputs (0 raw, 1 normalised), bias input (0 or 1), 0 × 5 | 0 | layer sizes | [`weight_len`] weights, layer after layer |

use super::network::{coeff_len, weight_len, NetConfig, PlasticMlp, Topology, MAX_SIZES};
use super::rule::{Norm, Rule, Sharing};
use crate::blob::{encode, Blob, Header, KIND_HEBBIAN, KIND_STATIC_NET, MAX_DIMS};
use crate::error::{check_len, Error};
use crate::nn::Activation;
use crate::rng::Rng;

const _: () = assert!(MAX_SIZES <= MAX_DIMS);

fn corrupt(reason: &'static str) -> Error {
    Error::CorruptBlob { reason }
}

/// The layer sizes a blob's dims give, checked by [`Topology::new`].
fn topology(blob: &Blob<'_>) -> Result<Topology, Error> {
    let mut sizes = [0usize; MAX_DIMS];
    let dims = blob.header.dims();
    for (s, &d) in sizes.iter_mut().zip(dims) {
        *s = d as usize;
    }
    Topology::new(sizes.get(..dims.len()).unwrap_or(&[]))
        .map_err(|_| corrupt("invalid layer sizes"))
}

/// A topology's sizes as blob dims.
fn header(kind: u16, meta: [u8; 8], param: f32, topology: &Topology) -> Result<Header, Error> {
    let mut dims = [0u32; MAX_DIMS];
    for (d, &s) in dims.iter_mut().zip(topology.sizes()) {
        *d = s as u32; // ≤ 65 536 (Topology::new)
    }
    Header::new(kind, meta, param, dims.get(..topology.sizes().len()).unwrap_or(&[]))
}

/// What a Hebbian coefficient blob describes: the network its coefficients
/// are for.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct NetSpec {
    /// The layer sizes.
    pub topology: Topology,
    /// Rule, sharing, norm and output activation.
    pub config: NetConfig,
    /// Coefficients evolved for the Q15 network ([`super::PlasticNetQ15`]).
    pub fixed_point: bool,
    /// The network sees its environment's observation times
    /// [`crate::env::Environment::OBS_SCALE`] ([`super::Scaled`]).
    pub normalized: bool,
    /// The network's last input is a constant 1 ([`super::Scaled::with_bias`]):
    /// its input size is the observation's plus one.
    pub bias: bool,
}

impl NetSpec {
    /// The spec of an f32 network with these layer sizes.
    ///
    /// # Errors
    /// As [`Topology::new`].
    pub fn new(sizes: &[usize], config: NetConfig) -> Result<Self, Error> {
        Ok(NetSpec {
            topology: Topology::new(sizes)?,
            config,
            fixed_point: false,
            normalized: false,
            bias: false,
        })
    }

    /// Number of coefficients the network needs ([`coeff_len`]).
    pub fn coeff_len(&self) -> usize {
        coeff_len(self.topology.sizes(), self.config.rule, self.config.sharing)
    }

    /// Reads the spec of a [`KIND_HEBBIAN`] blob.
    ///
    /// # Errors
    /// [`Error::CorruptBlob`] if the kind is not [`KIND_HEBBIAN`], an id is
    /// unknown, the sizes are invalid or the value count is not
    /// [`NetSpec::coeff_len`].
    pub fn parse(blob: &Blob<'_>) -> Result<Self, Error> {
        if blob.header.kind != KIND_HEBBIAN {
            return Err(corrupt("not a Hebbian coefficient blob"));
        }
        let m = blob.header.meta;
        let bad = |_| corrupt("unknown rule, sharing, norm or activation id");
        let config = NetConfig {
            rule: Rule::from_id(m[0]).map_err(bad)?,
            sharing: Sharing::from_id(m[1]).map_err(bad)?,
            norm: Norm::from_id(m[2], blob.header.param).map_err(bad)?,
            output: Activation::from_id(m[3]).map_err(bad)?,
        };
        let spec = NetSpec {
            topology: topology(blob)?,
            config,
            fixed_point: m[4] == 1,
            normalized: m[5] == 1,
            bias: m[6] == 1,
        };
        if spec.coeff_len() != blob.len() {
            return Err(corrupt("coefficient count does not fit the layer sizes and rule"));
        }
        Ok(spec)
    }

    /// The blob header of this spec.
    ///
    /// # Errors
    /// None in practice: a [`Topology`] has at most [`MAX_DIMS`] sizes.
    pub fn header(&self) -> Result<Header, Error> {
        let c = self.config;
        let meta = [
            c.rule.id(),
            c.sharing.id(),
            c.norm.id(),
            c.output.id(),
            self.fixed_point as u8,
            self.normalized as u8,
            self.bias as u8,
            0,
        ];
        header(KIND_HEBBIAN, meta, c.norm.param(), &self.topology)
    }

    /// Writes a blob of `coeffs` into `out`; returns the bytes written
    /// ([`crate::blob::encoded_len`]).
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] if `coeffs` is not [`NetSpec::coeff_len`]
    /// long or `out` is too short (nothing written).
    pub fn encode(&self, coeffs: &[f32], out: &mut [u8]) -> Result<usize, Error> {
        check_len("coeffs", self.coeff_len(), coeffs.len())?;
        encode(&self.header()?, coeffs, out)
    }
}

/// What a static network blob describes: layer sizes and output activation
/// (hidden layers are tanh).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct StaticNetSpec {
    /// The layer sizes.
    pub topology: Topology,
    /// The output activation.
    pub output: Activation,
    /// The network sees its environment's observation times
    /// [`crate::env::Environment::OBS_SCALE`] ([`super::Scaled`]).
    pub normalized: bool,
    /// The network's last input is a constant 1 ([`super::Scaled::with_bias`]).
    pub bias: bool,
}

impl StaticNetSpec {
    /// The spec of a static network with these layer sizes.
    ///
    /// # Errors
    /// As [`Topology::new`].
    pub fn new(sizes: &[usize], output: Activation) -> Result<Self, Error> {
        Ok(StaticNetSpec {
            topology: Topology::new(sizes)?,
            output,
            normalized: false,
            bias: false,
        })
    }

    /// Reads the spec of a [`KIND_STATIC_NET`] blob.
    ///
    /// # Errors
    /// [`Error::CorruptBlob`] if the kind is not [`KIND_STATIC_NET`], the
    /// activation id is unknown, the sizes are invalid or the value count is
    /// not [`weight_len`] of them.
    pub fn parse(blob: &Blob<'_>) -> Result<Self, Error> {
        if blob.header.kind != KIND_STATIC_NET {
            return Err(corrupt("not a static network blob"));
        }
        let output = Activation::from_id(blob.header.meta[0])
            .map_err(|_| corrupt("unknown activation id"))?;
        let topology = topology(blob)?;
        if weight_len(topology.sizes()) != blob.len() {
            return Err(corrupt("weight count does not fit the layer sizes"));
        }
        let m = blob.header.meta;
        Ok(StaticNetSpec { topology, output, normalized: m[1] == 1, bias: m[2] == 1 })
    }

    /// The blob header of this spec.
    ///
    /// # Errors
    /// None in practice: a [`Topology`] has at most [`MAX_DIMS`] sizes.
    pub fn header(&self) -> Result<Header, Error> {
        let meta = [self.output.id(), self.normalized as u8, self.bias as u8, 0, 0, 0, 0, 0];
        header(KIND_STATIC_NET, meta, 0.0, &self.topology)
    }

    /// Writes a blob of `weights` into `out`; returns the bytes written.
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] if `weights` is not [`weight_len`] long or
    /// `out` is too short (nothing written).
    pub fn encode(&self, weights: &[f32], out: &mut [u8]) -> Result<usize, Error> {
        check_len("weights", weight_len(self.topology.sizes()), weights.len())?;
        encode(&self.header()?, weights, out)
    }
}

impl<'a, const IN: usize, const H: usize, const OUT: usize> PlasticMlp<'a, IN, H, OUT> {
    /// Builds the network from a coefficient blob (first weights from `rng`) (`plasticore evolve`
    /// writes them; on a board, `include_bytes!` data in flash), decoding the
    /// coefficients into `coeffs`, which must hold exactly as many as the
    /// blob's rule and sharing need for `[IN, H, OUT]`.
    ///
    /// # Errors
    /// [`Error::CorruptBlob`] (bad bytes, not a Hebbian blob, or a
    /// fixed-point blob, which is for [`super::PlasticNetQ15`], or one for normalised inputs,
    /// which needs [`super::Scaled`] around the network);
    /// [`Error::ShapeMismatch`] naming the layer whose size differs (the
    /// blob's and this type's), or the coefficient count.
    ///
    /// ```
    /// use plasticore::blob::Blob;
    /// use plasticore::hebbian::{Activation, NetConfig, NetSpec, Norm, PlasticMlp, Rule, Sharing};
    /// use plasticore::rng::Rng;
    /// let config = NetConfig { rule: Rule::A, sharing: Sharing::PerLayer, norm: Norm::None, output: Activation::Tanh };
    /// let mut bytes = [0u8; 64];
    /// let n = NetSpec::new(&[4, 8, 1], config).unwrap().encode(&[0.1, 0.2], &mut bytes).unwrap();
    /// let blob = Blob::parse(&bytes[..n]).unwrap();
    /// let (mut coeffs, mut rng) = ([0.0; 2], Rng::new(1));
    /// assert!(PlasticMlp::<4, 8, 1>::from_blob(&blob, &mut coeffs, &mut rng).is_ok());
    /// // A blob for another network size is refused, naming both sizes.
    /// let e = PlasticMlp::<4, 16, 1>::from_blob(&blob, &mut coeffs, &mut rng).unwrap_err();
    /// assert_eq!(e.to_string(), "blob's hidden layer size: expected length 16, found 8");
    /// ```
    pub fn from_blob(blob: &Blob<'_>, coeffs: &'a mut [f32], rng: &mut Rng) -> Result<Self, Error> {
        let NetSpec { topology, config, fixed_point, normalized, bias } = NetSpec::parse(blob)?;
        if fixed_point {
            return Err(Error::CorruptBlob {
                reason: "a fixed-point (Q15) network's blob, not an f32 one",
            });
        }
        if normalized || bias {
            return Err(Error::CorruptBlob {
                reason: "a network with normalised inputs or a bias input: build it with PlasticMlp::new and wrap it in hebbian::Scaled",
            });
        }
        check_len("blob's number of layer sizes", 3, topology.sizes().len())?;
        let what = ["blob's input size", "blob's hidden layer size", "blob's output size"];
        for ((what, want), &got) in what.into_iter().zip([IN, H, OUT]).zip(topology.sizes()) {
            check_len(what, want, got)?;
        }
        check_len("coeffs (the blob's values)", blob.len(), coeffs.len())?;
        blob.read_into(coeffs)?;
        Self::new(coeffs, config, rng)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: NetConfig = NetConfig {
        rule: Rule::ABCDLr,
        sharing: Sharing::PerPostNeuron,
        norm: Norm::Clamp(2.5),
        output: Activation::Tanh,
    };

    #[test]
    fn net_spec_round_trips() {
        let spec = NetSpec::new(&[4, 3, 1], CONFIG).unwrap();
        // ABCD_lr per post-neuron: 5 coefficients for each of 3 + 1 post-neurons.
        assert_eq!(spec.coeff_len(), 20);
        let vals: [f32; 20] = core::array::from_fn(|i| i as f32 * 0.5 - 3.0);
        let mut buf = [0u8; 256];
        let n = spec.encode(&vals, &mut buf).unwrap();
        let blob = Blob::parse(&buf[..n]).unwrap();
        let back = NetSpec::parse(&blob).unwrap();
        assert_eq!(back, spec);
        assert_eq!(back.topology.sizes(), &[4, 3, 1]);
        assert_eq!(back.config.norm, Norm::Clamp(2.5));
        assert!(!back.fixed_point);
        let q15 = NetSpec { fixed_point: true, ..spec };
        let n = q15.encode(&vals, &mut buf).unwrap();
        assert!(NetSpec::parse(&Blob::parse(&buf[..n]).unwrap()).unwrap().fixed_point);
        assert!(spec.encode(&vals[..19], &mut buf).is_err());
        // Normalised inputs: meta byte 5, and for a static network meta byte 1.
        let norm = NetSpec { normalized: true, ..spec };
        let n = norm.encode(&vals, &mut buf).unwrap();
        assert_eq!(buf[8 + 5], 1, "meta[5] follows magic, version and kind");
        assert_eq!(NetSpec::parse(&Blob::parse(&buf[..n]).unwrap()).unwrap(), norm);
        let st = StaticNetSpec {
            normalized: true,
            ..StaticNetSpec::new(&[2, 2], CONFIG.output).unwrap()
        };
        let n = st.encode(&[0.5; 4], &mut buf).unwrap();
        assert_eq!(StaticNetSpec::parse(&Blob::parse(&buf[..n]).unwrap()).unwrap(), st);
    }

    #[test]
    fn a_normalised_blob_is_not_loaded_as_a_raw_network() {
        let spec = NetSpec { normalized: true, ..NetSpec::new(&[4, 2, 1], CONFIG).unwrap() };
        let vals = [0.1f32; 15];
        let mut buf = [0u8; 256];
        let n = spec.encode(&vals, &mut buf).unwrap();
        let blob = Blob::parse(&buf[..n]).unwrap();
        let mut coeffs = [0.0f32; 15];
        let e = PlasticMlp::<4, 2, 1>::from_blob(&blob, &mut coeffs, &mut Rng::new(1)).unwrap_err();
        assert!(matches!(e, Error::CorruptBlob { reason } if reason.contains("Scaled")), "{e}");
    }

    #[test]
    fn the_bias_flag_round_trips_at_its_meta_byte() {
        let mut buf = [0u8; 256];
        let spec = NetSpec { bias: true, ..NetSpec::new(&[4, 2, 1], CONFIG).unwrap() };
        let n = spec.encode(&[0.1f32; 15], &mut buf).unwrap();
        let blob = Blob::parse(&buf[..n]).unwrap();
        assert_eq!(blob.header.meta[6], 1);
        assert_eq!(NetSpec::parse(&blob).unwrap(), spec);
        let e =
            PlasticMlp::<4, 2, 1>::from_blob(&blob, &mut [0.0; 15], &mut Rng::new(1)).unwrap_err();
        assert!(matches!(e, Error::CorruptBlob { reason } if reason.contains("bias")), "{e}");
        let st =
            StaticNetSpec { bias: true, ..StaticNetSpec::new(&[3, 2], Activation::Tanh).unwrap() };
        let n = st.encode(&[1.0; 6], &mut buf).unwrap();
        let blob = Blob::parse(&buf[..n]).unwrap();
        assert_eq!(blob.header.meta[2], 1);
        assert_eq!(StaticNetSpec::parse(&blob).unwrap(), st);
    }

    #[test]
    fn wrong_kind_ids_and_counts_are_corrupt() {
        let mut buf = [0u8; 256];
        // A static network blob is not a Hebbian one, and the other way round.
        let st = StaticNetSpec::new(&[2, 2], Activation::Linear).unwrap();
        let n = st.encode(&[1.0; 4], &mut buf).unwrap();
        let blob = Blob::parse(&buf[..n]).unwrap();
        assert_eq!(StaticNetSpec::parse(&blob).unwrap(), st);
        assert!(matches!(NetSpec::parse(&blob), Err(Error::CorruptBlob { .. })));
        // An unknown rule id, and a count that does not fit.
        let h = Header::new(KIND_HEBBIAN, [99, 0, 0, 0, 0, 0, 0, 0], 0.0, &[2, 2]).unwrap();
        let n = encode(&h, &[0.0; 4], &mut buf).unwrap();
        let e = NetSpec::parse(&Blob::parse(&buf[..n]).unwrap()).unwrap_err();
        assert!(matches!(e, Error::CorruptBlob { .. }));
        let spec = NetSpec::new(&[2, 2], CONFIG).unwrap();
        let h = spec.header().unwrap();
        let n = encode(&h, &[0.0; 3], &mut buf).unwrap();
        assert!(NetSpec::parse(&Blob::parse(&buf[..n]).unwrap()).is_err());
        let h = Header::new(KIND_STATIC_NET, [0; 8], 0.0, &[2, 0]).unwrap();
        let n = encode(&h, &[], &mut buf).unwrap();
        assert!(StaticNetSpec::parse(&Blob::parse(&buf[..n]).unwrap()).is_err());
    }
}
