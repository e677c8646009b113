//! Tick label text: numbers with just enough digits, and durations with a unit.

/// Integers as integers, other values with `digits` significant digits (trailing zeros
/// trimmed), very large or very small values in scientific notation.
pub(super) fn format_number(v: f64, digits: usize) -> String {
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

pub(super) fn trim_decimal(s: &str) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s.to_string()
    }
}

pub(super) fn trim_scientific(s: &str) -> String {
    match s.split_once('e') {
        Some((mantissa, exp)) => format!("{}e{}", trim_decimal(mantissa), exp),
        None => s.to_string(),
    }
}

/// A duration in seconds with a unit picked from `unit_of` (s, ms, µs, ns).
pub(super) fn format_seconds(v: f64, unit_of: f64, digits: usize) -> String {
    if v.abs() < 1e-15 {
        return "0".to_string();
    }
    let (scale, unit) = if unit_of >= 1.0 {
        (1.0, "s")
    } else if unit_of >= 1e-3 {
        (1e3, "ms")
    } else if unit_of >= 1e-6 {
        (1e6, "µs")
    } else {
        (1e9, "ns")
    };
    format!("{} {unit}", format_number(v * scale, digits))
}

/// Whether an axis label says its values are seconds: a bracket holding the unit "s" (or
/// "sec", "seconds"), e.g. "wall time (s)" or "time per run (s; elapsed where reported)".
pub(super) fn is_seconds_label(label: &str) -> bool {
    let l = label.to_lowercase();
    l.match_indices(['(', '[']).any(|(i, _)| {
        let rest = &l[i + 1..];
        ["seconds", "sec", "s"].iter().any(|unit| {
            rest.strip_prefix(unit)
                .and_then(|after| after.chars().next())
                .is_some_and(|c| matches!(c, ')' | ']' | ';' | ','))
        })
    })
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
        assert_eq!(format_seconds(0.25, 0.25, 3), "250 ms");
        assert_eq!(format_seconds(1.5, 2.0, 3), "1.5 s");
        assert_eq!(format_seconds(0.0, 2.0, 3), "0");
        assert_eq!(format_seconds(2e-5, 2e-5, 3), "20 µs");
        assert!(is_seconds_label("wall time (s)"));
        assert!(is_seconds_label(
            "median time per run (s; own elapsed_s where reported)"
        ));
        assert!(!is_seconds_label("throughput (tasks/s)"));
        assert!(!is_seconds_label("speedup (x)"));
    }
}
