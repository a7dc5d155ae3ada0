//! Strict JSON reading (to be written).
