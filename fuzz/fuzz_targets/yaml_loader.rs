//! Fuzzes the framework reader: bytes -> UTF-8 check -> YAML with limits ->
//! model -> the whole chain (extends of shipped frameworks, validation,
//! compilation against the shipped panel's columns is not reached here).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = atrisk::framework::load::decode("fuzz.yaml", data.to_vec())
        && atrisk::framework::load::parse("fuzz.yaml", &text).is_ok()
    {
        let _ = atrisk::framework::extends::load_chain(
            "fuzz.yaml",
            &text,
            &mut atrisk::framework::extends::embedded_only,
        );
    }
});
