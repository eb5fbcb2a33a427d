//! `plasticore adaptation`: plastic against static networks under changed
//! dynamics, in all four environments — the table and plot of
//! `docs/adaptation.md`, from one command.
//!
//! Per environment: every rule is evolved once on nominal dynamics and the
//! best one other than `ABCD_lr` (by validation return) is kept. Then
//! `ABCD_lr`, that rule and a static network of the same topology (its
//! weights evolved directly) are each evolved by the same search with the same
//! budget (population × episodes × generations, no early stop), once on
//! nominal dynamics and once with domain randomisation over a training
//! range. Each of the six is evaluated on ≥ 100 unseen seeds (0, 1, …; the
//! ES never sees seeds below 2^62) in four conditions: nominal dynamics;
//! dynamics outside the training range; the actuator reversed; and a change
//! from nominal to the unseen dynamics in the middle of the episode.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use plasticore::hebbian::Rule;
use serde::Serialize;

use crate::envs::{mean_sd, run_episodes_par, DynamicsSpec, EnvName, Scenario};
use crate::evolve::{evolve, model_blob_bytes, EvolveOptions};

/// What is varied per environment.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    /// The environment.
    pub env: EnvName,
    /// Training range for domain randomisation (`key=lo:hi,...`).
    pub randomize: &'static str,
    /// Dynamics outside the training range.
    pub unseen: &'static str,
    /// Step at which the dynamics change from nominal to `unseen`.
    pub change_at: u32,
    /// The deployment changes evaluated one at a time (`key=value`): a
    /// weaker actuator, a sensor offset and noise in the observation's units,
    /// a delayed action.
    pub deployment: [&'static str; 4],
}

/// The four plans.
pub const PLANS: [Plan; 4] = [
    Plan {
        env: EnvName::Cartpole,
        randomize: "length=0.25:0.75,masspole=0.05:0.2,force_mag=7:13",
        unseen: "length=1,masspole=0.3,force_mag=5",
        change_at: 200,
        deployment: [
            "actuator_gain=0.5",
            "sensor_bias=0.05",
            "sensor_noise=0.05",
            "action_delay=2",
        ],
    },
    Plan {
        env: EnvName::Acrobot,
        randomize: "link_length_2=0.7:1.3,link_mass_2=0.7:1.3",
        unseen: "link_length_2=1.6,link_mass_2=2",
        change_at: 50,
        deployment: ["actuator_gain=0.5", "sensor_bias=0.1", "sensor_noise=0.1", "action_delay=2"],
    },
    Plan {
        env: EnvName::Pendulum,
        randomize: "m=0.7:1.3,l=0.7:1.3",
        unseen: "m=1.6,l=1.5",
        change_at: 100,
        deployment: ["actuator_gain=0.5", "sensor_bias=0.1", "sensor_noise=0.1", "action_delay=2"],
    },
    Plan {
        env: EnvName::Mountaincar,
        randomize: "power=0.0012:0.0018",
        unseen: "power=0.0009",
        change_at: 100,
        deployment: [
            "actuator_gain=0.5",
            "sensor_bias=0.005",
            "sensor_noise=0.005",
            "action_delay=2",
        ],
    },
];

/// Options of a run.
#[derive(Debug, Clone)]
pub struct Options {
    /// ES generations per evolution (the budget).
    pub generations: u64,
    /// ES population.
    pub population: usize,
    /// Episodes per candidate.
    pub episodes: usize,
    /// Unseen evaluation seeds per cell.
    pub eval_episodes: usize,
    /// Seeds of the evolutions: every network is evolved once per seed and
    /// its cells pool the evaluation episodes of all of them (the rule sweep
    /// uses the first seed).
    pub seeds: Vec<u64>,
    /// Environments to run.
    pub envs: Vec<EnvName>,
    /// Where `adaptation.md`, `adaptation.svg` and `adaptation.json` go.
    pub out_dir: PathBuf,
    /// Where the evolved blobs go (one per network), if anywhere.
    pub blob_dir: Option<PathBuf>,
}

/// One evaluation cell.
#[derive(Debug, Clone, Serialize)]
pub struct Cell {
    /// Condition name.
    pub condition: String,
    /// Mean return.
    pub mean: f64,
    /// Sample standard deviation.
    pub sd: f64,
    /// Episodes.
    pub episodes: usize,
}

/// One evolved network and its cells.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// `ABCD_lr`, another rule name, or `static`.
    pub network: String,
    /// `nominal` or `randomised`.
    pub training: String,
    /// Evolved parameters.
    pub parameters: usize,
    /// Training episodes spent (per evolution seed).
    pub evaluations: u64,
    /// Environment steps of those episodes (mean per evolution seed).
    pub steps: u64,
    /// Validation return at export (training distribution), per seed.
    pub validation: Vec<f32>,
    /// Wall seconds of the evolutions.
    pub seconds: f64,
    /// The evaluation cells, in [`conditions`] order.
    pub cells: Vec<Cell>,
}

/// The result for one environment.
#[derive(Debug, Clone, Serialize)]
pub struct EnvResult {
    /// Environment name.
    pub env: &'static str,
    /// Gymnasium id.
    pub gym_id: &'static str,
    /// Training range.
    pub randomize: &'static str,
    /// Unseen dynamics.
    pub unseen: &'static str,
    /// Change step.
    pub change_at: u32,
    /// Validation return of every rule evolved on nominal dynamics (the sweep).
    pub rule_sweep: Vec<(String, f32)>,
    /// The rows.
    pub rows: Vec<Row>,
}

/// The condition names and their scenarios for a plan.
pub fn conditions(plan: &Plan) -> Result<Vec<(String, Scenario)>> {
    let env = plan.env;
    let unseen = DynamicsSpec::parse(env, plan.unseen)?;
    [
        ("nominal".into(), Scenario::default()),
        (
            format!("unseen: {}", plan.unseen),
            Scenario { dynamics: unseen.clone(), ..Scenario::default() },
        ),
        (
            "actuator reversed".into(),
            Scenario {
                dynamics: DynamicsSpec::parse(env, "actuator_sign=-1")?,
                ..Scenario::default()
            },
        ),
        (
            format!("nominal → unseen at step {}", plan.change_at),
            Scenario { change: Some((plan.change_at, unseen)), ..Scenario::default() },
        ),
    ]
    .into_iter()
    .map(Ok)
    .chain(plan.deployment.iter().map(|d| {
        Ok((
            d.to_string(),
            Scenario { dynamics: DynamicsSpec::parse(env, d)?, ..Scenario::default() },
        ))
    }))
    .collect()
}

/// How a network is trained.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Training {
    /// Nominal dynamics.
    Nominal,
    /// Domain randomisation over the plan's training range.
    Randomised,
    /// Nominal dynamics but `actuator_sign` drawn from ±1 per episode.
    SignFlips,
}

impl Training {
    /// The name in the tables.
    pub fn name(self) -> &'static str {
        match self {
            Training::Nominal => "nominal",
            Training::Randomised => "randomised",
            Training::SignFlips => "actuator_sign ±1",
        }
    }

    fn randomize(self, plan: &Plan) -> String {
        match self {
            Training::Nominal => String::new(),
            Training::Randomised => plan.randomize.into(),
            Training::SignFlips => "actuator_sign=-1:1".into(),
        }
    }
}

/// One network of a row: which rule (or static), and its hidden layers
/// (`None`: the preset's).
struct Net<'a> {
    name: String,
    rule: &'a str,
    static_net: bool,
    hidden: Option<Vec<usize>>,
}

fn options(plan: &Plan, o: &Options, seed: u64, net: &Net, training: Training) -> EvolveOptions {
    // The environment's preset (network, inputs, strategy), with this run's budget.
    let preset = EvolveOptions::preset(plan.env);
    EvolveOptions {
        env: plan.env,
        static_net: net.static_net,
        randomize: training.randomize(plan),
        rule: net.rule.into(),
        hidden: net.hidden.clone().unwrap_or(preset.hidden.clone()),
        generations: o.generations,
        population: o.population,
        episodes: o.episodes,
        seed,
        target: f32::INFINITY,
        validate_every: 5.min(o.generations.max(1)),
        validate_episodes: o.eval_episodes,
        ..preset
    }
}

/// The hidden width of a one-hidden-layer static network with at least
/// `params` weights between `inputs` and `outputs`.
pub fn static_width(params: usize, inputs: usize, outputs: usize) -> usize {
    params.div_ceil((inputs + outputs).max(1))
}

/// Runs one environment's comparison.
pub fn run_env(plan: &Plan, o: &Options, progress: &mut dyn FnMut(&str)) -> Result<EnvResult> {
    let conds = conditions(plan)?;
    let first_seed = o.seeds.first().copied().unwrap_or(1);
    let mut sweep = vec![];
    for rule in Rule::ALL {
        let net = Net { name: String::new(), rule: rule.name(), static_net: false, hidden: None };
        let r = evolve(&options(plan, o, first_seed, &net, Training::Nominal), None, false, false)?;
        progress(&format!("{} sweep {}: {:.1}", plan.env.name(), rule.name(), r.validation));
        sweep.push((rule.name().to_string(), r.validation));
    }
    let other = sweep
        .iter()
        .filter(|(n, _)| n != "ABCD_lr")
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(n, _)| n.clone())
        .unwrap_or_else(|| "ABCD".into());
    // The large static network has at least as many parameters as ABCD_lr's.
    let preset = EvolveOptions::preset(plan.env);
    let sizes = preset.sizes();
    let plastic = Net { name: "ABCD_lr".into(), rule: "ABCD_lr", static_net: false, hidden: None };
    let plastic_params = options(plan, o, first_seed, &plastic, Training::Nominal).dim()?;
    let wide = static_width(plastic_params, sizes[0], sizes[sizes.len() - 1]);
    let nets = |training: Training| {
        let mut v = vec![
            Net { name: "ABCD_lr".into(), rule: "ABCD_lr", static_net: false, hidden: None },
            Net { name: other.clone(), rule: other.as_str(), static_net: false, hidden: None },
            Net { name: "static".into(), rule: "ABCD_lr", static_net: true, hidden: None },
            Net {
                name: format!("static, {wide} hidden"),
                rule: "ABCD_lr",
                static_net: true,
                hidden: Some(vec![wide]),
            },
        ];
        if training == Training::SignFlips {
            v.remove(1);
        }
        v
    };
    let seeds: Vec<u64> = (0..o.eval_episodes as u64).collect();
    let mut rows = vec![];
    for training in [Training::Nominal, Training::Randomised, Training::SignFlips] {
        for net in nets(training) {
            let mut outcomes: Vec<Vec<plasticore::hebbian::Outcome>> = vec![vec![]; conds.len()];
            let (mut validation, mut seconds, mut parameters, mut evaluations, mut steps) =
                (vec![], 0.0, 0, 0, 0);
            for &seed in &o.seeds {
                let opts = options(plan, o, seed, &net, training);
                let r = evolve(&opts, None, false, false)?;
                let model = opts.model(&r.coeffs)?;
                if let Some(dir) = &o.blob_dir {
                    let p = dir.join(format!(
                        "{}-{}-{}-seed{seed}.blob",
                        plan.env.name(),
                        net.name.replace([',', ' '], ""),
                        training.name().replace([' ', '±'], "")
                    ));
                    std::fs::write(&p, model_blob_bytes(&r.sizes, &model)?)
                        .with_context(|| format!("writing {}", p.display()))?;
                }
                for (out, (_, sc)) in outcomes.iter_mut().zip(&conds) {
                    out.extend(run_episodes_par(plan.env, &r.sizes, &model, sc, &seeds)?);
                }
                validation.push(r.validation);
                seconds += r.seconds;
                parameters = r.coeffs.len();
                evaluations = r.evaluations;
                steps += r.steps;
            }
            let cells: Vec<Cell> = outcomes
                .iter()
                .zip(&conds)
                .map(|(eps, (name, _))| {
                    let (mean, sd) = mean_sd(eps);
                    Cell { condition: name.clone(), mean, sd, episodes: eps.len() }
                })
                .collect();
            progress(&format!(
                "{} {} ({}): nominal {:.1}",
                plan.env.name(),
                net.name,
                training.name(),
                cells[0].mean
            ));
            rows.push(Row {
                network: net.name,
                training: training.name().into(),
                parameters,
                evaluations,
                steps: steps / o.seeds.len().max(1) as u64,
                validation,
                seconds,
                cells,
            });
        }
    }
    Ok(EnvResult {
        env: plan.env.name(),
        gym_id: plan.env.gym_id(),
        randomize: plan.randomize,
        unseen: plan.unseen,
        change_at: plan.change_at,
        rule_sweep: sweep,
        rows,
    })
}

/// Win, tie or loss of `a` against `b`: the difference of means must exceed
/// two standard errors (Welch), 1 % of the larger mean's magnitude and 0.5
/// (half a step's reward in CartPole and Acrobot); else a tie.
pub fn verdict(a: &Cell, b: &Cell) -> &'static str {
    let se = (a.sd * a.sd / a.episodes as f64 + b.sd * b.sd / b.episodes as f64).sqrt();
    let d = a.mean - b.mean;
    let margin = (2.0 * se).max(0.01 * a.mean.abs().max(b.mean.abs())).max(0.5);
    if d > margin {
        "wins"
    } else if -d > margin {
        "loses"
    } else {
        "ties"
    }
}

/// The generated Markdown (everything below the marker in docs/adaptation.md).
pub fn markdown(results: &[EnvResult], o: &Options, seconds: f64) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Budget per network and evolution: population {} × {} episodes × {} generations = {} training episodes, no early stop. Every network is evolved with seeds {:?}; every cell is mean ± sd over the pooled evaluation episodes ({} unseen episode seeds per evolution, {} in all). Run time {:.0} s on this machine.\n",
        o.population,
        o.episodes,
        o.generations,
        o.population as u64 * o.episodes as u64 * o.generations,
        o.seeds,
        o.eval_episodes,
        o.eval_episodes * o.seeds.len(),
        seconds
    );
    for r in results {
        let _ = writeln!(s, "### {} (`{}`)\n", r.gym_id, r.env);
        let _ = writeln!(
            s,
            "Training range (randomised rows): `{}`. Unseen: `{}`.\n",
            r.randomize, r.unseen
        );
        let conds: Vec<&str> = r.rows[0].cells.iter().map(|c| c.condition.as_str()).collect();
        let _ = writeln!(
            s,
            "| network | trained on | parameters | environment steps | {} |",
            conds.join(" | ")
        );
        let _ = writeln!(s, "|---|---|---:|---:|{}", "---:|".repeat(conds.len()));
        for row in &r.rows {
            let cells: Vec<String> =
                row.cells.iter().map(|c| format!("{:.1} ± {:.1}", c.mean, c.sd)).collect();
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} |",
                row.network,
                row.training,
                row.parameters,
                row.steps,
                cells.join(" | ")
            );
        }
        let _ = writeln!(s);
        for training in [Training::Nominal, Training::Randomised, Training::SignFlips] {
            let rows: Vec<&Row> = r.rows.iter().filter(|x| x.training == training.name()).collect();
            let Some(p) = rows.iter().find(|x| x.network == "ABCD_lr") else {
                continue;
            };
            for st in rows.iter().filter(|x| x.network.starts_with("static")) {
                let parts: Vec<String> = p
                    .cells
                    .iter()
                    .zip(&st.cells)
                    .map(|(a, b)| format!("{} on {}", verdict(a, b), a.condition))
                    .collect();
                let _ = writeln!(
                    s,
                    "- Trained on {}: plastic ABCD_lr ({} parameters) against {} ({} parameters): {}.",
                    training.name(),
                    p.parameters,
                    st.network,
                    st.parameters,
                    parts.join("; ")
                );
            }
        }
        let sweep: Vec<String> = r.rule_sweep.iter().map(|(n, v)| format!("{n} {v:.1}")).collect();
        let _ = writeln!(s, "- Rule sweep (nominal, validation return): {}.\n", sweep.join(", "));
    }
    s
}

/// Writes the plot: one panel per environment, the six networks' mean ± sd per condition.
pub fn plot(path: &Path, results: &[EnvResult]) -> Result<()> {
    use plotters::prelude::*;
    let e = |e: &dyn std::fmt::Display| anyhow::anyhow!("{e}");
    let root = SVGBackend::new(path, (1100, 300 * results.len().max(1) as u32)).into_drawing_area();
    root.fill(&WHITE).map_err(|x| e(&x))?;
    let panels = root.split_evenly((results.len().max(1), 1));
    let colors = [
        BLUE,
        CYAN,
        RED,
        MAGENTA,
        GREEN,
        BLACK,
        RGBColor(255, 140, 0),
        RGBColor(128, 128, 128),
        RGBColor(139, 69, 19),
        RGBColor(0, 100, 0),
        RGBColor(75, 0, 130),
    ];
    for (r, area) in results.iter().zip(panels.iter()) {
        let n = r.rows.first().map_or(1, |x| x.cells.len());
        let values =
            r.rows.iter().flat_map(|x| x.cells.iter().flat_map(|c| [c.mean - c.sd, c.mean + c.sd]));
        let (lo, hi) = values.fold((f64::MAX, f64::MIN), |(a, b), v| (a.min(v), b.max(v)));
        let pad = ((hi - lo) * 0.05).max(1.0);
        let mut chart = ChartBuilder::on(area)
            .caption(format!("{} — mean ± sd return", r.gym_id), ("sans-serif", 16))
            .margin(8)
            .x_label_area_size(30)
            .y_label_area_size(55)
            .build_cartesian_2d(-0.5f64..(n as f64 - 0.5), (lo - pad)..(hi + pad))
            .map_err(|x| e(&x))?;
        let labels: Vec<String> = r.rows[0].cells.iter().map(|c| c.condition.clone()).collect();
        chart
            .configure_mesh()
            .x_labels(n)
            .x_label_formatter(&|x| {
                let i = x.round() as usize;
                if (x - x.round()).abs() < 1e-6 {
                    labels.get(i).cloned().unwrap_or_default()
                } else {
                    String::new()
                }
            })
            .y_desc("return")
            .draw()
            .map_err(|x| e(&x))?;
        let k = r.rows.len().max(1) as f64;
        for (j, row) in r.rows.iter().enumerate() {
            let color = colors[j % colors.len()];
            let off = (j as f64 - (k - 1.0) / 2.0) * 0.1;
            chart
                .draw_series(row.cells.iter().enumerate().map(|(i, c)| {
                    ErrorBar::new_vertical(
                        i as f64 + off,
                        c.mean - c.sd,
                        c.mean,
                        c.mean + c.sd,
                        color.filled(),
                        6,
                    )
                }))
                .map_err(|x| e(&x))?
                .label(format!("{} ({})", row.network, row.training))
                .legend(move |(x, y)| Circle::new((x + 10, y), 4, color.filled()));
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .position(SeriesLabelPosition::LowerLeft)
            .draw()
            .map_err(|x| e(&x))?;
    }
    root.present().map_err(|x| e(&x))?;
    Ok(())
}

/// The marker line after which `docs/adaptation.md` is generated.
pub const MARKER: &str =
    "<!-- Everything below is generated by `plasticore adaptation`; do not edit. -->";

/// Runs every plan in `o.envs` and writes `adaptation.md` (the hand-written
/// head above [`MARKER`] is kept), `adaptation.svg` and `adaptation.json`.
pub fn run(o: &Options, progress: &mut dyn FnMut(&str)) -> Result<Vec<EnvResult>> {
    let start = Instant::now();
    let mut results = vec![];
    for plan in PLANS.iter().filter(|p| o.envs.contains(&p.env)) {
        results.push(run_env(plan, o, progress)?);
    }
    let seconds = start.elapsed().as_secs_f64();
    std::fs::create_dir_all(&o.out_dir)
        .with_context(|| format!("creating {}", o.out_dir.display()))?;
    let md = o.out_dir.join("adaptation.md");
    let head = std::fs::read_to_string(&md)
        .ok()
        .and_then(|t| t.split_once(MARKER).map(|(h, _)| h.to_string()))
        .unwrap_or_else(|| "# Adaptation under change\n\n".to_string());
    std::fs::write(&md, format!("{head}{MARKER}\n\n{}", markdown(&results, o, seconds)))
        .with_context(|| format!("writing {}", md.display()))?;
    plot(&o.out_dir.join("adaptation.svg"), &results)?;
    std::fs::write(o.out_dir.join("adaptation.json"), serde_json::to_string_pretty(&results)?)?;
    Ok(results)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(mean: f64, sd: f64) -> Cell {
        Cell { condition: String::new(), mean, sd, episodes: 100 }
    }

    #[test]
    fn every_plan_has_its_conditions_and_the_wide_static_network_is_wide_enough() {
        for plan in &PLANS {
            let c = conditions(plan).unwrap();
            assert_eq!(c.len(), 4 + plan.deployment.len(), "{}", plan.env.name());
        }
        // CartPole [4, 8, 1] with ABCD_lr: 40 synapses × 5 coefficients = 200
        // parameters; a static [4, 40, 1] has (4 + 1)·40 = 200 weights.
        assert_eq!(static_width(200, 4, 1), 40);
        assert_eq!(static_width(201, 4, 1), 41);
        // Acrobot [6, 8, 3]: 72 synapses × 5 = 360 = (6 + 3)·40.
        assert_eq!(static_width(360, 6, 3), 40);
        let o = EvolveOptions {
            hidden: vec![40],
            static_net: true,
            ..EvolveOptions::preset(EnvName::Cartpole)
        };
        assert_eq!(o.dim().unwrap(), 200);
    }

    #[test]
    fn verdict_needs_two_standard_errors_one_percent_and_half_a_reward() {
        // se = sqrt(2·10²/100) = 1.414: 2·se = 2.83.
        assert_eq!(verdict(&cell(103.0, 10.0), &cell(100.0, 10.0)), "wins");
        assert_eq!(verdict(&cell(102.5, 10.0), &cell(100.0, 10.0)), "ties");
        assert_eq!(verdict(&cell(97.0, 10.0), &cell(100.0, 10.0)), "loses");
        // No spread: 1 % of 500 = 5 decides.
        assert_eq!(verdict(&cell(500.0, 0.0), &cell(496.0, 0.0)), "ties");
        assert_eq!(verdict(&cell(500.0, 0.0), &cell(494.0, 0.0)), "wins");
        // Tiny returns: half a reward decides.
        assert_eq!(verdict(&cell(9.4, 0.0), &cell(9.0, 0.0)), "ties");
        assert_eq!(verdict(&cell(-0.0, 0.0), &cell(-0.00001, 0.0)), "ties");
    }
}
