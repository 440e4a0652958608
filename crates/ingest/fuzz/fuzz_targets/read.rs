//! Any bytes, as a file: text, DOCX (zip), PDF or garbage. Read or refused, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = binhdang_ingest::check_bytes("fuzz", data, &[]);
});
