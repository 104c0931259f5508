//! `score` output that people ask for: `--columns` picks CSV fields,
//! `--top` limits CSV and JSON, and `--country` takes codes and names (in
//! `score` and `summary`), keeping the ranks among all countries.

mod common;

use common::{fails, run};
use serde_json::Value;

fn stdout(args: &[&str]) -> String {
    let o = run(args);
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).expect("UTF-8")
}

/// The lines of a CSV text split into fields (no field of these holds a comma).
fn table(csv: &str) -> Vec<Vec<String>> {
    let mut r = csv::Reader::from_reader(csv.as_bytes());
    let mut out = vec![r.headers().unwrap().iter().map(String::from).collect()];
    out.extend(
        r.records()
            .map(|l| l.unwrap().iter().map(String::from).collect()),
    );
    out
}

#[test]
fn columns_pick_fields_in_the_order_given_with_the_same_values() {
    let full = table(&stdout(&["score", "--format", "csv", "--year", "2019"]));
    let picked = table(&stdout(&[
        "score",
        "--format",
        "csv",
        "--year",
        "2019",
        "--columns",
        "iso3,rank,rf1,values_carried",
    ]));
    assert_eq!(picked[0], ["iso3", "rank", "rf1", "values_carried"]);
    assert_eq!(picked.len(), full.len());
    let at = |name: &str| full[0].iter().position(|h| h == name).unwrap();
    for (f, p) in full.iter().zip(&picked).skip(1) {
        assert_eq!(
            p,
            &[
                f[at("iso3")].clone(),
                f[at("rank")].clone(),
                f[at("rf1")].clone(),
                f[at("values_carried")].clone()
            ]
        );
    }
}

#[test]
fn an_unknown_column_is_a_usage_error_listing_the_valid_ones() {
    let err = fails(
        &["score", "--format", "csv", "--columns", "iso3,scroe"],
        64,
        "U001",
    );
    assert!(err.contains("no CSV column `scroe`"), "{err}");
    for name in [
        "year",
        "rank",
        "iso3",
        "country",
        "score",
        "band",
        "rf14",
        "oldest_carried_year",
    ] {
        assert!(err.contains(name), "{name} not listed: {err}");
    }
    let err = fails(&["score", "--columns", "iso3"], 64, "U001");
    assert!(err.contains("--format csv"), "{err}");
}

#[test]
fn top_limits_csv_and_json_per_year_in_rank_order() {
    let csv = table(&stdout(&[
        "score",
        "--format",
        "csv",
        "--years",
        "2018..2019",
        "--top",
        "3",
    ]));
    let keys: Vec<(&str, &str)> = csv[1..]
        .iter()
        .map(|l| (l[0].as_str(), l[1].as_str()))
        .collect();
    assert_eq!(
        keys,
        [
            ("2018", "1"),
            ("2018", "2"),
            ("2018", "3"),
            ("2019", "1"),
            ("2019", "2"),
            ("2019", "3")
        ]
    );
    let json: Value = serde_json::from_str(&stdout(&[
        "score", "--format", "json", "--year", "2019", "--top", "2",
    ]))
    .unwrap();
    let ranks: Vec<u64> = json["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["rank"].as_u64().unwrap())
        .collect();
    assert_eq!(ranks, [1, 2]);
}

#[test]
fn country_takes_codes_and_names_and_keeps_the_ranks_among_all() {
    let full = table(&stdout(&[
        "score",
        "--format",
        "csv",
        "--year",
        "2019",
        "--columns",
        "iso3,rank",
    ]));
    let rank = |code: &str| full.iter().find(|l| l[0] == code).unwrap()[1].clone();
    let chosen = table(&stdout(&[
        "score",
        "--format",
        "csv",
        "--year",
        "2019",
        "--columns",
        "iso3,rank",
        "--country",
        "Burma,sdn",
        "--country",
        "DR Congo",
        "--country",
        "Türkiye",
        "--country",
        "USA",
    ]));
    let mut want: Vec<Vec<String>> = ["MMR", "SDN", "COD", "TUR", "USA"]
        .iter()
        .map(|c| vec![(*c).to_string(), rank(c)])
        .collect();
    want.sort_by_key(|l| l[1].parse::<usize>().unwrap());
    assert_eq!(&chosen[1..], &want[..]);
    // With --top, only those of the chosen among the N highest.
    let top = table(&stdout(&[
        "score",
        "--format",
        "csv",
        "--year",
        "2019",
        "--columns",
        "iso3",
        "--country",
        "SDN,USA",
        "--top",
        "20",
    ]));
    assert_eq!(top[1..], [vec!["SDN".to_string()]]);
    let json: Value = serde_json::from_str(&stdout(&[
        "score",
        "--format",
        "json",
        "--year",
        "2019",
        "--country",
        "sudan",
    ]))
    .unwrap();
    let results = json["results"].as_array().unwrap();
    assert_eq!(results.len(), 1);
    assert_eq!(results[0]["iso3"], "SDN");
    assert_eq!(
        results[0]["rank"].as_u64().unwrap().to_string(),
        rank("SDN")
    );
}

#[test]
fn an_unknown_country_gets_the_closest_names() {
    let err = fails(
        &["score", "--format", "csv", "--country", "Sudna"],
        64,
        "U001",
    );
    assert!(err.contains("no country `Sudna`"), "{err}");
    assert!(err.contains("Sudan (SDN)"), "{err}");
    let err = fails(
        &["summary", "--country", "Sudna", "--draws", "0"],
        64,
        "U001",
    );
    assert!(err.contains("Sudan (SDN)"), "{err}");
}

#[test]
fn country_selects_the_rows_of_the_table_and_markdown_too() {
    let rank = table(&stdout(&[
        "score",
        "--format",
        "csv",
        "--year",
        "2019",
        "--columns",
        "iso3,rank",
        "--country",
        "SDN",
    ]))[1][1]
        .clone();
    let text = stdout(&["score", "--year", "2019", "--country", "Sudan,Burma"]);
    let rows: Vec<&str> = text
        .lines()
        .filter(|l| l.contains(" SDN ") || l.contains(" MMR ") || l.contains(" USA "))
        .collect();
    assert_eq!(rows.len(), 2, "{text}");
    assert!(
        rows.iter()
            .any(|l| l.trim_start().starts_with(&format!("{rank} "))),
        "Sudan keeps its rank among all countries ({rank}):\n{text}"
    );
    assert!(!text.contains("more (use --top"), "{text}");
    let md = stdout(&[
        "score",
        "--year",
        "2019",
        "--format",
        "md",
        "--country",
        "sdn",
    ]);
    let lines: Vec<&str> = md.lines().filter(|l| l.starts_with("| ")).collect();
    assert_eq!(lines.len(), 2, "header and one row:\n{md}");
    assert!(lines[1].starts_with(&format!("| {rank} | SDN |")), "{md}");
}

#[test]
fn summary_country_keeps_the_chosen_countries_wherever_they_rank() {
    let json: Value = serde_json::from_str(&stdout(&[
        "summary",
        "--format",
        "json",
        "--year",
        "2019",
        "--draws",
        "0",
        "--country",
        "Burma,USA",
    ]))
    .unwrap();
    let codes = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|e| e["iso3"].as_str().unwrap().to_string())
            .collect()
    };
    let watch = codes(&json["watch_list"]["overall"]);
    assert_eq!(watch, ["MMR", "USA"]);
    assert_eq!(codes(&json["briefs"]), ["MMR", "USA"]);
    for list in json["watch_list"]["crimes"].as_array().unwrap() {
        assert!(
            codes(&list["entries"])
                .iter()
                .all(|c| c == "MMR" || c == "USA")
        );
    }
    // The ranks are those among all countries: the same as in `score`.
    let full = table(&stdout(&[
        "score",
        "--format",
        "csv",
        "--year",
        "2019",
        "--columns",
        "iso3,rank",
    ]));
    let usa = full.iter().find(|l| l[0] == "USA").unwrap()[1].clone();
    assert_eq!(json["watch_list"]["overall"][1]["rank"].to_string(), usa);
    assert!(
        usa.parse::<usize>().unwrap() > 20,
        "USA is not on the default watch list"
    );
    // The counts stay those of all countries.
    assert!(json["countries"].as_u64().unwrap() > 100);
}
