//! Tick label text: numbers with just enough digits, and the unit durations read best in.

/// Integers as integers, other values with `digits` significant digits (trailing zeros
/// trimmed), very large or very small values in scientific notation.
pub(crate) fn format_number(v: f64, digits: usize) -> String {
    if !v.is_finite() {
        return v.to_string();
    }
    let a = v.abs();
    if a < 1e-12 {
        return "0".to_string();
    }
    let digits = digits.max(1);
    if !(1e-4..1e6).contains(&a) {
        return trim_scientific(&format!("{:.*e}", digits - 1, v));
    }
    if (v - v.round()).abs() < 1e-9 * a.max(1.0) {
        return format!("{:.0}", v.round());
    }
    let magnitude = a.log10().floor() as i32;
    let decimals = (digits as i32 - 1 - magnitude).max(0) as usize;
    trim_decimal(&format!("{v:.decimals$}"))
}

pub(crate) fn trim_decimal(s: &str) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s.to_string()
    }
}

pub(crate) fn trim_scientific(s: &str) -> String {
    match s.split_once('e') {
        Some((mantissa, exp)) => format!("{}e{}", trim_decimal(mantissa), exp),
        None => s.to_string(),
    }
}

/// The unit durations around `largest` seconds read best in: (multiplier, symbol), so the
/// largest value is at least 1 in that unit.
pub(crate) fn seconds_unit(largest: f64) -> (f64, &'static str) {
    if largest >= 1.0 {
        (1.0, "s")
    } else if largest >= 1e-3 {
        (1e3, "ms")
    } else if largest >= 1e-6 {
        (1e6, "µs")
    } else {
        (1e9, "ns")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_labels() {
        assert_eq!(format_number(1.0, 3), "1");
        assert_eq!(format_number(64.0, 3), "64");
        assert_eq!(format_number(0.0, 3), "0");
        assert_eq!(format_number(2.5, 3), "2.5");
        assert_eq!(format_number(0.125, 3), "0.125");
        assert_eq!(format_number(1.0 / 3.0, 3), "0.333");
        assert_eq!(format_number(0.00123456, 3), "0.00123");
        assert_eq!(format_number(2e-6, 3), "2e-6");
        assert_eq!(format_number(1.5e7, 3), "1.5e7");
        assert_eq!(seconds_unit(0.25), (1e3, "ms"));
        assert_eq!(seconds_unit(1.5), (1.0, "s"));
        assert_eq!(seconds_unit(2e-5), (1e6, "µs"));
        assert_eq!(seconds_unit(3e-9), (1e9, "ns"));
    }
}
