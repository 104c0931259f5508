//! Fuzzes the CSV readers: bytes as a data panel and as an assessment file.
#![no_main]

use atrisk::data::Input;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let input = [Input {
        name: "fuzz.csv".into(),
        prefix: None,
        bytes: data,
    }];
    let _ = atrisk::data::Panel::load(&input);
    let _ = atrisk::data::assessments::Assessments::parse(&input);
});
