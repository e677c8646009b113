//! The key table's promises: one key per name and place, defaults that match the code.

use super::*;
use crate::scenario::order::Order;
use crate::scenario::scaling::Scaling;

const PLACES: [Place; 4] = [Place::Top, Place::Workload, Place::Model, Place::Variant];

#[test]
fn a_name_means_one_key_in_each_place() {
    for place in PLACES {
        let mut names = names(place);
        let n = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), n, "a key is listed twice in {place:?}");
    }
}

#[test]
fn every_example_is_a_valid_value_of_its_key() {
    for key in KEYS {
        if let Kind::Tables { .. } = key.kind {
            assert_eq!(key.example, format!("[[{}]]", key.name));
            continue;
        }
        let place = PLACES.into_iter().find(|p| key.allowed(*p)).unwrap();
        let doc = toml::de::DeTable::parse(key.example)
            .unwrap_or_else(|e| panic!("{}: {e}", key.example));
        assert!(
            doc.get_ref().get(key.name).is_some(),
            "the example of `{}` sets another key: {}",
            key.name,
            key.example
        );
        let read = super::super::file::read_table(doc.get_ref(), place);
        assert!(read.is_ok(), "{}: {:?}", key.example, read.err());
    }
}

#[test]
fn every_word_parses() {
    for key in KEYS {
        if let Kind::Word { words, set } = key.kind {
            for (w, meaning) in words {
                assert!(set(&mut RawTable::default(), w), "`{}` = {w}", key.name);
                assert!(!meaning.is_empty());
            }
            assert!(!set(&mut RawTable::default(), "no-such-word"));
        }
    }
}

#[test]
fn documented_defaults_are_the_ones_used() {
    let means = |name: &str| match find(name, Place::Workload).map(|k| k.absent) {
        Some(Absent::Means(m)) => m,
        other => panic!("{name}: {other:?}"),
    };
    assert_eq!(means("repeats"), DEFAULT_REPEATS.to_string());
    assert_eq!(means("warmup"), DEFAULT_WARMUP.to_string());
    assert_eq!(means("workers"), WorkersSpec::default_counts().written());
    assert_eq!(means("scaling"), Scaling::default().as_str());
    let order = match find("order", Place::Top).map(|k| k.absent) {
        Some(Absent::Means(m)) => m,
        other => panic!("order: {other:?}"),
    };
    assert_eq!(order, Order::default().as_str());
    match find("output_limit_mb", Place::Top).map(|k| k.absent) {
        Some(Absent::Means(m)) => assert_eq!(
            m,
            crate::model::command::DEFAULT_OUTPUT_LIMIT_MB.to_string()
        ),
        other => panic!("output_limit_mb: {other:?}"),
    }
    let rounds = match find("rounds", Place::Top).map(|k| k.absent) {
        Some(Absent::Means(m)) => m,
        other => panic!("rounds: {other:?}"),
    };
    assert_eq!(rounds, super::super::DEFAULT_ROUNDS.to_string());
}

#[test]
fn ranges_are_not_empty() {
    for key in KEYS {
        if let Kind::Whole { min, max, .. } = key.kind {
            assert!(min <= max, "{}", key.name);
        }
    }
}

#[test]
fn wrong_types_get_an_example() {
    let tasks = find("tasks", Place::Workload).unwrap();
    assert_eq!(tasks.type_help(), "expected a whole number, e.g. tasks = 8");
    let order = find("order", Place::Top).unwrap();
    assert_eq!(
            order.type_help(),
            "expected \"rounds\", \"cells\", \"interleaved\" or \"random\", e.g. order = \"interleaved\""
        );
}
