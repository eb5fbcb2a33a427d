//! Parameter blobs, the plastic network, and episodes in the environments.

use std::collections::BTreeMap;

use numpy::{IntoPyArray, PyArray1, PyReadonlyArray1};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};

use plasticore::hebbian::{act_len, weight_len, Activation, NetConfig, PlasticNet as CoreNet};
use plasticore_host::envs::{
    run_episodes_par, DynamicsSpec, EnvName, Model, RandomizeSpec, Scenario,
};
use plasticore_host::evolve::{self as ev, EvolveOptions};
use plasticore_host::limits::{check_count, check_network, MAX_EPISODES};

use crate::registry::param_text;
use crate::{anyhow_err, err};

fn activation_name(a: Activation) -> &'static str {
    match a {
        Activation::Linear => "linear",
        Activation::Tanh => "tanh",
        Activation::Relu => "relu",
        Activation::Gelu => "gelu",
    }
}

fn norm_name(n: plasticore::hebbian::Norm) -> String {
    match n {
        plasticore::hebbian::Norm::None => "none".into(),
        plasticore::hebbian::Norm::MaxAbs => "maxabs".into(),
        plasticore::hebbian::Norm::Clamp(c) => format!("clamp:{c}"),
    }
}

fn network_config(rule: &str, sharing: &str, norm: &str, output: &str) -> PyResult<NetConfig> {
    let opts = EvolveOptions {
        rule: rule.into(),
        sharing: sharing.into(),
        norm: norm.into(),
        output: output.into(),
        ..EvolveOptions::default()
    };
    opts.config().map_err(anyhow_err)
}

/// A versioned, checksummed parameter file: Hebbian coefficients (f32 or
/// the Q15 network) or the weights of a static network, with the layer
/// sizes and the configuration they belong to. `bytes()` is what the
/// firmware reads from flash and `plasticore simulate --coeffs` reads.
#[pyclass(module = "plasticore")]
#[derive(Clone)]
pub(crate) struct Blob {
    pub(crate) sizes: Vec<usize>,
    pub(crate) model: Model,
}

#[pymethods]
impl Blob {
    /// Hebbian coefficients `coeffs` for a plastic network of layer `sizes`.
    /// `network` is `"f32"` or `"q15"` (the fixed-point network, coefficients
    /// folded and quantised when it runs); `normalized`: the network sees the
    /// observation times its environment's `OBS_SCALE` (`evaluate` applies it);
    /// `bias`: the network's last input is a constant 1 (its first size is
    /// the observation's plus one).
    #[staticmethod]
    #[pyo3(signature = (sizes, coeffs, rule = "ABCD_lr", sharing = "synapse", norm = "maxabs", output = "tanh", network = "f32", normalized = false, bias = false))]
    #[allow(clippy::too_many_arguments)]
    fn plastic(
        sizes: Vec<usize>,
        coeffs: PyReadonlyArray1<'_, f32>,
        rule: &str,
        sharing: &str,
        norm: &str,
        output: &str,
        network: &str,
        normalized: bool,
        bias: bool,
    ) -> PyResult<Self> {
        let config = network_config(rule, sharing, norm, output)?;
        let q15 = match network {
            "f32" => false,
            "q15" => true,
            n => return Err(err(format!("network '{n}': expected f32 or q15"))),
        };
        let b = Blob {
            sizes,
            model: Model::Plastic {
                config,
                q15,
                coeffs: coeffs.as_array().to_vec(),
                normalized,
                bias,
            },
        };
        b.bytes_vec()?;
        Ok(b)
    }
    /// The weights of a static network of layer `sizes`, layer after layer
    /// (`normalized` and `bias` as for `plastic`).
    #[staticmethod]
    #[pyo3(signature = (sizes, weights, output = "tanh", normalized = false, bias = false))]
    fn static_net(
        sizes: Vec<usize>,
        weights: PyReadonlyArray1<'_, f32>,
        output: &str,
        normalized: bool,
        bias: bool,
    ) -> PyResult<Self> {
        let output = network_config("ABCD_lr", "synapse", "none", output)?.output;
        let weights = weights.as_array().to_vec();
        let b = Blob { sizes, model: Model::Static { output, weights, normalized, bias } };
        b.bytes_vec()?;
        Ok(b)
    }
    /// Decodes a blob (bytes); refuses a corrupt one with the reason.
    #[staticmethod]
    fn parse(data: &[u8]) -> PyResult<Self> {
        let (sizes, model) = ev::parse_model(data).map_err(anyhow_err)?;
        Ok(Blob { sizes, model })
    }
    /// Reads a blob file.
    #[staticmethod]
    fn read(path: std::path::PathBuf) -> PyResult<Self> {
        let bytes =
            std::fs::read(&path).map_err(|e| err(format!("reading {}: {e}", path.display())))?;
        let (sizes, model) =
            ev::parse_model(&bytes).map_err(|e| err(format!("{}: {e:#}", path.display())))?;
        Ok(Blob { sizes, model })
    }
    /// The encoded blob.
    fn bytes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        Ok(PyBytes::new(py, &self.bytes_vec()?))
    }
    /// The Rust source the firmware compiles in: the values as a `static`
    /// (flash), sizes and configuration as `const`s, bit-exact — what
    /// `plasticore evolve` writes beside its blob. The adaptive controller
    /// builds with it when `PLASTICORE_PLASTIC_RS` names the file.
    #[pyo3(signature = (note = ""))]
    fn rust_source(&self, note: &str) -> String {
        let source = match &self.model {
            Model::Plastic { config, coeffs, .. } => {
                ev::rust_source(&self.sizes, config, coeffs, note)
            }
            Model::Static { output, weights, .. } => {
                ev::static_rust_source(&self.sizes, *output, weights, note)
            }
        };
        ev::mark_normalized(source, self.model.normalized(), self.model.bias())
    }
    /// Writes the encoded blob to `path`.
    fn write(&self, path: std::path::PathBuf) -> PyResult<()> {
        std::fs::write(&path, self.bytes_vec()?)
            .map_err(|e| err(format!("writing {}: {e}", path.display())))
    }
    /// Layer sizes, inputs first.
    #[getter]
    fn sizes(&self) -> Vec<usize> {
        self.sizes.clone()
    }
    /// Whether the network takes normalised inputs (its environment's `OBS_SCALE`).
    #[getter]
    fn normalized(&self) -> bool {
        self.model.normalized()
    }
    /// Whether the network's last input is a constant 1 (a bias).
    #[getter]
    fn bias(&self) -> bool {
        self.model.bias()
    }
    /// `"plastic"` or `"static"`.
    #[getter]
    fn kind(&self) -> &'static str {
        match self.model {
            Model::Plastic { .. } => "plastic",
            Model::Static { .. } => "static",
        }
    }
    /// `"f32"` or `"q15"` (a static network is always f32).
    #[getter]
    fn network(&self) -> &'static str {
        match self.model {
            Model::Plastic { q15: true, .. } => "q15",
            _ => "f32",
        }
    }
    /// The values: coefficients, or weights.
    #[getter]
    fn values<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f32>> {
        match &self.model {
            Model::Plastic { coeffs, .. } => coeffs.clone().into_pyarray(py),
            Model::Static { weights, .. } => weights.clone().into_pyarray(py),
        }
    }
    /// The network configuration: rule, sharing, norm, output (a static
    /// network has only an output).
    #[getter]
    fn config(&self) -> BTreeMap<&'static str, String> {
        let mut m = BTreeMap::new();
        match &self.model {
            Model::Plastic { config, .. } => {
                m.insert("rule", config.rule.name().to_string());
                m.insert("sharing", config.sharing.name().to_string());
                m.insert("norm", norm_name(config.norm));
                m.insert("output", activation_name(config.output).to_string());
            }
            Model::Static { output, .. } => {
                m.insert("output", activation_name(*output).to_string());
            }
        }
        m
    }
    fn __eq__(&self, other: &Blob) -> bool {
        self.sizes == other.sizes && self.model == other.model
    }
    fn __repr__(&self) -> String {
        format!(
            "Blob({} {} network, sizes {:?}, {} values)",
            self.network(),
            self.kind(),
            self.sizes,
            match &self.model {
                Model::Plastic { coeffs, .. } => coeffs.len(),
                Model::Static { weights, .. } => weights.len(),
            }
        )
    }
}

impl Blob {
    fn bytes_vec(&self) -> PyResult<Vec<u8>> {
        ev::model_blob_bytes(&self.sizes, &self.model).map_err(anyhow_err)
    }
}

/// A plastic (Hebbian ABCD) network stepped one observation at a time:
/// weights drawn from U(−0.1, 0.1) at `reset(seed)`, updated by the evolved
/// rule after every forward pass — the same arithmetic as the board.
#[pyclass(module = "plasticore")]
pub(crate) struct PlasticNet {
    sizes: Vec<usize>,
    config: NetConfig,
    coeffs: Vec<f32>,
    weights: Vec<f32>,
    acts: Vec<f32>,
}

impl PlasticNet {
    /// The core's network over the buffers this object owns (drawn by
    /// `reset`).
    fn net(&mut self) -> PyResult<CoreNet<'_>> {
        CoreNet::reopen(&self.sizes, self.config, &self.coeffs, &mut self.weights, &mut self.acts)
            .map_err(err)
    }
}

#[pymethods]
impl PlasticNet {
    /// The f32 plastic network of a Hebbian blob; weights from `reset(seed)`.
    #[new]
    #[pyo3(signature = (blob, seed = 0))]
    fn new(blob: &Blob, seed: u64) -> PyResult<Self> {
        let Model::Plastic { config, q15, coeffs, normalized, bias } = &blob.model else {
            return Err(err("PlasticNet: the blob holds a static network"));
        };
        if *q15 {
            return Err(err("PlasticNet: the blob is for the Q15 network; evaluate() runs it"));
        }
        if *normalized || *bias {
            return Err(err(
                "PlasticNet: the blob's network takes normalised inputs (its environment's \
                 OBS_SCALE) or a bias input; evaluate() runs it",
            ));
        }
        check_network(&blob.sizes).map_err(|e| err(format!("PlasticNet: {e}")))?;
        let mut n = PlasticNet {
            sizes: blob.sizes.clone(),
            config: *config,
            coeffs: coeffs.clone(),
            weights: vec![0.0; weight_len(&blob.sizes)],
            acts: vec![0.0; act_len(&blob.sizes)],
        };
        n.reset(seed)?;
        Ok(n)
    }
    /// New random weights from `seed` (`Rng(seed)`), activations zeroed.
    fn reset(&mut self, seed: u64) -> PyResult<()> {
        let mut rng = plasticore::rng::Rng::new(seed);
        CoreNet::new(
            &self.sizes,
            self.config,
            &self.coeffs,
            &mut self.weights,
            &mut self.acts,
            &mut rng,
        )
        .map_err(err)?;
        Ok(())
    }
    /// One step: forward pass on `obs` (`[inputs]`, float32), then the
    /// Hebbian update. Returns the outputs.
    fn step<'py>(
        &mut self,
        py: Python<'py>,
        obs: PyReadonlyArray1<'py, f32>,
    ) -> PyResult<Bound<'py, PyArray1<f32>>> {
        let x = obs.as_array().to_vec();
        let mut net = self.net()?;
        let y = net.step(&x).map_err(err)?.to_vec();
        Ok(y.into_pyarray(py))
    }
    /// The weights, layer after layer (a copy).
    #[getter]
    fn weights<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray1<f32>> {
        self.weights.clone().into_pyarray(py)
    }
    /// FNV-1a of the weights' bits, as the board prints it.
    fn weights_checksum(&self) -> u32 {
        plasticore::checksum::fnv1a_f32(plasticore::checksum::FNV_OFFSET, &self.weights)
    }
}

fn env_name(env: &str) -> PyResult<EnvName> {
    plasticore_host::envs::parse_env(env).map_err(anyhow_err)
}

/// `{"key": value}` as the CLI's `key=value,...`.
fn spec_text(d: Option<&Bound<'_, PyDict>>) -> PyResult<String> {
    let mut parts = vec![];
    if let Some(d) = d {
        for (k, v) in d.iter() {
            parts.push(format!("{}={}", k.str()?.to_str()?, param_text(&v)?));
        }
    }
    Ok(parts.join(","))
}

fn scenario(
    env: EnvName,
    dynamics: Option<&Bound<'_, PyDict>>,
    randomize: Option<&Bound<'_, PyDict>>,
) -> PyResult<Scenario> {
    let mut ranges = vec![];
    if let Some(r) = randomize {
        for (k, v) in r.iter() {
            let (lo, hi): (f32, f32) = v.extract()?;
            ranges.push(format!("{}={lo}:{hi}", k.str()?.to_str()?));
        }
    }
    Ok(Scenario {
        dynamics: DynamicsSpec::parse(env, &spec_text(dynamics)?).map_err(anyhow_err)?,
        randomize: RandomizeSpec::parse(env, &ranges.join(",")).map_err(anyhow_err)?,
        change: None,
    })
}

fn run_seeds(
    py: Python<'_>,
    env: &str,
    coeffs: &Blob,
    seeds: Vec<u64>,
    dynamics: Option<&Bound<'_, PyDict>>,
    randomize: Option<&Bound<'_, PyDict>>,
) -> PyResult<Vec<plasticore::hebbian::Outcome>> {
    let env = env_name(env)?;
    let scenario = scenario(env, dynamics, randomize)?;
    check_count("episodes", seeds.len(), MAX_EPISODES).map_err(err)?;
    let (sizes, model) = (&coeffs.sizes, &coeffs.model);
    py.detach(|| run_episodes_par(env, sizes, model, &scenario, &seeds)).map_err(anyhow_err)
}

/// Returns of `episodes` episodes of the network in `coeffs` (a [`Blob`]) in
/// `env` (cartpole, acrobot, pendulum, mountaincar), episode `i` with seed
/// `seed + i` and fresh random weights: the same as `plasticore simulate`.
/// `dynamics` replaces nominal parameters (`{"length": 1.0}`), `randomize`
/// draws them per episode (`{"length": (0.5, 1.5)}`).
#[pyfunction]
#[pyo3(signature = (env, coeffs, episodes, seed = 0, dynamics = None, randomize = None))]
pub(crate) fn evaluate<'py>(
    py: Python<'py>,
    env: &str,
    coeffs: &Blob,
    episodes: usize,
    seed: u64,
    dynamics: Option<&Bound<'py, PyDict>>,
    randomize: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyArray1<f32>>> {
    check_count("episodes", episodes, MAX_EPISODES).map_err(err)?;
    let seeds = (0..episodes as u64).map(|i| seed.wrapping_add(i)).collect();
    let eps = run_seeds(py, env, coeffs, seeds, dynamics, randomize)?;
    Ok(eps.iter().map(|e| e.ret).collect::<Vec<f32>>().into_pyarray(py))
}

/// One episode per seed of `seeds`, as [`evaluate`], with what the board
/// prints for each: `{"returns", "steps", "weights_checksums"}` (FNV-1a of
/// the final weights' bits).
#[pyfunction]
#[pyo3(signature = (env, coeffs, seeds, dynamics = None, randomize = None))]
pub(crate) fn episodes<'py>(
    py: Python<'py>,
    env: &str,
    coeffs: &Blob,
    seeds: Vec<u64>,
    dynamics: Option<&Bound<'py, PyDict>>,
    randomize: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyDict>> {
    let eps = run_seeds(py, env, coeffs, seeds, dynamics, randomize)?;
    let d = PyDict::new(py);
    let ret: Vec<f32> = eps.iter().map(|e| e.ret).collect();
    let steps: Vec<u32> = eps.iter().map(|e| e.steps).collect();
    let sums: Vec<u32> = eps.iter().map(|e| e.weights_checksum).collect();
    d.set_item("returns", ret.into_pyarray(py))?;
    d.set_item("steps", steps.into_pyarray(py))?;
    d.set_item("weights_checksums", sums.into_pyarray(py))?;
    Ok(d)
}

/// The number of Hebbian coefficients of a plastic network of layer `sizes`
/// with `rule` and `sharing` (what `Blob.plastic` takes).
#[pyfunction]
#[pyo3(signature = (sizes, rule = "ABCD_lr", sharing = "synapse"))]
pub(crate) fn coeff_len(sizes: Vec<usize>, rule: &str, sharing: &str) -> PyResult<usize> {
    let config = network_config(rule, sharing, "none", "tanh")?;
    plasticore::hebbian::Topology::new(&sizes).map_err(err)?;
    check_network(&sizes).map_err(err)?;
    Ok(plasticore::hebbian::coeff_len(&sizes, config.rule, config.sharing))
}
