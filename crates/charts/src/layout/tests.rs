//! The layout decisions: outlier series, tick choices, label dodging.

use super::extent::prediction_end;
use super::*;

#[test]
fn outlier_series_are_a_minority_far_above_the_rest() {
    let m = |v: &[f64]| -> Vec<(usize, f64)> { v.iter().copied().enumerate().collect() };
    // The demo's sleep efficiency: async-multi at 26, the others about 1.
    assert_eq!(
        outliers(&m(&[1.0, 1.03, 0.98, 26.6, 0.86, 1.01])),
        Some((vec![3], 1.03))
    );
    // Spread out but no gap: none.
    assert_eq!(outliers(&m(&[1.0, 2.0, 4.0, 8.0, 16.0])), None);
    // Two series: neither is a minority.
    assert_eq!(outliers(&m(&[1.0, 30.0])), None);
    // A gap below the majority (one low series) is not an outlier at the top.
    assert_eq!(outliers(&m(&[14.0, 14.5, 13.0, 1.0])), None);
}

#[test]
fn predictions_take_at_most_a_third_of_the_axis() {
    // Measured 1..16 on a log axis: up to 64, here the fit's 32.
    assert_eq!(prediction_end(1.0, 16.0, 32.0, true), 32.0);
    // Measured 1..4, fits to 16: stop at 8 (a power of two).
    assert_eq!(prediction_end(1.0, 4.0, 16.0, true), 8.0);
    // Linear 1..4: at most 5.5, rounded down to 5.
    assert_eq!(prediction_end(1.0, 4.0, 16.0, false), 5.0);
    // No room (1..2 on a log axis: at most 2.8, no power of two above 2): none.
    assert_eq!(prediction_end(1.0, 2.0, 16.0, true), 2.0);
    // Fits within the data: the measured end.
    assert_eq!(prediction_end(1.0, 8.0, 8.0, true), 8.0);
}

#[test]
fn bars_at_one_x_spread_symmetrically() {
    assert_eq!(
        (0..3).map(|i| dodge(i, 3, 30.0)).collect::<Vec<_>>(),
        [-5, 0, 5]
    );
    assert_eq!(dodge(0, 1, 30.0), 0);
    // Fourteen bars stay within 30 pixels.
    assert_eq!((dodge(0, 14, 30.0), dodge(13, 14, 30.0)), (-15, 15));
}
