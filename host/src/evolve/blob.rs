//! The evolved network as a parameter blob: encoding and decoding.

use std::path::Path;

use anyhow::{Context, Result};
use plasticore::blob::{self, Blob};
use plasticore::hebbian::{coeff_len, weight_len, Activation, NetConfig, NetSpec, StaticNetSpec};

use crate::envs::Model;

/// Encodes a Hebbian coefficient blob.
pub fn blob_bytes(sizes: &[usize], config: &NetConfig, coeffs: &[f32]) -> Result<Vec<u8>> {
    blob_bytes_on(sizes, config, false, false, false, coeffs)
}

/// The checksum a blob ends with (the CRC-32 of every byte before it), as
/// the `evolve-on-device` firmware logs it; 0 for fewer than 4 bytes.
pub fn blob_checksum(bytes: &[u8]) -> u32 {
    let tail = bytes.len().checked_sub(4).and_then(|n| bytes.get(n..));
    tail.and_then(|t| t.try_into().ok()).map_or(0, u32::from_le_bytes)
}

/// Encodes a Hebbian coefficient blob for the f32 or (`q15`) the fixed-point
/// network, with raw or `normalized` inputs, with or without a `bias` input.
pub fn blob_bytes_on(
    sizes: &[usize],
    config: &NetConfig,
    q15: bool,
    normalized: bool,
    bias: bool,
    coeffs: &[f32],
) -> Result<Vec<u8>> {
    let spec = NetSpec {
        fixed_point: q15,
        normalized,
        bias,
        ..NetSpec::new(sizes, *config).map_err(|e| anyhow::anyhow!("{e}"))?
    };
    let want = coeff_len(sizes, config.rule, config.sharing);
    anyhow::ensure!(
        coeffs.len() == want,
        "coeffs: {} values, but layer sizes {sizes:?} with rule {} and sharing {} take {want}",
        coeffs.len(),
        config.rule.name(),
        config.sharing.name()
    );
    let mut out = vec![0u8; blob::encoded_len(sizes.len(), coeffs.len())];
    spec.encode(coeffs, &mut out).map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(out)
}

/// Encodes a static network weight blob, with raw or `normalized` inputs,
/// with or without a `bias` input.
pub fn static_blob_bytes(
    sizes: &[usize],
    output: Activation,
    normalized: bool,
    bias: bool,
    weights: &[f32],
) -> Result<Vec<u8>> {
    let spec = StaticNetSpec {
        normalized,
        bias,
        ..StaticNetSpec::new(sizes, output).map_err(|e| anyhow::anyhow!("{e}"))?
    };
    let want = weight_len(sizes);
    anyhow::ensure!(
        weights.len() == want,
        "weights: {} values, but layer sizes {sizes:?} take {want}",
        weights.len()
    );
    let mut out = vec![0u8; blob::encoded_len(sizes.len(), weights.len())];
    spec.encode(weights, &mut out).map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(out)
}

/// The blob of an evolved vector: Hebbian coefficients, or static weights.
pub fn model_blob_bytes(sizes: &[usize], model: &Model) -> Result<Vec<u8>> {
    match model {
        Model::Plastic { config, q15, coeffs, normalized, bias } => {
            blob_bytes_on(sizes, config, *q15, *normalized, *bias, coeffs)
        }
        Model::Static { output, weights, normalized, bias } => {
            static_blob_bytes(sizes, *output, *normalized, *bias, weights)
        }
    }
}

/// Decodes a Hebbian coefficient blob or a static network blob: sizes and model.
pub fn parse_model(bytes: &[u8]) -> Result<(Vec<usize>, Model)> {
    let b = Blob::parse(bytes).map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut values = vec![0.0; b.len()];
    b.read_into(&mut values).map_err(|e| anyhow::anyhow!("{e}"))?;
    if b.header.kind == blob::KIND_STATIC_NET {
        let spec = StaticNetSpec::parse(&b).map_err(|e| anyhow::anyhow!("{e}"))?;
        let output = spec.output;
        return Ok((
            spec.topology.sizes().to_vec(),
            Model::Static { output, weights: values, normalized: spec.normalized, bias: spec.bias },
        ));
    }
    let spec = NetSpec::parse(&b).map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok((
        spec.topology.sizes().to_vec(),
        Model::Plastic {
            config: spec.config,
            q15: spec.fixed_point,
            coeffs: values,
            normalized: spec.normalized,
            bias: spec.bias,
        },
    ))
}

/// Reads a Hebbian coefficient blob: sizes, config, coefficients.
pub fn read_blob(path: &Path) -> Result<(Vec<usize>, NetConfig, Vec<f32>)> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    parse_blob(&bytes).with_context(|| format!("{}", path.display()))
}

/// Decodes a Hebbian coefficient blob from bytes.
pub fn parse_blob(bytes: &[u8]) -> Result<(Vec<usize>, NetConfig, Vec<f32>)> {
    let b = Blob::parse(bytes).map_err(|e| anyhow::anyhow!("{e}"))?;
    let spec = NetSpec::parse(&b).map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut c = vec![0.0; b.len()];
    b.read_into(&mut c).map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok((spec.topology.sizes().to_vec(), spec.config, c))
}
