//! The Mann-Whitney U test (Wilcoxon rank-sum), two-sided: do two samples of run times come
//! from the same distribution? It assumes nothing about the shape of the distributions, which
//! suits timings (skewed, with outliers). Small samples without ties get the exact null
//! distribution; otherwise the normal approximation with tie and continuity corrections (as
//! SciPy's `mannwhitneyu` and R's `wilcox.test` do).

/// Largest `n1 * n2` for which the exact distribution is computed (a table of that size).
const EXACT_MAX_PRODUCT: usize = 2500;

/// Result of one test.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RankTest {
    /// U of the first sample: the number of pairs (x, y) with x > y, ties counting one half.
    pub u: f64,
    /// Two-sided p-value.
    pub p: f64,
    /// Whether `p` comes from the exact distribution (else the normal approximation).
    pub exact: bool,
}

/// Two-sided Mann-Whitney U test of `x` against `y`. `None` when either sample is empty
/// (non-finite values are dropped first).
pub fn mann_whitney(x: &[f64], y: &[f64]) -> Option<RankTest> {
    let x: Vec<f64> = x.iter().copied().filter(|v| v.is_finite()).collect();
    let y: Vec<f64> = y.iter().copied().filter(|v| v.is_finite()).collect();
    let (n1, n2) = (x.len(), y.len());
    if n1 == 0 || n2 == 0 {
        return None;
    }
    // Midranks of the pooled sample, and the tie groups' sizes.
    let mut pooled: Vec<(f64, bool)> = x
        .iter()
        .map(|&v| (v, true))
        .chain(y.iter().map(|&v| (v, false)))
        .collect();
    pooled.sort_by(|a, b| a.0.total_cmp(&b.0));
    let n = pooled.len();
    let mut rank_sum_x = 0.0;
    let mut tie_term = 0.0; // sum of t^3 - t over tie groups
    let mut i = 0;
    while i < n {
        let mut j = i + 1;
        while j < n && pooled[j].0 == pooled[i].0 {
            j += 1;
        }
        let t = (j - i) as f64;
        let midrank = (i + j + 1) as f64 / 2.0; // ranks i+1 ..= j
        rank_sum_x += midrank * pooled[i..j].iter().filter(|p| p.1).count() as f64;
        tie_term += t * t * t - t;
        i = j;
    }
    let (f1, f2) = (n1 as f64, n2 as f64);
    let u = rank_sum_x - f1 * (f1 + 1.0) / 2.0;
    // Both tails: the larger of U1 and U2 = n1 n2 - U1.
    let u_big = u.max(f1 * f2 - u);

    if tie_term == 0.0 && n1 * n2 <= EXACT_MAX_PRODUCT {
        // P(U >= u_big) from the exact null distribution; u_big is an integer without ties.
        let counts = u_distribution(n1, n2);
        let total: f64 = counts.iter().sum();
        let upper: f64 = counts[u_big.round() as usize..].iter().sum();
        return Some(RankTest {
            u,
            p: (2.0 * upper / total).min(1.0),
            exact: true,
        });
    }
    let p = normal_p(u_big, n1, n2, tie_term);
    Some(RankTest { u, p, exact: false })
}

/// Two-sided p-value of `u` (either sample's U) from the normal approximation, with the
/// variance corrected for ties (`tie_term` = sum of t^3 - t over tie groups of size t) and a
/// continuity correction of one half.
fn normal_p(u: f64, n1: usize, n2: usize, tie_term: f64) -> f64 {
    let (f1, f2) = (n1 as f64, n2 as f64);
    let n = f1 + f2;
    let var = f1 * f2 / 12.0 * ((n + 1.0) - tie_term / (n * (n - 1.0)));
    if var <= 0.0 {
        return 1.0; // every value tied: no evidence of any difference
    }
    let u_big = u.max(f1 * f2 - u);
    let z = (u_big - f1 * f2 / 2.0 - 0.5) / var.sqrt();
    (2.0 * normal_sf(z)).min(1.0)
}

/// The smallest two-sided p-value the test can give for these sample sizes (complete
/// separation, no ties): `2 / C(n1 + n2, n1)`. When it is not below alpha, no data could ever
/// be called significant.
pub fn smallest_p(n1: usize, n2: usize) -> f64 {
    if n1 == 0 || n2 == 0 {
        return 1.0;
    }
    let (k, n) = (n1.min(n2), n1 + n2);
    // C(n, k) as a running product; f64 is plenty (only compared against alpha).
    let c = (1..=k).fold(1.0_f64, |c, i| c * (n - k + i) as f64 / i as f64);
    (2.0 / c).min(1.0)
}

/// The fewest runs per side (equal sizes) for which the test can reach `alpha`.
pub fn runs_needed(alpha: f64) -> usize {
    (1..=1000)
        .find(|&n| smallest_p(n, n) < alpha)
        .unwrap_or(1000)
}

/// Number of orderings giving each U = 0 ..= n1 n2 under the null hypothesis, from the
/// recurrence c(n1, n2, u) = c(n1 - 1, n2, u - n2) + c(n1, n2 - 1, u) (the largest value
/// belongs to the first or to the second sample).
fn u_distribution(n1: usize, n2: usize) -> Vec<f64> {
    // table[j][u] for the current i (first-sample size) and every j <= n2.
    let max_u = n1 * n2;
    let mut prev: Vec<Vec<f64>> = (0..=n2)
        .map(|_| {
            let mut v = vec![0.0; max_u + 1];
            v[0] = 1.0; // i = 0: one ordering, U = 0
            v
        })
        .collect();
    for i in 1..=n1 {
        let mut cur: Vec<Vec<f64>> = vec![vec![0.0; max_u + 1]; n2 + 1];
        cur[0][0] = 1.0; // j = 0: one ordering, U = 0
        for j in 1..=n2 {
            for u in 0..=i * j {
                let from_x = if u >= j { prev[j][u - j] } else { 0.0 };
                cur[j][u] = from_x + cur[j - 1][u];
            }
        }
        prev = cur;
    }
    prev.swap_remove(n2)
}

/// Upper tail of the standard normal distribution, P(Z > z).
fn normal_sf(z: f64) -> f64 {
    0.5 * erfc(z / std::f64::consts::SQRT_2)
}

/// Complementary error function, Chebyshev fit with relative error below 1.2e-7 everywhere
/// (Numerical Recipes' `erfcc`): ample for a p-value.
fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -z * z - 1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let r = t * poly.exp();
    if x >= 0.0 {
        r
    } else {
        2.0 - r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn complete_separation_of_five_and_five_is_two_in_252() {
        let t = mann_whitney(&[1.0, 2.0, 3.0, 4.0, 5.0], &[6.0, 7.0, 8.0, 9.0, 10.0]).unwrap();
        assert_eq!(t.u, 0.0);
        assert!(t.exact);
        assert!(close(t.p, 2.0 / 252.0, 1e-12), "{t:?}");
        // Symmetric in the order of the samples, except for U.
        let r = mann_whitney(&[6.0, 7.0, 8.0, 9.0, 10.0], &[1.0, 2.0, 3.0, 4.0, 5.0]).unwrap();
        assert_eq!(r.u, 25.0);
        assert_eq!(r.p, t.p);
    }

    #[test]
    fn scipy_documentation_example() {
        // scipy.stats.mannwhitneyu docs: males vs females, U1 = 17, exact p = 0.1111...,
        // asymptotic p = 0.11134688653314041.
        let males = [19.0, 22.0, 16.0, 29.0, 24.0];
        let females = [20.0, 11.0, 17.0, 12.0];
        let t = mann_whitney(&males, &females).unwrap();
        assert_eq!(t.u, 17.0);
        assert!(t.exact);
        assert!(close(t.p, 1.0 / 9.0, 1e-12), "{t:?}");
    }

    #[test]
    fn r_wilcox_test_example() {
        // R's ?wilcox.test (Hollander & Wolfe): W = 35, one-sided p = 0.1272, so the
        // two-sided exact p is 0.2544.
        let x = [0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46];
        let y = [1.15, 0.88, 0.90, 0.74, 1.21];
        let t = mann_whitney(&x, &y).unwrap();
        assert_eq!(t.u, 35.0);
        assert!(t.exact);
        assert!(close(t.p, 0.2544, 5e-5), "{t:?}");
    }

    #[test]
    fn normal_approximation_with_ties() {
        // With a tie the exact table no longer applies. Reference values from the textbook
        // formula (midranks, tie-corrected variance, continuity correction) evaluated with
        // Python's math.erfc: the three 5s share rank 5, so U1 = 16 - 15 = 1,
        // sigma^2 = 25/12 * (11 - 24/90), z = (24 - 12.5 - 0.5) / sigma = 2.32619.
        let x = [1.0, 2.0, 3.0, 5.0, 5.0];
        let y = [5.0, 6.0, 7.0, 8.0, 9.0];
        let t = mann_whitney(&x, &y).unwrap();
        assert_eq!(t.u, 1.0);
        assert!(!t.exact);
        assert!(close(t.p, 0.020_008_185, 1e-6), "{t:?}");
    }

    #[test]
    fn scipy_asymptotic_example() {
        // The scipy example again, with method="asymptotic": p = 0.11134688653314041.
        let p = normal_p(17.0, 5, 4, 0.0);
        assert!(close(p, 0.111_346_886_5, 1e-6), "{p}");
    }

    #[test]
    fn large_samples_use_the_normal_approximation() {
        let x: Vec<f64> = (0..60).map(f64::from).collect();
        let y: Vec<f64> = (0..60).map(|i| f64::from(i) + 30.5).collect();
        let t = mann_whitney(&x, &y).unwrap();
        assert!(!t.exact);
        assert!(t.p < 1e-6, "{t:?}");
    }

    #[test]
    fn identical_samples_give_p_one() {
        let x = [1.0, 1.1, 1.2, 1.3, 1.4];
        let t = mann_whitney(&x, &x).unwrap();
        assert!(close(t.p, 1.0, 1e-12), "{t:?}");
        let flat = mann_whitney(&[2.0; 5], &[2.0; 5]).unwrap();
        assert_eq!(flat.p, 1.0);
        assert!(mann_whitney(&[], &[1.0]).is_none());
        assert!(mann_whitney(&[f64::NAN], &[1.0]).is_none());
    }

    #[test]
    fn exact_distribution_sums_to_the_binomial_coefficient() {
        // Counted by brute force over all C(10, 5) = 252 splits.
        let expected = [
            1, 1, 2, 3, 5, 7, 9, 11, 14, 16, 18, 19, 20, 20, 19, 18, 16, 14, 11, 9, 7, 5, 3, 2, 1,
            1,
        ];
        let d = u_distribution(5, 5);
        assert_eq!(d, expected.map(f64::from));
        assert_eq!(d.iter().sum::<f64>(), 252.0);
        let d = u_distribution(3, 7);
        assert_eq!(d.iter().sum::<f64>(), 120.0);
    }

    #[test]
    fn smallest_p_tells_when_alpha_is_out_of_reach() {
        assert!(close(smallest_p(3, 3), 0.1, 1e-12));
        assert!(close(smallest_p(4, 4), 2.0 / 70.0, 1e-12));
        assert!(close(smallest_p(5, 5), 2.0 / 252.0, 1e-12));
        assert!(close(smallest_p(2, 5), 2.0 / 21.0, 1e-12));
        assert_eq!(smallest_p(1, 1), 1.0);
        assert_eq!(smallest_p(0, 5), 1.0);
        assert_eq!(runs_needed(0.05), 4);
        assert_eq!(runs_needed(0.01), 5);
    }

    #[test]
    fn erfc_matches_known_values() {
        assert!(close(erfc(0.0), 1.0, 1e-7));
        assert!(close(erfc(1.0), 0.157_299_207, 1e-7));
        assert!(close(erfc(-1.0), 1.842_700_793, 1e-7));
        assert!(close(normal_sf(1.959_964), 0.025, 1e-6));
    }
}
