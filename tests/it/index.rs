//! `parabench index DIR`: one page listing every run folder of DIR with its headline numbers
//! and links to each report.html; a folder without runs is an error that writes nothing.

use crate::common::*;

#[test]
fn index_lists_every_run_folder_with_its_numbers_and_links() {
    let tmp = tempdir();
    let results = tmp.path().join("results");
    for (name, description) in [("alpha", "first & <best>"), ("beta", "second")] {
        let file = write_scenario(
            tmp.path(),
            &format!("{name}.toml"),
            &format!(
                "name = \"{name}\"\ndescription = \"{description}\"\nrepeats = 2\nwarmup = 0\nworkers = [1, 2]\nmodels = [\"threads\"]\ncharts = \"none\"\n\n[[workload]]\nname = \"w\"\nkernel = \"spin\"\ntasks = 4\niters = 1000\n"
            ),
        );
        run_scenario(&file, &results, &[]).expect_code(0);
    }
    // A folder that is not a run is not listed.
    std::fs::create_dir_all(results.join("notes")).unwrap();

    let out = parabench()
        .args(["index", results.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("(2 run folders)"));
    let html = std::fs::read_to_string(results.join("index.html")).unwrap();
    assert!(
        html.contains("<a href=\"alpha/report.html\">alpha</a>"),
        "{html}"
    );
    assert!(
        html.contains("<a href=\"beta/report.html\">beta</a>"),
        "{html}"
    );
    assert!(html.contains("alpha: first &amp; &lt;best&gt;"), "{html}");
    assert!(!html.contains("notes"), "{html}");
    // Headline numbers: runs and the best native model of the workload.
    assert!(
        html.contains("<td style=\"text-align: right\">4</td>"),
        "{html}"
    );
    assert!(html.contains("<strong>w</strong>"), "{html}");
    assert!(html.contains("native <code>threads</code>@"), "{html}");
    assert!(html.contains("<table class=\"sortable\">"), "{html}");
}

#[test]
fn a_folder_without_runs_is_an_error_and_nothing_is_written() {
    let tmp = tempdir();
    let out = parabench()
        .args(["index", tmp.path().to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("holds no run folder"), "{stderr}");
    assert!(!tmp.path().join("index.html").exists());
}
