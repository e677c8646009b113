//! Statistics over the runs of a cell: location, spread, a seeded bootstrap confidence
//! interval of the median, Tukey outliers, and speedup with its own bootstrap interval.
//! Pure functions: the same input always gives the same output.

/// Number of bootstrap resamples; enough for stable 2.5/97.5 percentiles.
const RESAMPLES: usize = 2000;

/// Summary statistics of one sample.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    pub n: usize,
    pub median: f64,
    pub mean: f64,
    /// Sample standard deviation (n - 1); 0 for a single value.
    pub stddev: f64,
    pub min: f64,
    pub max: f64,
    /// 95% bootstrap percentile interval of the median.
    pub ci_low: f64,
    pub ci_high: f64,
    /// Values outside Tukey's fences (1.5 IQR beyond the quartiles).
    pub outliers: usize,
}

/// Summarises `xs` (non-finite values are ignored). `None` when nothing is left.
pub fn summarize(xs: &[f64], seed: u64) -> Option<Summary> {
    let mut v: Vec<f64> = xs.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    let mean = v.iter().sum::<f64>() / n as f64;
    let stddev = if n > 1 {
        (v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt()
    } else {
        0.0
    };
    let (ci_low, ci_high) = bootstrap(&[&v], seed, |s| quantile(&s[0], 0.5));
    let (q1, q3) = (quantile(&v, 0.25), quantile(&v, 0.75));
    let iqr = q3 - q1;
    let (lo, hi) = (q1 - 1.5 * iqr, q3 + 1.5 * iqr);
    Some(Summary {
        n,
        median: quantile(&v, 0.5),
        mean,
        stddev,
        min: v[0],
        max: v[n - 1],
        ci_low,
        ci_high,
        outliers: v.iter().filter(|&&x| x < lo || x > hi).count(),
    })
}

/// Speedup of `runs` against `reference` runs: `factor * median(reference) / median(runs)`,
/// with a 95% bootstrap interval (both samples resampled independently).
pub fn speedup(reference: &[f64], runs: &[f64], factor: f64, seed: u64) -> Option<(f64, f64, f64)> {
    let clean = |xs: &[f64]| -> Vec<f64> {
        let mut v: Vec<f64> = xs
            .iter()
            .copied()
            .filter(|x| x.is_finite() && *x > 0.0)
            .collect();
        v.sort_by(f64::total_cmp);
        v
    };
    let (r, x) = (clean(reference), clean(runs));
    if r.is_empty() || x.is_empty() {
        return None;
    }
    let point = factor * median_of(&r) / median_of(&x);
    let (lo, hi) = bootstrap(&[&r, &x], seed, |s| {
        factor * quantile(&s[0], 0.5) / quantile(&s[1], 0.5)
    });
    Some((point, lo, hi))
}

/// Median of a slice (sorts a copy).
pub fn median_of(xs: &[f64]) -> f64 {
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    quantile(&v, 0.5)
}

/// Linear-interpolation quantile of sorted data (type 7, as R and numpy default).
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    match sorted.len() {
        0 => f64::NAN,
        1 => sorted[0],
        n => {
            let pos = q * (n - 1) as f64;
            let i = pos.floor() as usize;
            let frac = pos - i as f64;
            if i + 1 < n {
                sorted[i] + frac * (sorted[i + 1] - sorted[i])
            } else {
                sorted[n - 1]
            }
        }
    }
}

/// Percentile bootstrap: resample every sample with replacement, apply `stat` (which gets
/// each resample sorted), and take the 2.5% and 97.5% quantiles of the results. Seeded, so
/// reruns give identical intervals. Resamples are sorted in place in reused buffers: this
/// loop is most of the time `compare` and `plot` take on large runs.
fn bootstrap(samples: &[&[f64]], seed: u64, stat: impl Fn(&[Vec<f64>]) -> f64) -> (f64, f64) {
    if samples.iter().all(|s| s.len() <= 1) {
        let v = stat(&samples.iter().map(|s| s.to_vec()).collect::<Vec<_>>());
        return (v, v);
    }
    let mut rng = crate::hash::SplitMix64(seed);
    let mut bufs: Vec<Vec<f64>> = samples.iter().map(|s| vec![0.0; s.len()]).collect();
    let mut stats = Vec::with_capacity(RESAMPLES);
    for _ in 0..RESAMPLES {
        for (buf, s) in bufs.iter_mut().zip(samples) {
            for slot in buf.iter_mut() {
                *slot = s[(rng.next_u64() % s.len() as u64) as usize];
            }
            buf.sort_unstable_by(f64::total_cmp);
        }
        stats.push(stat(&bufs));
    }
    stats.sort_by(f64::total_cmp);
    (quantile(&stats, 0.025), quantile(&stats, 0.975))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_of_known_sample() {
        let s = summarize(&[1.0, 2.0, 3.0, 4.0, 100.0], 1).unwrap();
        assert_eq!(s.n, 5);
        assert_eq!(s.median, 3.0);
        assert_eq!(s.mean, 22.0);
        assert_eq!(s.min, 1.0);
        assert_eq!(s.max, 100.0);
        assert_eq!(s.outliers, 1);
        assert!(s.ci_low <= s.median && s.median <= s.ci_high);
        assert!((s.stddev - 1902.5f64.sqrt()).abs() < 1e-9);
    }

    #[test]
    fn bootstrap_is_reproducible_and_seed_dependent() {
        let xs = [1.0, 1.1, 0.9, 1.3, 1.05, 0.97, 1.2];
        assert_eq!(summarize(&xs, 7), summarize(&xs, 7));
        let s = summarize(&xs, 7).unwrap();
        assert!(s.ci_low < s.median && s.median < s.ci_high, "{s:?}");
    }

    #[test]
    fn single_value_has_degenerate_interval() {
        let s = summarize(&[2.5], 0).unwrap();
        assert_eq!(
            (s.ci_low, s.median, s.ci_high, s.stddev),
            (2.5, 2.5, 2.5, 0.0)
        );
        assert!(summarize(&[], 0).is_none());
        assert!(summarize(&[f64::NAN], 0).is_none());
    }

    #[test]
    fn speedup_is_ratio_of_medians() {
        let (s, lo, hi) = speedup(&[2.0, 2.0, 2.0], &[1.0, 1.0, 1.0], 1.0, 3).unwrap();
        assert_eq!((s, lo, hi), (2.0, 2.0, 2.0));
        let (w, _, _) = speedup(&[2.0], &[4.0], 4.0, 3).unwrap();
        assert_eq!(w, 2.0);
        assert!(speedup(&[], &[1.0], 1.0, 0).is_none());
    }

    #[test]
    fn quantiles_interpolate() {
        let v = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile(&v, 0.5), 2.5);
        assert_eq!(quantile(&v, 0.25), 1.75);
    }
}
