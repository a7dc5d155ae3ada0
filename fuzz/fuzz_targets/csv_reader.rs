//! Arbitrary bytes into the streaming CSV reader, with default and tiny limits: it must never
//! panic, and must terminate.
#![no_main]

use kpdata_package::Limits;
use kpdata_read::{Batch, Cell, CsvReader};
use libfuzzer_sys::fuzz_target;

fn run(data: &[u8], limits: &Limits) {
    let mut reader = CsvReader::new(data, "fuzz.csv", limits);
    let mut batch = Batch::default();
    let mut last_row = 0;
    loop {
        let more = reader.next_batch(&mut batch).expect("reading from memory cannot fail");
        for rec in batch.records() {
            assert!(rec.row > last_row, "rows must increase");
            last_row = rec.row;
            for i in 0..rec.len() + 1 {
                if let Cell::Value(v) = rec.cell(i) {
                    assert!(v.len() as u64 <= limits.field_size);
                }
            }
        }
        if !more {
            break;
        }
    }
}

fuzz_target!(|data: &[u8]| {
    run(data, &Limits::default());
    run(
        data,
        &Limits {
            field_size: 16,
            file_size: 256,
            columns: 4,
            json_depth: 4,
            findings_per_rule: 5,
        },
    );
});
