//! Diagnostics for scenario files: an error names the file, line, column and key path, says
//! what was expected, shows the offending line, and suggests the nearest known name.
//!
//! Every line of an error fits a terminal: the source line is quoted as a window of at most
//! [`QUOTE_CHARS`] characters around the column (with an ellipsis where it is cut, the caret
//! still under the offending text), and in the key and message a word longer than
//! [`WORD_CHARS`] (a 15,000-digit number, a key name pasted twice; [`HELP_WORD_CHARS`] in a
//! help line, where a path fits) keeps only its two ends, as does a line longer than
//! [`LINE_CHARS`]. Lists of every model or kernel point at
//! `parabench list` instead of being spelled out.
//!
//! Readers of single values (a key's value, a worker list) know what is wrong but not where the
//! value sits in the file: they return a [`Problem`] with a path relative to the value, and
//! [`Source::locate`] turns it into a [`ScenarioError`] once the key path above it is known.

use crate::text::{shorten, shorten_words, ELLIPSIS};
use std::fmt;
use std::ops::Range;

/// The most of a source line an error quotes, centred on the column.
pub const QUOTE_CHARS: usize = 160;

/// The longest word (a key path, a value) an error's key or message quotes whole.
pub const WORD_CHARS: usize = 40;

/// The longest word a help line quotes whole (it has a line of its own: a path fits).
pub const HELP_WORD_CHARS: usize = 100;

/// The longest line of an error's message or help (each line of it).
pub const LINE_CHARS: usize = 180;

/// The most lines one line of a note or help is wrapped into; the rest is cut.
const WRAPPED_LINES: usize = 4;

/// A note's or help's text as lines of at most [`LINE_CHARS`]: long words shortened, and a
/// longer line wrapped at spaces into continuation lines indented by `indent` (shortened
/// first if even [`WRAPPED_LINES`] lines would not hold it). Lines that fit keep their
/// spacing.
fn wrap(text: &str, indent: usize) -> String {
    let pad = " ".repeat(indent);
    text.split('\n')
        .map(|line| {
            let line = shorten_words(line, HELP_WORD_CHARS);
            if line.chars().count() <= LINE_CHARS {
                return line;
            }
            let line = shorten(&line, LINE_CHARS * WRAPPED_LINES);
            let mut pieces: Vec<String> = Vec::new();
            let mut current = String::new();
            for word in line.split(' ').filter(|w| !w.is_empty()) {
                let len = current.chars().count();
                if len > 0 && len + 1 + word.chars().count() > LINE_CHARS {
                    pieces.push(std::mem::take(&mut current));
                } else if len > 0 {
                    current.push(' ');
                }
                current.push_str(word);
            }
            pieces.push(current);
            pieces.join(&format!("\n{pad}"))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `text` fit for lines of an error: words longer than `word` and then each line shortened.
fn fit(text: &str, word: usize) -> String {
    text.split('\n')
        .map(|line| shorten(&shorten_words(line, word), LINE_CHARS))
        .collect::<Vec<_>>()
        .join("\n")
}

/// At most [`QUOTE_CHARS`] characters of `line` around the span that starts `start`
/// characters in and is `width` wide: the quoted text (with an ellipsis at each cut end), and
/// the caret's start and width within it.
fn quote(line: &str, start: usize, width: usize) -> (String, usize, usize) {
    let chars: Vec<char> = line.chars().collect();
    let n = chars.len();
    if n <= QUOTE_CHARS {
        return (line.to_string(), start, width);
    }
    let to = (start.saturating_sub(QUOTE_CHARS / 2) + QUOTE_CHARS).min(n);
    let from = to - QUOTE_CHARS;
    let mut text = String::new();
    if from > 0 {
        text.push(ELLIPSIS);
    }
    text.extend(&chars[from..to]);
    if to < n {
        text.push(ELLIPSIS);
    }
    let shift = usize::from(from > 0);
    let start = start.clamp(from, to);
    let end = (start + width).min(to);
    (text, start - from + shift, end - start)
}
use std::path::{Path, PathBuf};
use toml::de::{DeTable, DeValue};

/// A problem with a scenario file, located as precisely as the parser allows.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioError {
    pub file: PathBuf,
    /// 1-based line and column; 0 when the problem is about the file as a whole.
    pub line: usize,
    pub col: usize,
    /// Key path such as `workload[1].workers[2]`; empty for syntax errors.
    pub key: String,
    pub message: String,
    /// The fix, e.g. "did you mean `primes`?".
    pub help: Option<String>,
    /// The source line with the caret, and a note (boxed together: errors stay small).
    extra: Option<Box<Extra>>,
}

/// The parts of an error that some errors lack.
#[derive(Debug, Clone, PartialEq, Default)]
struct Extra {
    /// The source line and the caret span within it.
    snippet: Option<(String, usize, usize)>,
    /// What else was seen, shown before the fix (e.g. what a program said on stderr).
    note: Option<String>,
}

impl ScenarioError {
    /// An error about the file as a whole (unreadable, empty ...).
    pub fn whole_file(file: &Path, message: impl Into<String>) -> Self {
        ScenarioError {
            file: file.to_path_buf(),
            line: 0,
            col: 0,
            key: String::new(),
            message: message.into(),
            help: None,
            extra: None,
        }
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.extra.get_or_insert_with(Box::default).note = Some(note.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// What else was seen (e.g. what a program said), if anything.
    pub fn note(&self) -> Option<&str> {
        self.extra.as_ref()?.note.as_deref()
    }
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if self.line > 0 {
            write!(f, ":{}:{}", self.line, self.col)?;
        }
        write!(f, ": ")?;
        if !self.key.is_empty() {
            write!(f, "`{}`: ", shorten(&self.key, WORD_CHARS))?;
        }
        write!(f, "{}", fit(&self.message, WORD_CHARS))?;
        let extra = self.extra.as_deref();
        if let Some((line, start, width)) = extra.and_then(|e| e.snippet.as_ref()) {
            let (text, start, width) = quote(line, *start, *width);
            let num = self.line.to_string();
            let pad = " ".repeat(num.len());
            write!(
                f,
                "\n{pad} |\n{num} | {text}\n{pad} | {}{}",
                " ".repeat(start),
                "^".repeat(width.max(1))
            )?;
        }
        if let Some(note) = extra.and_then(|e| e.note.as_ref()) {
            write!(f, "\n  = note: {}", wrap(note, 10))?;
        }
        if let Some(help) = &self.help {
            write!(f, "\n  = help: {}", wrap(help, 10))?;
        }
        Ok(())
    }
}

impl std::error::Error for ScenarioError {}

/// One step of a key path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// A problem found in one value, not yet located: what is wrong, the fix, and where inside the
/// value (e.g. `[2]` for a list's third item).
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// Path below the value the reader was given; empty for the value itself.
    pub at: Vec<Seg>,
    /// Point at the key (an unknown key) rather than at its value.
    pub at_key: bool,
    pub message: String,
    pub help: String,
}

impl Problem {
    pub fn new(message: impl Into<String>, help: impl Into<String>) -> Problem {
        Problem {
            at: Vec::new(),
            at_key: false,
            message: message.into(),
            help: help.into(),
        }
    }

    /// The same problem, seen from one level up: `seg` is where the value sits in its parent.
    pub fn under(mut self, seg: Seg) -> Problem {
        self.at.insert(0, seg);
        self
    }

    /// The same problem, about the key `seg` names rather than its value.
    pub fn at_key(mut self, seg: Seg) -> Problem {
        self.at.insert(0, seg);
        self.at_key = true;
        self
    }
}

/// On the command line (`--workers 0`) there is no file to point into: problem, then fix.
impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.help.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", self.message, self.help)
        }
    }
}

impl std::error::Error for Problem {}

/// How a value of the wrong type is named in "invalid type" messages: its type, and for a
/// scalar the value itself (`string "eight"`), so the reader sees what the parser saw.
pub fn describe(value: &DeValue) -> String {
    match value {
        DeValue::String(s) => format!("string {s:?}"),
        DeValue::Integer(i) => format!("integer {i}"),
        DeValue::Float(f) => format!("float {f}"),
        DeValue::Boolean(b) => format!("boolean {b}"),
        DeValue::Datetime(d) => format!("date-time {d}"),
        DeValue::Array(_) => "list".to_string(),
        DeValue::Table(_) => "table".to_string(),
    }
}

impl Seg {
    pub fn key(k: &str) -> Seg {
        Seg::Key(k.to_string())
    }
}

/// Renders a key path as `workload[1].workers[2]`.
pub fn path_string(path: &[Seg]) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            Seg::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}

/// The text of a scenario file with its parsed tree, to turn key paths into positions.
pub struct Source<'a> {
    pub file: &'a Path,
    pub text: &'a str,
    table: Option<DeTable<'a>>,
}

impl<'a> Source<'a> {
    pub fn new(file: &'a Path, text: &'a str) -> Self {
        let table = DeTable::parse(text).ok().map(|t| t.into_inner());
        Source { file, text, table }
    }

    /// An error at a byte span.
    pub fn error_at(
        &self,
        span: Option<Range<usize>>,
        key: String,
        message: String,
    ) -> ScenarioError {
        let mut err = ScenarioError {
            file: self.file.to_path_buf(),
            line: 0,
            col: 0,
            key,
            message,
            help: None,
            extra: None,
        };
        if let Some(span) = span {
            let start = span.start.min(self.text.len());
            let line_start = self.text[..start].rfind('\n').map_or(0, |i| i + 1);
            let line_end = self.text[start..]
                .find('\n')
                .map_or(self.text.len(), |i| start + i);
            let line_text = self.text[line_start..line_end].trim_end_matches('\r');
            err.line = self.text[..start].matches('\n').count() + 1;
            err.col = self.text[line_start..start].chars().count() + 1;
            let end = span.end.clamp(start, line_end);
            let width = self.text[start..end].chars().count();
            err.extra.get_or_insert_with(Box::default).snippet =
                Some((line_text.to_string(), err.col - 1, width));
        }
        err
    }

    /// Locates a value's [`Problem`]: `base` is the key path of the value it was found in.
    pub fn locate(&self, base: &[Seg], problem: Problem) -> ScenarioError {
        let mut path = base.to_vec();
        path.extend(problem.at);
        let err = self.error(&path, problem.at_key, problem.message);
        if problem.help.is_empty() {
            err
        } else {
            err.with_help(problem.help)
        }
    }

    /// An error at a key path; `at_key` points at the key itself rather than its value.
    pub fn error(&self, path: &[Seg], at_key: bool, message: impl Into<String>) -> ScenarioError {
        self.error_at(self.span(path, at_key), path_string(path), message.into())
    }

    /// Byte span of the value (or the key) at `path`, or of its nearest existing parent.
    pub fn span(&self, path: &[Seg], at_key: bool) -> Option<Range<usize>> {
        let table = self.table.as_ref()?;
        let mut best: Option<Range<usize>> = None;
        let mut here: Option<&DeValue> = None;
        for (i, seg) in path.iter().enumerate() {
            let last = i + 1 == path.len();
            match seg {
                Seg::Key(k) => {
                    let map = match here {
                        None => table,
                        Some(v) => v.as_table()?,
                    };
                    let (key, value) = map.iter().find(|(key, _)| key.get_ref() == k)?;
                    best = Some(if last && at_key {
                        key.span()
                    } else {
                        value.span()
                    });
                    here = Some(value.get_ref());
                }
                Seg::Index(n) => {
                    let item = here?.as_array()?.get(*n)?;
                    best = Some(item.span());
                    here = Some(item.get_ref());
                }
            }
        }
        best
    }
}

/// The known name nearest to `word`, if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(word: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word_l = word.to_lowercase();
    known
        .into_iter()
        .map(|k| (edit_distance(&word_l, &k.to_lowercase()), k))
        .filter(|(d, k)| *d <= (k.len().max(word.len()) / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// "did you mean `x`? " prefix plus the list of what is accepted (as much of it as fits
/// [`LIST_CHARS`], then how many more).
pub fn suggest(word: &str, what: &str, known: &[&str]) -> String {
    let list = some_of(known, LIST_CHARS);
    match did_you_mean(word, known.iter().copied()) {
        Some(k) => format!("did you mean `{k}`? {what}: {list}"),
        None => format!("{what}: {list}"),
    }
}

/// The most characters a list of names takes in a help line.
pub const LIST_CHARS: usize = 130;

/// `a`, `b`, `c` — or as many as fit in `max` characters and "… (N more)".
pub fn some_of(names: &[&str], max: usize) -> String {
    let mut out = String::new();
    for (i, name) in names.iter().enumerate() {
        let item = format!("`{name}`");
        let sep = if i == 0 { "" } else { ", " };
        if out.len() + sep.len() + item.len() > max && i > 0 {
            out.push_str(&format!(", {ELLIPSIS} ({} more)", names.len() - i));
            break;
        }
        out.push_str(sep);
        out.push_str(&item);
    }
    out
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_find_typos_only() {
        assert_eq!(did_you_mean("prims", ["primes", "spin"]), Some("primes"));
        assert_eq!(
            did_you_mean("threds", ["threads", "rayon"]),
            Some("threads")
        );
        assert_eq!(did_you_mean("zzzzzz", ["threads", "rayon"]), None);
    }

    #[test]
    fn long_lines_are_quoted_around_the_column() {
        let ones = "1, ".repeat(2_500);
        let line = format!("workers = [{ones}0, {ones}1]");
        let col = line.find('0').unwrap();
        let (text, start, width) = quote(&line, col, 1);
        assert_eq!(text.chars().count(), QUOTE_CHARS + 2);
        assert!(text.starts_with(ELLIPSIS) && text.ends_with(ELLIPSIS));
        assert_eq!(text.chars().nth(start), Some('0'));
        assert_eq!(start, QUOTE_CHARS / 2 + 1);
        assert_eq!(width, 1);
        // A span running past the window is underlined up to its edge.
        let line = format!("repeats = {}", "9".repeat(15_000));
        let (text, start, width) = quote(&line, 10, 15_000);
        assert!(text.starts_with("repeats = 999") && text.ends_with(ELLIPSIS));
        assert_eq!((start, width), (10, QUOTE_CHARS - 10));
        // A short line is quoted whole.
        assert_eq!(quote("a = 1", 4, 1), ("a = 1".to_string(), 4, 1));
    }

    #[test]
    fn long_help_is_wrapped_not_cut() {
        let help = format!("{} end", "word ".repeat(60));
        let wrapped = wrap(&help, 10);
        let lines: Vec<&str> = wrapped.lines().collect();
        assert_eq!(lines.len(), 2);
        assert!(lines.iter().all(|l| l.chars().count() <= LINE_CHARS + 10));
        assert!(lines[1].starts_with("          word") && lines[1].ends_with(" end"));
        assert_eq!(wrap("e.g.\n    [[workload]]", 10), "e.g.\n    [[workload]]");
        // A user's value pasted into a help line is cut before it takes a screen.
        let huge = "a ".repeat(20_000);
        assert!(wrap(&huge, 10).lines().count() <= WRAPPED_LINES);
    }

    #[test]
    fn lists_stop_when_they_are_long() {
        let names: Vec<String> = (0..100).map(|i| format!("name{i}")).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let list = some_of(&refs, 40);
        assert_eq!(list, "`name0`, `name1`, `name2`, `name3`, … (96 more)");
        assert_eq!(some_of(&["a", "b"], 40), "`a`, `b`");
    }

    #[test]
    fn spans_follow_key_paths() {
        let text = "workers = [1, 2]\n\n[[workload]]\nname = \"a\"\nworkers = [1, 0]\n";
        let src = Source::new(Path::new("x.toml"), text);
        let path = [
            Seg::Key("workload".into()),
            Seg::Index(0),
            Seg::Key("workers".into()),
            Seg::Index(1),
        ];
        let err = src.error(&path, false, "bad");
        assert_eq!((err.line, err.col), (5, 15));
        assert_eq!(err.key, "workload[0].workers[1]");
        assert!(err
            .to_string()
            .starts_with("x.toml:5:15: `workload[0].workers[1]`: bad"));
    }
}
