//! The evolution strategy: the core's ask/tell, and `plasticore evolve` as a loop.

use numpy::{IntoPyArray, PyArray1, PyArray2, PyArrayMethods, PyReadonlyArray1, PyReadonlyArray2};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use plasticore::es::{EsConfig, EsState, OpenAiEs};
use plasticore_host::evolve::{self as ev, EvolveOptions};
use plasticore_host::limits::{check_buffer, check_count, MAX_POPULATION};

use crate::hebbian::Blob;
use crate::{anyhow_err, err};

/// OpenAI-ES as an ask/tell pair (the core's `plasticore::es`): antithetic
/// noise regenerated from the seed, centred ranks, L2 penalty, decaying σ
/// and learning rate.
#[pyclass(module = "plasticore")]
#[allow(clippy::upper_case_acronyms)]
pub(crate) struct OpenAIES {
    es: OpenAiEs,
    ranks: Vec<f32>,
}

#[pymethods]
impl OpenAIES {
    /// A strategy at generation 0.
    #[new]
    #[pyo3(signature = (population = 64, sigma = 0.1, lr = 0.2, l2 = 0.005, seed = 1, sigma_decay = 0.999, sigma_min = 0.01, lr_decay = 0.995, lr_min = 0.001))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        population: usize,
        sigma: f32,
        lr: f32,
        l2: f32,
        seed: u64,
        sigma_decay: f32,
        sigma_min: f32,
        lr_decay: f32,
        lr_min: f32,
    ) -> PyResult<Self> {
        let cfg = EsConfig { population, sigma, sigma_decay, sigma_min, lr, lr_decay, lr_min, l2 };
        let es = OpenAiEs::new(cfg, seed).map_err(err)?;
        check_count("population", population, MAX_POPULATION).map_err(err)?;
        Ok(OpenAIES { es, ranks: vec![0.0; population] })
    }
    /// The population of this generation around `theta`: `[population, dim]`.
    fn ask<'py>(
        &self,
        py: Python<'py>,
        theta: PyReadonlyArray1<'py, f32>,
    ) -> PyResult<Bound<'py, PyArray2<f32>>> {
        let theta = theta.as_array().to_vec();
        let (n, d) = (self.es.config().population, theta.len());
        let mut out = vec![0.0; check_buffer("population × len(theta)", n, d).map_err(err)?];
        for (k, row) in out.chunks_exact_mut(d.max(1)).enumerate() {
            self.es.candidate(&theta, k, row).map_err(err)?;
        }
        out.into_pyarray(py).reshape([n, d])
    }
    /// Tells the fitness of each candidate of `ask(theta)`; returns the new θ
    /// and moves to the next generation.
    fn tell<'py>(
        &mut self,
        py: Python<'py>,
        theta: PyReadonlyArray1<'py, f32>,
        fitness: PyReadonlyArray1<'py, f32>,
    ) -> PyResult<Bound<'py, PyArray1<f32>>> {
        let mut theta = theta.as_array().to_vec();
        let fitness = fitness.as_array().to_vec();
        let mut scratch = vec![0.0; theta.len()];
        self.es.tell(&mut theta, &fitness, &mut self.ranks, &mut scratch).map_err(err)?;
        Ok(theta.into_pyarray(py))
    }
    /// σ, learning rate, generation and seed.
    #[getter]
    fn state(&self) -> (f32, f32, u64, u64) {
        let EsState { sigma, lr, generation, seed } = self.es.state();
        (sigma, lr, generation, seed)
    }
}

fn evolve_options(kwargs: Option<&Bound<'_, PyDict>>) -> PyResult<EvolveOptions> {
    // Start from the preset of the environment asked for (CartPole's by default).
    let env = match kwargs.map(|kw| kw.get_item("env")).transpose()?.flatten() {
        Some(e) => plasticore_host::envs::parse_env(&e.extract::<String>()?).map_err(anyhow_err)?,
        None => plasticore_host::envs::EnvName::Cartpole,
    };
    let mut v = serde_json::to_value(EvolveOptions::preset(env)).map_err(err)?;
    let mut target_given = false;
    if let Some(kw) = kwargs {
        let json = kw.py().import("json")?;
        for (k, val) in kw.iter() {
            let key: String = k.extract()?;
            let key = match key.as_str() {
                "static" => "static_net".to_string(),
                _ => key,
            };
            if !v.as_object().is_some_and(|o| o.contains_key(&key)) {
                return Err(err(format!("Evolution: unknown option '{key}'")));
            }
            target_given |= key == "target";
            let parsed = match val.extract::<f64>() {
                // JSON has no ∞: the options' own spelling of it.
                Ok(f) if f.is_infinite() => {
                    serde_json::Value::from(if f > 0.0 { "inf" } else { "-inf" })
                }
                _ => {
                    let text: String = json.call_method1("dumps", (val,))?.extract()?;
                    serde_json::from_str(&text).map_err(err)?
                }
            };
            v[key] = parsed;
        }
    }
    let mut opts: EvolveOptions =
        serde_json::from_value(v).map_err(|e| err(format!("Evolution: {e}")))?;
    if !target_given {
        opts.target = opts.env.default_target();
    }
    opts.validate().map_err(anyhow_err)?;
    Ok(opts)
}

/// One run of `plasticore evolve` as an ask/tell loop, for evaluators other
/// than the in-process one (Ray): `candidates()` and `seeds()` give a
/// generation's work, `tell(fitness)` everything after it (ES update,
/// validation, best θ). With the fitness of [`evaluate_candidates`] it gives
/// the CLI's result bit for bit. Options are the CLI's flags as keywords
/// (`env`, `hidden`, `outputs`, `rule`, `sharing`, `norm`, `output`,
/// `generations`, `population`, `seed`, `episodes`, `sigma`, `lr`, `l2`,
/// `target`, `network`, `static`, `randomize`).
#[pyclass(module = "plasticore", unsendable)]
pub(crate) struct Evolution {
    inner: Option<ev::Evolution>,
}

impl Evolution {
    fn get(&self) -> PyResult<&ev::Evolution> {
        self.inner.as_ref().ok_or_else(|| err("the run is finished"))
    }
}

#[pymethods]
impl Evolution {
    #[new]
    #[pyo3(signature = (**kwargs))]
    fn new(kwargs: Option<&Bound<'_, PyDict>>) -> PyResult<Self> {
        let opts = evolve_options(kwargs)?;
        Ok(Evolution { inner: Some(ev::Evolution::new(&opts, None, false).map_err(anyhow_err)?) })
    }
    /// The options as JSON: what [`evaluate_candidates`] takes.
    fn options_json(&self) -> PyResult<String> {
        serde_json::to_string(self.get()?.options()).map_err(err)
    }
    /// Generations told so far.
    #[getter]
    fn generation(&self) -> PyResult<u64> {
        Ok(self.get()?.generation())
    }
    /// Whether the run is over (all generations, or the target reached).
    fn is_done(&self) -> PyResult<bool> {
        Ok(self.get()?.is_done())
    }
    /// Current θ.
    #[getter]
    fn theta<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyArray1<f32>>> {
        Ok(self.get()?.theta().to_vec().into_pyarray(py))
    }
    /// This generation's population, `[population, dim]`.
    fn candidates<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyArray2<f32>>> {
        let e = self.get()?;
        let (n, d) = (e.options().population, e.theta().len());
        let c = e.candidates().map_err(anyhow_err)?;
        c.into_pyarray(py).reshape([n, d])
    }
    /// This generation's episode seeds (every candidate runs them all).
    fn seeds<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyArray1<u64>>> {
        Ok(self.get()?.seeds().into_pyarray(py))
    }
    /// Tells the fitness of every candidate; returns the generation's
    /// statistics `{"generation", "mean", "max", "validation"}`.
    fn tell<'py>(
        &mut self,
        py: Python<'py>,
        fitness: PyReadonlyArray1<'py, f32>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let f = fitness.as_array().to_vec();
        let e = self.inner.as_mut().ok_or_else(|| err("the run is finished"))?;
        let st = e.tell(&f).map_err(anyhow_err)?;
        let d = PyDict::new(py);
        d.set_item("generation", st.generation)?;
        d.set_item("mean", st.mean)?;
        d.set_item("max", st.max)?;
        d.set_item("validation", st.validation)?;
        Ok(d)
    }
    /// Ends the run: `(blob, validation)` — the best θ by validation as a
    /// [`Blob`], and its validation mean return.
    fn finish(&mut self, py: Python<'_>) -> PyResult<(Blob, f32)> {
        let e = self.inner.take().ok_or_else(|| err("the run is finished"))?;
        let opts = e.options().clone();
        let r = py.detach(|| e.finish()).map_err(anyhow_err)?;
        let model = opts.model(&r.coeffs).map_err(anyhow_err)?;
        Ok((Blob { sizes: r.sizes, model }, r.validation))
    }
}

/// The fitness (mean return over `seeds`) of each row of `candidates`
/// (`[n, dim]`) for the run whose options are `options_json`
/// ([`Evolution.options_json`]), on one thread without the GIL: the unit of
/// work of a distributed evaluator.
#[pyfunction]
pub(crate) fn evaluate_candidates<'py>(
    py: Python<'py>,
    options_json: &str,
    candidates: PyReadonlyArray2<'py, f32>,
    seeds: PyReadonlyArray1<'py, u64>,
) -> PyResult<Bound<'py, PyArray1<f32>>> {
    let opts: EvolveOptions =
        serde_json::from_str(options_json).map_err(|e| err(format!("options: {e}")))?;
    opts.validate().map_err(anyhow_err)?;
    let c: Vec<f32> = candidates.as_array().iter().copied().collect();
    let s = seeds.as_array().to_vec();
    let f = py.detach(|| ev::evaluate_candidates(&opts, &c, &s)).map_err(anyhow_err)?;
    Ok(f.into_pyarray(py))
}
