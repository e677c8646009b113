use super::*;

#[test]
fn a_baseline_prints_and_parses_back() {
    for text in [
        "sequential@1",
        "py-sequential@2",
        "a@b@4",
        "threads (not measured)",
    ] {
        let b: Baseline = text.parse().unwrap();
        assert_eq!(b.to_string(), text);
    }
    assert_eq!(
        "a@b@4".parse::<Baseline>().unwrap().cell(),
        Some(("a@b", 4))
    );
    assert!("sequential".parse::<Baseline>().is_err());
    assert!("sequential@x".parse::<Baseline>().is_err());
}

fn row(model: &str, sum: u64) -> RunRow {
    RunRow {
        cell: CellId {
            workload: "w".into(),
            model: model.into(),
            ..CellId::default()
        },
        measured: Measurement {
            checksum: Some(sum),
            ..Measurement::default()
        },
        tasks: 4,
        ..RunRow::default()
    }
}

#[test]
fn the_first_checksum_is_the_reference_and_later_ones_must_match() {
    let mut check = ChecksumCheck::new();
    let mut a = row("sequential", 10);
    let mut b = row("threads", 10);
    let mut c = row("rayon", 11);
    check.check(&mut a);
    check.check(&mut b);
    check.check(&mut c);
    assert_eq!(
        [a.status, b.status, c.status],
        [Status::Ok, Status::Ok, Status::Mismatch]
    );
    assert!(c.error.contains("checksum 11 differs from 10"));
    assert!(c.error.contains("`sequential`"));
}

#[test]
fn rows_of_older_folders_read_with_todays_meaning() {
    let old = "scenario,workload,kernel,model,workers,tasks,repeat,wall_s,setup_s,reported_s,user_s,sys_s,cpu_util,max_rss_kb,workers_rss_kb,vol_ctx,invol_ctx,runq_wait_s,cpu_migrations,ctx_switches,checksum,status,error\n\
        s,w,sleep,py-asyncio,8,32,0,0.26,0.172,0.082,0.15,0.03,0.69,100,200,1,1,,,,640,ok,\n\
        s,w,sleep,async,8,32,0,0.085,0.00003,,0.001,0.0,0.01,100,,1,1,0.0001,,,640,ok,\n";
    let mut rows: Vec<RunRow> = csv::Reader::from_reader(old.as_bytes())
        .deserialize()
        .collect::<Result<_, _>>()
        .unwrap();
    rows.iter_mut().for_each(RunRow::upgrade);
    // The command's setup_s was interpreter start-up: not a pool's, so unknown now.
    assert_eq!(rows[0].measured.setup_s, None);
    assert_eq!(rows[0].measured.cpu_scope, Some(CpuScope::Process));
    assert_eq!(rows[0].measured.interp_start_s, None);
    // A native row keeps its numbers; what its CPU time covers was not recorded.
    assert_eq!(rows[1].measured.setup_s, Some(0.00003));
    assert_eq!(rows[1].measured.cpu_scope, None);
}

#[test]
fn status_reads_and_writes_as_lowercase_words() {
    let mut w = csv::Writer::from_writer(vec![]);
    w.serialize(row("m", 1)).unwrap();
    let text = String::from_utf8(w.into_inner().unwrap()).unwrap();
    assert!(text.lines().nth(1).unwrap().ends_with(",ok,"));
    let back: RunRow = csv::Reader::from_reader(text.as_bytes())
        .deserialize()
        .next()
        .unwrap()
        .unwrap();
    assert_eq!(back.status, Status::Ok);
}
