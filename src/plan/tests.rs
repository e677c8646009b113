use super::*;

fn cell(workload: &str, model: &str, workers: u64, tasks: u64) -> Cell {
    Cell {
        id: CellId::new(workload, model, workers),
        workload: Arc::new(Workload {
            name: workload.into(),
            description: String::new(),
            kernel: "noop".into(),
            builtin: true,
            code: None,
            tasks,
            params: Default::default(),
            repeats: 1,
            warmup: 0,
            workers: vec![workers],
            workers_spec: String::new(),
            models: vec![model.into()],
            baseline: None,
            scaling: Scaling::Strong,
            timeout_s: None,
        }),
        command: None,
        tasks,
        timeline: false,
        env: Vec::new(),
    }
}

/// The cell with `repeats` measured runs after `warmup` warmup runs.
fn runs(mut c: Cell, repeats: u32, warmup: u32) -> Cell {
    let w = Arc::make_mut(&mut c.workload);
    w.repeats = repeats;
    w.warmup = warmup;
    c
}

#[test]
fn timeline_cells_are_the_largest_per_workload_and_model() {
    let mut cells = vec![
        cell("a", "threads", 1, 10),
        cell("a", "threads", 4, 10),
        cell("a", "threads", 2, 10),
        cell("a", "async", 1, 10),
        cell("b", "threads", 1, 10),
        cell("b", "rayon", 8, MAX_RECORDED_TASKS + 1),
    ];
    let marked = |cells: &[Cell]| -> Vec<bool> { cells.iter().map(|c| c.timeline).collect() };
    choose_timeline(&mut cells, TimelineCells::Largest);
    assert_eq!(marked(&cells), [false, true, false, true, true, false]);
    choose_timeline(&mut cells, TimelineCells::All);
    assert_eq!(marked(&cells), [true, true, true, true, true, false]);
    choose_timeline(&mut cells, TimelineCells::Off);
    assert_eq!(marked(&cells), [false; 6]);
}

#[test]
fn rounds_split_repeats_evenly_and_halves_hold_about_half() {
    let sizes = |repeats: u32, rounds: u32| -> Vec<u32> {
        (0..rounds)
            .map(|r| round_repeats(repeats, rounds, r).len() as u32)
            .collect()
    };
    assert_eq!(sizes(10, 4), [3, 3, 2, 2]);
    assert_eq!(sizes(5, 4), [2, 1, 1, 1]);
    assert_eq!(sizes(2, 4), [1, 1, 0, 0], "at most one round per repeat");
    assert_eq!(round_repeats(10, 4, 1), 3..6);
    assert_eq!(round_repeats(10, 1, 0), 0..10);
}

#[test]
fn rounds_order_visits_every_cell_once_per_round_in_a_seeded_shuffle() {
    let mut cells: Vec<Cell> = (1..=6).map(|w| cell("a", "threads", w, 8)).collect();
    for c in &mut cells {
        Arc::make_mut(&mut c.workload).repeats = 10;
        Arc::make_mut(&mut c.workload).warmup = 1;
    }
    let slots = schedule(&cells, Order::Rounds, 4, 7, LaterWarmup::Full);
    assert_eq!(slots.len(), 24);
    assert_eq!(runs_in(&slots), 60);
    for r in 0..4u32 {
        let mut seen: Vec<usize> = slots[r as usize * 6..(r as usize + 1) * 6]
            .iter()
            .inspect(|s| assert_eq!(s.round, r))
            .map(|s| s.cell)
            .collect();
        seen.sort_unstable();
        assert_eq!(seen, [0, 1, 2, 3, 4, 5]);
    }
    let firsts = |slots: &[Slot]| slots[..6].iter().map(|s| s.cell).collect::<Vec<_>>();
    assert_ne!(firsts(&slots), [0, 1, 2, 3, 4, 5], "shuffled");
    assert_eq!(
        slots,
        schedule(&cells, Order::Rounds, 4, 7, LaterWarmup::Full),
        "the same seed, the same order"
    );
    // Every repeat of every cell exactly once, each slot in a fresh process with its warmup.
    for c in 0..6 {
        let mut repeats: Vec<u32> = slots
            .iter()
            .filter(|s| s.cell == c)
            .flat_map(|s| s.repeats.clone())
            .collect();
        repeats.sort_unstable();
        assert_eq!(repeats, (0..10).collect::<Vec<_>>());
    }
    assert!(slots.iter().all(|s| s.warmup == 1));
}

#[test]
fn resume_keeps_complete_slots_and_reruns_a_partial_one_whole() {
    let mut cells = vec![cell("a", "threads", 1, 8), cell("a", "threads", 2, 8)];
    for c in &mut cells {
        Arc::make_mut(&mut c.workload).repeats = 4;
        c.timeline = true;
    }
    let slots = schedule(&cells, Order::Rounds, 2, 1, LaterWarmup::Full);
    let row = |workers: u64, repeat: u32| RunRow {
        cell: CellId::new("a", "threads", workers),
        repeat,
        ..RunRow::default()
    };
    // Cell 0 complete; cell 1 has its first round and half of its second.
    let earlier = vec![
        row(1, 0),
        row(1, 1),
        row(1, 2),
        row(1, 3),
        row(2, 0),
        row(2, 1),
        row(2, 2),
    ];
    let todo = remaining(&cells, slots, earlier);
    assert_eq!(todo.slots.len(), 1);
    assert_eq!(
        (todo.slots[0].cell, todo.slots[0].repeats.clone()),
        (1, 2..4)
    );
    assert_eq!(
        todo.kept.len(),
        6,
        "the partial round's row is measured again"
    );
    let timelines: Vec<u64> = todo.kept_timelines.iter().map(|c| c.workers).collect();
    assert_eq!(
        timelines,
        [1],
        "cell 1's timeline comes with its last round, to be rerun"
    );
}

#[test]
fn variants_take_turns_a_b_b_a_and_pair_runs_of_one_round() {
    let base: Vec<Cell> = (1..=3)
        .map(|w| runs(cell("a", "threads", w, 8), 8, 1))
        .collect();
    let variants: Vec<crate::scenario::Variant> = ["a", "b"]
        .iter()
        .map(|n| crate::scenario::Variant {
            name: n.to_string(),
            env: vec![("X".into(), n.to_string())],
            code: Vec::new(),
            commands: Vec::new(),
            interpreters: Vec::new(),
            overrides: Vec::new(),
        })
        .collect();
    let cells = with_variants(base, &variants);
    assert_eq!(cells.len(), 6);
    assert_eq!(cells[4].id.variant.as_deref(), Some("b"));
    assert_eq!(cells[4].env, [("X".to_string(), "b".to_string())]);
    for alternation in [
        Alternation::Run,
        Alternation::Process,
        Alternation::Together,
    ] {
        let slots = schedule_variants(
            &cells,
            Order::Rounds,
            4,
            7,
            LaterWarmup::Short,
            2,
            alternation,
        );
        // Every repeat of every cell under each variant once, and run r of both variants
        // in the same round.
        for c in 0..6 {
            let mut reps: Vec<(u32, u32)> = slots
                .iter()
                .filter(|s| s.cell == c)
                .flat_map(|s| s.repeats.clone().map(move |r| (r, s.round)))
                .collect();
            reps.sort_unstable();
            assert_eq!(reps.len(), 8, "{alternation:?}");
            let partner: Vec<(u32, u32)> = {
                let mut v: Vec<(u32, u32)> = slots
                    .iter()
                    .filter(|s| s.cell == (c + 3) % 6)
                    .flat_map(|s| s.repeats.clone().map(move |r| (r, s.round)))
                    .collect();
                v.sort_unstable();
                v
            };
            assert_eq!(reps, partner);
        }
        // A B, then B A: consecutive pairs of slots are one base cell's two variants, the
        // first variant alternating.
        let firsts: Vec<bool> = slots.chunks(2).map(|p| p[0].cell < 3).collect();
        for p in slots.chunks(2) {
            assert_eq!(p[0].cell % 3, p[1].cell % 3);
            assert_ne!(p[0].cell, p[1].cell);
            // Together, the two slots of a pair run as one group, and only they.
            let together = alternation == Alternation::Together;
            assert_eq!(p[0].group.is_some(), together);
            assert_eq!(p[0].group, p[1].group);
        }
        let groups: Vec<Option<u32>> = slots.chunks(2).map(|p| p[0].group).collect();
        assert!(groups.windows(2).all(|w| w[0].is_none() || w[0] != w[1]));
        assert!(firsts.windows(2).all(|w| w[0] != w[1]), "{alternation:?}");
    }
    let per_run = schedule_variants(
        &cells,
        Order::Rounds,
        4,
        7,
        LaterWarmup::Short,
        2,
        Alternation::Run,
    );
    assert!(per_run.iter().all(|s| s.repeats.len() == 1));
    assert_eq!(per_run.len(), 48);
}
