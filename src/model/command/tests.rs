//! Command models: argv templates, the last line protocol, timeouts and output limits.

use super::*;

#[test]
fn placeholders_are_found_and_escaped() {
    assert_eq!(
        placeholders("--w={workers}x{tasks}").unwrap(),
        vec!["workers", "tasks"]
    );
    assert_eq!(placeholders("{{literal}}").unwrap(), Vec::<String>::new());
    assert!(placeholders("{open").is_err());
    let mut v = BTreeMap::new();
    v.insert("workers", "4".to_string());
    assert_eq!(substitute("a {workers} {{b}}", &v).unwrap(), "a 4 {b}");
    assert!(substitute("{nope}", &v).is_err());
}

#[test]
fn timeline_lines_become_rows_in_order_of_first_task() {
    let r = Recorder::new(4);
    r.start();
    let t = crate::model::recorder::now_ns();
    let text = format!(
        "b {} {} {}\na 1 {} {}\nnonsense\nb 2 {} {}\na 3 x 5\n",
        0,
        t + 5,
        t + 9,
        t + 1,
        t + 4,
        t + 9,
        t + 12
    );
    read_timeline(text.as_bytes(), &r);
    let spans = r.spans();
    let rows: Vec<(u64, u32)> = spans.iter().map(|s| (s.task, s.worker)).collect();
    // `a` started first (t + 1): row 0; `b` row 1; the line with `x` is skipped.
    assert_eq!(rows, vec![(0, 1), (1, 0), (2, 1)]);
    assert_eq!(spans[0].end_ns - spans[0].start_ns, 4);
}

#[test]
fn timeline_reading_skips_long_lines_and_stops_at_the_slots() {
    let r = Recorder::new(2);
    r.start();
    let t = crate::model::recorder::now_ns();
    let long = "x".repeat(10_000);
    let text = format!(
        "{long} 0 {t} {t}\na 0 {} {}\nb 5 {t} {t}\na 1 {} {}\nc 1 {t} {t}\n",
        t + 1,
        t + 2,
        t + 3,
        t + 4
    );
    read_timeline(text.as_bytes(), &r);
    let spans = r.spans();
    // The long line and the task beyond the 2 slots are skipped; reading stops after two
    // accepted lines, so `c` never overwrites task 1.
    let rows: Vec<(u64, u32)> = spans.iter().map(|s| (s.task, s.worker)).collect();
    assert_eq!(rows, vec![(0, 0), (1, 0)]);
}

#[test]
fn error_lines_are_quoted_short() {
    let text = format!("{}\nboom\n", "y".repeat(100_000));
    let t = tail(&text, ": ");
    assert!(t.ends_with(" | boom"), "{t}");
    assert_eq!(
        t.chars().count(),
        2 + ERROR_LINE_CHARS + " | boom".len(),
        "{t}"
    );
}

#[test]
fn last_line_values() {
    let old = parse_last_line("x\nelapsed_s=0.5 checksum=42\n\n").unwrap();
    assert_eq!((old.elapsed_s, old.checksum), (Some(0.5), Some(42)));
    assert_eq!(old.window(), ProgramWindow::default());
    assert_eq!(parse_last_line("hello\n").unwrap(), LastLine::default());
    assert!(parse_last_line("elapsed_s=abc").is_err());
    assert!(parse_last_line("checksum=1.5").is_err());
    assert!(parse_last_line("start_ns=-3").is_err());
    let err = parse_last_line("elapsed_s=1 user_s=x").unwrap_err();
    assert!(matches!(err, ModelError::Command(_)), "{err:?}");
    assert!(err.to_string().contains("`user_s=x`"), "{err}");

    let full = parse_last_line(
        "elapsed_s=0.25 checksum=7 setup_s=0.01 start_ns=1150000000 user_s=0.2 sys_s=0.05 runq_wait_s=0.003 other=1",
    )
    .unwrap();
    assert_eq!(full.start_ns, Some(1_150_000_000));
    // A run started at 1.0 s on the monotonic clock: 150 ms of interpreter start-up.
    let w = full.window();
    assert!((w.interp_start_s(1_000_000_000, 0.5).unwrap() - 0.15).abs() < 1e-12);
    assert_eq!(w.setup_s, Some(0.01));
    assert_eq!(w.cpu_s, Some((0.2, 0.05)));
    assert_eq!(w.runq_wait_s, Some(0.003));
    // A window said to start before the run did, or after it ended: another clock.
    assert_eq!(w.interp_start_s(2_000_000_000, 0.5), None);
    assert_eq!(w.interp_start_s(0, 0.5), None);
    // CPU time counts only as a pair.
    let half = parse_last_line("elapsed_s=1 user_s=0.5").unwrap();
    assert_eq!(half.window().cpu_s, None);
}
