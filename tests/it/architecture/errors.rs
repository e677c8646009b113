//! Typed errors at module boundaries: no `pub`/`pub(crate)` function, trait method or
//! `FromStr` in `src/` returns a `String` error (a scan of the source text).

use super::{code_of, non_test, sources};
use std::path::Path;

/// Whether a return type holds a `Result<_, String>` (`String` as the error type itself, not
/// inside another type).
fn returns_string_error(ret: &str) -> bool {
    let ret: String = ret.split_whitespace().collect();
    ret.match_indices("Result<").any(|(at, _)| {
        let inner = &ret[at + "Result<".len()..];
        let (mut depth, mut comma) = (0i32, None);
        for (i, c) in inner.char_indices() {
            match c {
                '<' | '(' => depth += 1,
                ')' => depth -= 1,
                '>' if depth == 0 => return comma.is_some_and(|j| &inner[j + 1..i] == "String"),
                '>' => depth -= 1,
                ',' if depth == 0 => comma = Some(i),
                _ => {}
            }
        }
        false
    })
}

/// The functions other modules call (`pub`, `pub(crate)`, and methods of traits and of trait
/// impls) whose return type is `Result<_, String>`, and every `type Err = String`, as
/// `line: signature`.
fn string_errors_at_boundaries(text: &str) -> Vec<String> {
    let code: Vec<String> = text.lines().map(code_of).collect();
    // The depths at which a `trait` or `impl ... for` block opened, innermost last.
    let (mut depth, mut traits, mut pending) = (0usize, Vec::new(), false);
    let mut out = Vec::new();
    for (i, l) in code.iter().enumerate() {
        let t = l.trim_start();
        let bare = t
            .strip_prefix("pub ")
            .or_else(|| t.strip_prefix("pub(crate) "));
        let item = bare.unwrap_or(t);
        if item.starts_with("trait ") || (item.starts_with("impl") && item.contains(" for ")) {
            pending = true;
        }
        if t.replace(' ', "") == "typeErr=String;" {
            out.push(format!("{}: {t}", i + 1));
        }
        let is_fn = ["fn ", "async fn ", "const fn ", "unsafe fn "]
            .iter()
            .any(|p| item.starts_with(p));
        if is_fn && (bare.is_some() || traits.last().is_some_and(|&d| d == depth)) {
            let sig: String = code[i..]
                .iter()
                .map(|l| l.trim())
                .scan(false, |done, l| {
                    (!*done).then(|| {
                        *done = l.contains('{') || l.ends_with(';');
                        l.to_string()
                    })
                })
                .collect::<Vec<_>>()
                .join(" ");
            let sig = sig.split('{').next().unwrap_or(&sig);
            if returns_string_error(after_arguments(sig)) {
                out.push(format!("{}: {}", i + 1, sig.trim()));
            }
        }
        for ch in l.chars() {
            match ch {
                '{' => {
                    depth += 1;
                    if std::mem::take(&mut pending) {
                        traits.push(depth);
                    }
                }
                '}' => {
                    if traits.last() == Some(&depth) {
                        traits.pop();
                    }
                    depth = depth.saturating_sub(1);
                }
                ';' if pending && depth == traits.last().copied().unwrap_or(0) => pending = false,
                _ => {}
            }
        }
    }
    out
}

/// What follows a signature's argument list (its return type and `where` clause): an
/// argument's own `impl Fn() -> T` is not the function's return type.
fn after_arguments(sig: &str) -> &str {
    // The first `(` after `fn ` (not `pub(crate)`'s).
    let Some(open) = sig
        .find("fn ")
        .and_then(|f| sig[f..].find('(').map(|o| f + o))
    else {
        return "";
    };
    let mut depth = 0;
    for (i, c) in sig[open..].char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return &sig[open + i + 1..];
                }
            }
            _ => {}
        }
    }
    ""
}

#[test]
fn the_string_error_scan_sees_boundaries_only() {
    let text = "pub fn a() -> Result<u8, String> {}\n\
                fn private() -> Result<u8, String> {}\n\
                pub(crate) fn b(\n    f: impl Fn() -> Result<u8, String>,\n) -> Result<Vec<String>, E> {}\n\
                pub trait T {\n    fn c(&self) -> Result<Option<Arc<dyn X>>, String>;\n    fn d(&self) -> u8 { 0 }\n}\n\
                impl FromStr for Y {\n    type Err = String;\n    fn from_str(s: &str) -> Result<Y, String> {\n        Ok(Y)\n    }\n}\n\
                impl Y {\n    fn e() -> Result<u8, String> {}\n}\n\
                pub fn f() -> anyhow::Result<Result<(), String>> {}\n";
    let found: Vec<String> = string_errors_at_boundaries(text)
        .iter()
        .map(|l| l.split(':').next().unwrap().to_string())
        .collect();
    assert_eq!(found, ["1", "7", "11", "12", "19"]);
}

#[test]
fn errors_at_module_boundaries_are_types_not_strings() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut bad = Vec::new();
    for (path, text) in sources() {
        let rel = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .display()
            .to_string();
        if path.file_name().is_some_and(|n| n == "tests.rs") {
            continue;
        }
        for hit in string_errors_at_boundaries(non_test(&text)) {
            bad.push(format!("{rel}:{hit}"));
        }
    }
    assert!(
        bad.is_empty(),
        "these return `String` errors across a module boundary; give the module a \
         `thiserror` type (keep `String` inside the module):\n{}",
        bad.join("\n")
    );
}
