//! Scaling models fitted to measured speedups: Amdahl's law and Gunther's Universal
//! Scalability Law (USL). Pure functions: the same points always give the same fit.
//!
//! Both laws are fitted in throughput form with a free scale `gamma`, so the points may be
//! speedups against any reference (the model itself at its fewest workers, or a baseline
//! model such as `sequential`), and `N` is the absolute worker count:
//!
//! ```text
//! USL:     S(N) = gamma * N / (1 + sigma * (N - 1) + kappa * N * (N - 1))
//! Amdahl:  S(N) = gamma * N / (1 + s * (N - 1))          (USL with kappa = 0)
//! ```
//!
//! `gamma` is the speedup one worker would have against the reference (about 1 when the
//! reference is the model at 1 worker), `sigma` (or Amdahl's serial fraction `s`) the share of
//! the work that does not overlap (contention), `kappa` the cost of keeping workers coherent,
//! which grows with every pair of workers and makes the curve turn down.
//!
//! Fitting: `N / S(N)` is a quadratic in `N`, `a + b (N - 1) + c N (N - 1)` with
//! `a = 1 / gamma`, `b = sigma / gamma`, `c = kappa / gamma`. Weighted linear least squares
//! with weights `1 / (N / S)^2` minimises the relative error of each point, so a 64-worker
//! point counts no more than a 1-worker one. The constraints `0 <= sigma <= 1`, `kappa >= 0`
//! are met exactly: every combination of active constraints is solved as an equality-
//! constrained problem and the best feasible solution wins (the problem is convex, so that is
//! the constrained optimum). No iteration, no starting guess: the result is deterministic.

use std::fmt;

/// Why a law could not be fitted to the points.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FitError {
    /// Fewer distinct worker counts than the law has free parameters.
    #[error("only {have} worker count{} measured; {law} needs {need}", if *have == 1 { "" } else { "s" })]
    TooFewCounts { law: Law, have: usize, need: usize },
    /// A worker count or speedup that is not a positive finite number.
    #[error("{what} must be a positive number, got {value}")]
    NotPositive { what: &'static str, value: f64 },
}

/// Which scaling law.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Law {
    Amdahl,
    Usl,
}

impl fmt::Display for Law {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Law::Amdahl => "Amdahl",
            Law::Usl => "USL",
        })
    }
}

impl Law {
    /// Free parameters (gamma included): also the fewest distinct worker counts it needs.
    pub fn parameters(self) -> usize {
        match self {
            Law::Amdahl => 2,
            Law::Usl => 3,
        }
    }
}

/// How well a fit matches the points it was fitted to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quality {
    /// Points used (one per cell).
    pub points: usize,
    /// Points beyond the number of parameters: 0 means the curve passes through every point
    /// whatever the data, so the error says nothing about the law.
    pub spare: usize,
    /// Root mean square of the relative errors (fitted - measured) / measured, e.g. 0.02.
    pub rms_rel: f64,
    /// Coefficient of determination on the speedups; `None` when they hardly vary (then any
    /// flat curve explains them and R^2 is meaningless).
    pub r2: Option<f64>,
}

impl Quality {
    /// The curve passes through every point because it has as many parameters as there are
    /// worker counts (and no constraint got in the way): it fits whatever the data.
    pub fn exact(&self) -> bool {
        self.spare == 0 && self.rms_rel < 1e-6
    }
}

/// Amdahl's law fitted to points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Amdahl {
    pub gamma: f64,
    /// Serial fraction `s` in [0, 1].
    pub serial: f64,
    pub quality: Quality,
}

impl Amdahl {
    /// Predicted speedup at `n` workers.
    pub fn speedup(&self, n: f64) -> f64 {
        usl_curve(self.gamma, self.serial, 0.0, n)
    }

    /// The speedup approached with unlimited workers, `gamma / s`; `None` when `s = 0`.
    pub fn limit(&self) -> Option<f64> {
        (self.serial > 0.0).then(|| self.gamma / self.serial)
    }
}

/// The Universal Scalability Law fitted to points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Usl {
    pub gamma: f64,
    /// Contention `sigma` in [0, 1].
    pub sigma: f64,
    /// Coherency `kappa` >= 0.
    pub kappa: f64,
    pub quality: Quality,
}

impl Usl {
    /// Predicted speedup at `n` workers.
    pub fn speedup(&self, n: f64) -> f64 {
        usl_curve(self.gamma, self.sigma, self.kappa, n)
    }

    /// The worker count with the highest predicted speedup, and that speedup: the better of
    /// the integers either side of `sqrt((1 - sigma) / kappa)`, at least 1. `None` when
    /// `kappa = 0`: the curve then never turns down.
    pub fn peak(&self) -> Option<(u64, f64)> {
        if self.kappa <= 0.0 {
            return None;
        }
        let n = ((1.0 - self.sigma) / self.kappa).sqrt();
        let lo = n.floor().max(1.0);
        let hi = n.ceil().max(1.0);
        let best = if self.speedup(hi) > self.speedup(lo) {
            hi
        } else {
            lo
        };
        // Saturating float-to-int: an absurdly small kappa gives u64::MAX, never UB.
        Some((best as u64, self.speedup(best)))
    }
}

fn usl_curve(gamma: f64, sigma: f64, kappa: f64, n: f64) -> f64 {
    gamma * n / (1.0 + sigma * (n - 1.0) + kappa * n * (n - 1.0))
}

/// Fits Amdahl's law to `(workers, speedup)` points; needs 2 distinct worker counts.
pub fn amdahl(points: &[(f64, f64)]) -> Result<Amdahl, FitError> {
    let (a, b, _, quality) = fit(points, Law::Amdahl)?;
    Ok(Amdahl {
        gamma: 1.0 / a,
        serial: b / a,
        quality,
    })
}

/// Fits the USL to `(workers, speedup)` points; needs 3 distinct worker counts.
pub fn usl(points: &[(f64, f64)]) -> Result<Usl, FitError> {
    let (a, b, c, quality) = fit(points, Law::Usl)?;
    Ok(Usl {
        gamma: 1.0 / a,
        sigma: b / a,
        kappa: c / a,
        quality,
    })
}

/// Which coefficients of `a + b (N - 1) + c N (N - 1)` a sub-problem solves for; the others
/// follow from the active constraints.
#[derive(Clone, Copy)]
enum Face {
    /// a, b, c free.
    Free,
    /// b = 0 (no contention).
    NoB,
    /// c = 0 (no coherency cost).
    NoC,
    /// b = a (sigma = 1).
    BisA,
    /// b = 0, c = 0.
    OnlyA,
    /// b = a, c = 0.
    BisANoC,
}

impl Face {
    /// Basis functions of N for the free coefficients.
    fn basis(self, n: f64) -> Vec<f64> {
        let (one, lin, quad) = (1.0, n - 1.0, n * (n - 1.0));
        match self {
            Face::Free => vec![one, lin, quad],
            Face::NoB => vec![one, quad],
            Face::NoC => vec![one, lin],
            Face::BisA => vec![n, quad],
            Face::OnlyA => vec![one],
            Face::BisANoC => vec![n],
        }
    }

    /// (a, b, c) from the solved coefficients.
    fn abc(self, p: &[f64]) -> (f64, f64, f64) {
        match self {
            Face::Free => (p[0], p[1], p[2]),
            Face::NoB => (p[0], 0.0, p[1]),
            Face::NoC => (p[0], p[1], 0.0),
            Face::BisA => (p[0], p[0], p[1]),
            Face::OnlyA => (p[0], 0.0, 0.0),
            Face::BisANoC => (p[0], p[0], 0.0),
        }
    }
}

/// Relative slack on the constraints, so rounding (a kappa of -1e-19 from exact Amdahl data)
/// does not reject the right answer; such values are clamped onto the constraint.
const SLACK: f64 = 1e-9;

/// Constrained weighted least squares; returns (a, b, c) and the fit quality.
fn fit(points: &[(f64, f64)], law: Law) -> Result<(f64, f64, f64, Quality), FitError> {
    check_points(points)?;
    let mut counts: Vec<f64> = points.iter().map(|p| p.0).collect();
    counts.sort_by(f64::total_cmp);
    counts.dedup();
    let need = law.parameters();
    if counts.len() < need {
        return Err(FitError::TooFewCounts {
            law,
            have: counts.len(),
            need,
        });
    }
    let (a, b, c) = best_face(points, law)?;
    let fitted = |n: f64| n / model_y((a, b, c), n);
    let rel: Vec<f64> = points.iter().map(|&(n, s)| fitted(n) / s - 1.0).collect();
    let rms_rel = (rel.iter().map(|r| r * r).sum::<f64>() / rel.len() as f64).sqrt();
    let mean = points.iter().map(|p| p.1).sum::<f64>() / points.len() as f64;
    let ss_tot: f64 = points.iter().map(|p| (p.1 - mean).powi(2)).sum();
    let ss_res: f64 = points.iter().map(|&(n, s)| (s - fitted(n)).powi(2)).sum();
    // Speedups that vary by less than 0.1% of their mean: R^2 would only measure noise.
    let r2 = (ss_tot > (1e-3 * mean).powi(2) * points.len() as f64).then(|| 1.0 - ss_res / ss_tot);
    let quality = Quality {
        points: points.len(),
        spare: counts.len() - need,
        rms_rel,
        r2,
    };
    Ok((a, b, c, quality))
}

/// Every worker count and speedup must be a positive finite number.
fn check_points(points: &[(f64, f64)]) -> Result<(), FitError> {
    for &(n, s) in points {
        if !(n.is_finite() && n > 0.0) {
            return Err(FitError::NotPositive {
                what: "a worker count",
                value: n,
            });
        }
        if !(s.is_finite() && s > 0.0) {
            return Err(FitError::NotPositive {
                what: "a speedup",
                value: s,
            });
        }
    }
    Ok(())
}

/// The (a, b, c) of `law` with the least weighted cost: each face of the constraints is
/// solved unconstrained, infeasible solutions are dropped, and the cheapest is kept.
fn best_face(points: &[(f64, f64)], law: Law) -> Result<(f64, f64, f64), FitError> {
    let faces: &[Face] = match law {
        Law::Usl => &[
            Face::Free,
            Face::NoB,
            Face::NoC,
            Face::BisA,
            Face::OnlyA,
            Face::BisANoC,
        ],
        Law::Amdahl => &[Face::NoC, Face::OnlyA, Face::BisANoC],
    };
    // Rows scaled by the weight's square root, 1 / y: the target becomes all ones.
    let ys: Vec<f64> = points.iter().map(|&(n, s)| n / s).collect();
    let mut best: Option<((f64, f64, f64), f64)> = None;
    for &face in faces {
        let rows: Vec<Vec<f64>> = points
            .iter()
            .zip(&ys)
            .map(|(&(n, _), &y)| face.basis(n).into_iter().map(|v| v / y).collect())
            .collect();
        let Some(p) = least_squares(&rows) else {
            continue;
        };
        let (a, b, c) = face.abc(&p);
        let feasible = a > 0.0 && b >= -SLACK * a && c >= -SLACK * a && b <= a * (1.0 + SLACK);
        if !feasible {
            continue;
        }
        let abc = (a, b.clamp(0.0, a), c.max(0.0));
        let cost: f64 = points
            .iter()
            .zip(&ys)
            .map(|(&(n, _), &y)| (model_y(abc, n) / y - 1.0).powi(2))
            .sum();
        // Strictly better only: ties keep the earlier (less constrained) face.
        if best.is_none_or(|(_, c0)| cost < c0 * (1.0 - 1e-12) - 1e-300) {
            best = Some((abc, cost));
        }
    }
    // `OnlyA` always has the positive solution a = mean of ones-weighted y, so `best` is set.
    let (abc, _) = best.ok_or(FitError::NotPositive {
        what: "a speedup",
        value: f64::NAN,
    })?;
    Ok(abc)
}

fn model_y((a, b, c): (f64, f64, f64), n: f64) -> f64 {
    a + b * (n - 1.0) + c * n * (n - 1.0)
}

/// Least squares solution of `rows * p = 1` (modified Gram-Schmidt on the columns, each
/// scaled to unit length first, so N(N-1) in the millions beside 1 stays well conditioned).
/// `None` when the columns are (numerically) dependent.
fn least_squares(rows: &[Vec<f64>]) -> Option<Vec<f64>> {
    let k = rows.first()?.len();
    let m = rows.len();
    if m < k {
        return None;
    }
    let mut cols: Vec<Vec<f64>> = (0..k)
        .map(|j| rows.iter().map(|r| r[j]).collect())
        .collect();
    let norm = |v: &[f64]| v.iter().map(|x| x * x).sum::<f64>().sqrt();
    let scale: Vec<f64> = cols.iter().map(|c| norm(c)).collect();
    if scale.iter().any(|&s| !(s.is_finite() && s > 0.0)) {
        return None;
    }
    for (c, s) in cols.iter_mut().zip(&scale) {
        c.iter_mut().for_each(|x| *x /= s);
    }
    // Q (in place of cols) and upper-triangular R.
    let mut r = vec![vec![0.0; k]; k];
    for j in 0..k {
        for i in 0..j {
            let d: f64 = cols[i].iter().zip(&cols[j]).map(|(a, b)| a * b).sum();
            r[i][j] = d;
            let qi = cols[i].clone();
            cols[j].iter_mut().zip(&qi).for_each(|(x, q)| *x -= d * q);
        }
        let len = norm(&cols[j]);
        if len < 1e-10 {
            return None;
        }
        r[j][j] = len;
        cols[j].iter_mut().for_each(|x| *x /= len);
    }
    // R p' = Q^T 1, then undo the column scaling.
    let qt1: Vec<f64> = cols.iter().map(|q| q.iter().sum()).collect();
    let mut p = vec![0.0; k];
    for i in (0..k).rev() {
        let rest: f64 = (i + 1..k).map(|j| r[i][j] * p[j]).sum();
        p[i] = (qt1[i] - rest) / r[i][i];
    }
    Some(p.iter().zip(&scale).map(|(v, s)| v / s).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usl_points(gamma: f64, sigma: f64, kappa: f64, ns: &[f64]) -> Vec<(f64, f64)> {
        ns.iter()
            .map(|&n| (n, usl_curve(gamma, sigma, kappa, n)))
            .collect()
    }

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol * b.abs().max(1e-6)
    }

    #[test]
    fn recovers_exact_usl_parameters() {
        let cases = [
            (1.0, 0.05, 0.001, &[1.0, 2.0, 4.0, 8.0, 16.0, 32.0][..]),
            (0.9, 0.2, 0.0, &[2.0, 4.0, 8.0, 16.0][..]),
            (1.0, 0.0, 0.0, &[1.0, 2.0, 3.0][..]),
            (
                0.5,
                0.02,
                0.0003,
                &[1.0, 4.0, 16.0, 64.0, 256.0, 1024.0][..],
            ),
            (25.0, 1.0, 0.02, &[1.0, 2.0, 4.0, 8.0, 16.0][..]),
            (1.1, 0.0, 0.01, &[1.0, 2.0, 3.0, 5.0][..]),
        ];
        for (gamma, sigma, kappa, ns) in cases {
            let f = usl(&usl_points(gamma, sigma, kappa, ns)).unwrap();
            assert!(close(f.gamma, gamma, 1e-6), "{f:?}");
            assert!((f.sigma - sigma).abs() < 1e-7, "{f:?}");
            assert!((f.kappa - kappa).abs() < 1e-9, "{f:?}");
            assert!(f.quality.rms_rel < 1e-9, "{f:?}");
            assert_eq!(f.quality.spare, ns.len() - 3);
            assert_eq!(f.quality.exact(), ns.len() == 3);
        }
    }

    #[test]
    fn recovers_exact_amdahl_parameters() {
        for (gamma, s) in [(1.0, 0.1), (0.95, 0.0), (2.0, 0.5), (1.0, 1.0)] {
            let pts = usl_points(gamma, s, 0.0, &[1.0, 2.0, 4.0, 8.0]);
            let f = amdahl(&pts).unwrap();
            assert!(close(f.gamma, gamma, 1e-9), "{f:?}");
            assert!((f.serial - s).abs() < 1e-9, "{f:?}");
            // Amdahl data is USL data with kappa = 0.
            let u = usl(&pts).unwrap();
            assert!(u.kappa.abs() < 1e-12 && (u.sigma - s).abs() < 1e-9, "{u:?}");
        }
        let f = amdahl(&usl_points(1.0, 0.1, 0.0, &[1.0, 2.0, 4.0])).unwrap();
        assert!(close(f.limit().unwrap(), 10.0, 1e-9));
        assert_eq!(amdahl(&[(1.0, 1.0), (2.0, 2.0)]).unwrap().limit(), None);
    }

    #[test]
    fn constraints_hold_on_data_outside_the_laws() {
        // Superlinear: sigma would be negative; clamped to 0 and refitted. Three points for
        // three parameters, but the constraint makes the fit miss: not "exact".
        let f = usl(&[(1.0, 1.0), (2.0, 2.2), (4.0, 4.8)]).unwrap();
        assert!(f.sigma >= 0.0 && f.kappa >= 0.0, "{f:?}");
        assert!(!f.quality.exact() && f.quality.rms_rel > 0.01, "{f:?}");
        // A sharp knee at 2 (the core count) that no USL curve can follow.
        let f = usl(&[(1.0, 1.0), (2.0, 1.94), (3.0, 1.92)]).unwrap();
        assert_eq!(f.sigma, 0.0);
        assert!(!f.quality.exact(), "{f:?}");
        // Falling from the start: sigma would exceed 1.
        let f = usl(&[(1.0, 4.0), (2.0, 1.5), (4.0, 0.7), (8.0, 0.3)]).unwrap();
        assert!(f.sigma <= 1.0 && f.kappa >= 0.0, "{f:?}");
        let a = amdahl(&[(1.0, 4.0), (2.0, 1.5), (4.0, 0.7)]).unwrap();
        assert!((0.0..=1.0).contains(&a.serial), "{a:?}");
        // A curve that bends up (kappa would be negative).
        let f = usl(&[(1.0, 1.0), (2.0, 1.2), (4.0, 2.0), (8.0, 5.0)]).unwrap();
        assert!(f.kappa >= 0.0 && (0.0..=1.0).contains(&f.sigma), "{f:?}");
    }

    #[test]
    fn noisy_points_fit_near_the_truth() {
        let noise = [1.02, 0.97, 1.01, 0.99, 1.03, 0.98];
        let pts: Vec<(f64, f64)> = usl_points(1.0, 0.05, 0.002, &[1.0, 2.0, 4.0, 8.0, 16.0, 32.0])
            .into_iter()
            .zip(noise)
            .map(|((n, s), e)| (n, s * e))
            .collect();
        let f = usl(&pts).unwrap();
        assert!((f.sigma - 0.05).abs() < 0.03, "{f:?}");
        assert!((f.kappa - 0.002).abs() < 0.001, "{f:?}");
        assert!(f.quality.rms_rel > 0.005 && f.quality.rms_rel < 0.05);
        assert!(f.quality.r2.unwrap() > 0.95);
    }

    #[test]
    fn peak_is_the_best_integer_near_the_formula() {
        let f = usl(&usl_points(1.0, 0.05, 0.001, &[1.0, 2.0, 4.0, 8.0])).unwrap();
        // sqrt(0.95 / 0.001) = 30.8
        let (n, s) = f.peak().unwrap();
        assert_eq!(n, 31);
        assert!(s >= f.speedup(30.0) && s >= f.speedup(32.0));
        let flat = usl(&usl_points(1.0, 0.1, 0.0, &[1.0, 2.0, 4.0])).unwrap();
        assert_eq!(flat.peak(), None);
        // sigma = 1: adding workers never helps; the peak is 1 worker.
        let serial = usl(&usl_points(3.0, 1.0, 0.05, &[1.0, 2.0, 4.0])).unwrap();
        assert_eq!(serial.peak().unwrap().0, 1);
    }

    #[test]
    fn refuses_too_few_counts_and_bad_values() {
        let e = usl(&[(1.0, 1.0), (2.0, 1.9), (2.0, 1.8)]).unwrap_err();
        assert_eq!(e.to_string(), "only 2 worker counts measured; USL needs 3");
        let e = amdahl(&[(1.0, 1.0)]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "only 1 worker count measured; Amdahl needs 2"
        );
        assert!(amdahl(&[]).is_err());
        let e = usl(&[(1.0, 1.0), (2.0, 0.0), (4.0, 3.0)]).unwrap_err();
        assert!(e.to_string().contains("speedup must be a positive number"));
        assert!(usl(&[(1.0, 1.0), (f64::NAN, 2.0), (4.0, 3.0)]).is_err());
        // Enough for Amdahl, not for the USL.
        assert!(amdahl(&[(1.0, 1.0), (2.0, 1.9)]).is_ok());
    }

    #[test]
    fn deterministic_and_order_independent() {
        let pts = [
            (1.0, 0.98),
            (2.0, 1.93),
            (4.0, 1.85),
            (8.0, 1.7),
            (3.0, 1.95),
        ];
        let a = usl(&pts).unwrap();
        let mut rev = pts;
        rev.reverse();
        let b = usl(&rev).unwrap();
        assert_eq!(a, usl(&pts).unwrap());
        assert!(close(a.sigma.max(1e-12), b.sigma.max(1e-12), 1e-9));
        assert!(close(a.kappa, b.kappa, 1e-9));
    }
}
