//! Chart tests that need more than one module: constants the report copies from the models
//! stay equal to the originals.

#[test]
fn the_timeline_knows_the_recorders_task_limit() {
    assert_eq!(
        parabench::report::chart::MAX_RECORDED_TASKS,
        parabench::model::recorder::MAX_RECORDED_TASKS
    );
}

#[test]
fn meta_records_what_a_timeline_row_is() {
    let demo = parabench::scenario::demo(&parabench::scenario::LoadOptions {
        cores: 2,
        force: false,
        variants: Vec::new(),
    })
    .unwrap();
    let models = parabench::app::info::model_infos(&demo);
    let noun = |m: &str| {
        models
            .iter()
            .find(|x| x.name == m)
            .and_then(|x| x.timeline_worker.clone())
    };
    assert_eq!(noun("threads").as_deref(), Some("thread"));
    assert_eq!(noun("processes").as_deref(), Some("process"));
    assert_eq!(noun("async").as_deref(), Some("in-flight slot"));
}
