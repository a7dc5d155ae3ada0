//! Placeholder; replaced below.
pub fn data_dictionary() {}
