//! Arbitrary text into the `kpdata.toml` parser: errors are fine, panics are not.
#![no_main]

use kpdata_package::Manifest;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = Manifest::parse(text);
    }
});
