//! The extractor and the checks on any text: structure, figures, findings, with the
//! shipped catalogue so that the target checks run too. Must never panic.
#![no_main]

use binhdang_domain::{Indicator, IndicatorRecord};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn catalogue() -> &'static [Indicator] {
    static CATALOGUE: OnceLock<Vec<Indicator>> = OnceLock::new();
    CATALOGUE.get_or_init(|| {
        let text = include_str!("../../../../data/catalogue/indicators.csv");
        csv::Reader::from_reader(text.as_bytes())
            .deserialize::<IndicatorRecord>()
            .map(|r| r.expect("catalogue row").parse().expect("catalogue indicator"))
            .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // Text straight to the extractor (the reader's refusals are fuzzed by `read`).
    let raw = binhdang_ingest::read::RawDocument {
        format: binhdang_ingest::Format::Text,
        blocks: text
            .split('\n')
            .enumerate()
            .map(|(i, l)| binhdang_ingest::read::RawBlock::Line {
                number: i + 1,
                text: l.to_string(),
            })
            .collect(),
    };
    let doc = binhdang_ingest::structure(&raw);
    let report = binhdang_ingest::analyse("fuzz", &doc, catalogue());
    for f in &report.findings {
        assert!(!f.message_vi.is_empty() && !f.message_en.is_empty());
    }
});
