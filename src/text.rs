//! Numbers in words, the same everywhere parabench prints them: counts with their noun in the
//! right number ("1 worker", "4 workers") and durations with a unit chosen from the value.
//! Imports nothing from the crate.

/// "1 worker", "4 workers", "2 processes".
pub fn count(n: u64, noun: &str) -> String {
    match n {
        1 => format!("1 {noun}"),
        _ if noun.ends_with('s') => format!("{n} {noun}es"),
        _ => format!("{n} {noun}s"),
    }
}

/// A measured duration with three significant figures and a unit that keeps them readable:
/// "1.234 s", "12.34 ms", "56.7 us"; "-" for none.
pub fn seconds(v: Option<f64>) -> String {
    match v {
        None => "-".into(),
        Some(s) if s >= 1.0 => format!("{s:.3} s"),
        Some(s) if s >= 1e-3 => format!("{:.2} ms", s * 1e3),
        Some(s) => format!("{:.1} us", s * 1e6),
    }
}

/// "a", "a and b", "a, b and c".
pub fn and_list<S: AsRef<str>>(items: &[S]) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_string(),
        [rest @ .., last] => {
            let rest: Vec<&str> = rest.iter().map(AsRef::as_ref).collect();
            format!("{} and {}", rest.join(", "), last.as_ref())
        }
    }
}

/// An estimate, as coarse as it is: "850 ms", "12.3 s", "4 min 10 s", "2 h 05 min".
pub fn rough_duration(s: f64) -> String {
    if s < 1.0 {
        format!("{:.0} ms", s * 1000.0)
    } else if s < 60.0 {
        format!("{s:.1} s")
    } else if s < 3600.0 {
        format!("{} min {:02} s", (s / 60.0) as u64, (s % 60.0) as u64)
    } else {
        format!(
            "{} h {:02} min",
            (s / 3600.0) as u64,
            ((s % 3600.0) / 60.0) as u64
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_units() {
        assert_eq!(count(1, "worker"), "1 worker");
        assert_eq!(count(0, "cell"), "0 cells");
        assert_eq!(count(3, "process"), "3 processes");
        assert_eq!(seconds(Some(0.01234)), "12.34 ms");
        assert_eq!(seconds(None), "-");
        assert_eq!(rough_duration(250.0), "4 min 10 s");
    }
}
