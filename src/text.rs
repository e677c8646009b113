//! Numbers in words, the same everywhere parabench prints them: counts with their noun in the
//! right number ("1 worker", "4 workers") and durations with a unit chosen from the value; and
//! quotes of what a user or a program wrote, cut to a length a terminal shows.
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

/// Marks where a quote leaves text out.
pub const ELLIPSIS: char = '…';

/// `text` when it has at most `max` characters; else its beginning and its end around an
/// [`ELLIPSIS`], `max` characters in all (the end is often what matters: the value of a
/// `key=value`, the last words of an error).
pub fn shorten(text: &str, max: usize) -> String {
    let n = text.chars().count();
    if n <= max {
        return text.to_string();
    }
    let keep = max.saturating_sub(1);
    let head = keep.div_ceil(2);
    let tail = keep - head;
    let mut out: String = text.chars().take(head).collect();
    out.push(ELLIPSIS);
    out.extend(text.chars().skip(n - tail));
    out
}

/// `text` with every word (a run of characters other than spaces) longer than `max`
/// characters [`shorten`]ed: a 15,000-digit number or key name becomes a quote of `max`.
pub fn shorten_words(text: &str, max: usize) -> String {
    if !text.split(' ').any(|w| w.chars().count() > max) {
        return text.to_string();
    }
    text.split(' ')
        .map(|w| shorten(w, max))
        .collect::<Vec<_>>()
        .join(" ")
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

    #[test]
    fn quotes_keep_both_ends() {
        assert_eq!(shorten("abcdef", 6), "abcdef");
        assert_eq!(shorten("abcdefgh", 5), "ab…gh");
        assert_eq!(shorten("αβγδεζηθ", 4), "αβ…θ");
        let long = "7".repeat(15_000);
        let s = shorten_words(&format!("repeats = {long} is out of range"), 40);
        assert_eq!(s.chars().count(), "repeats =  is out of range".len() + 40);
        assert!(s.starts_with("repeats = 777") && s.ends_with("777 is out of range"));
        assert_eq!(shorten_words("a b  c", 1), "a b  c");
    }
}
