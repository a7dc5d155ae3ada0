//! Findings as data: [`Diagnostic`] (one finding with its exact location), [`Severity`], the
//! rule catalog ([`Rule`], [`catalog`], [`lookup`]) and the [`Report`] that collects findings
//! with per-(file, rule) caps and a deterministic order.
//!
//! This crate knows nothing of CSV, JSON or the file system: every other crate produces
//! `Diagnostic`s, and only the binary renders them. Rule codes are stable and never reused;
//! each area of the toolkit owns one block of codes in its own file under `rules/`.

mod diagnostic;
mod escape;
mod report;
pub mod rules;

pub use diagnostic::{Diagnostic, Severity};
pub use escape::{escape_text, escape_value, is_hidden_in_cell, is_hidden_in_text, is_invisible};
pub use report::{Report, Summary, Suppressed};
pub use rules::{catalog, index_page, lookup, Rule};
