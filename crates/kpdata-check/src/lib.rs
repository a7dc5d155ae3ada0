//! Checks over records: schemas, keys, provenance and text rules. Rules never do I/O except
//! through the readers and the package root they are handed. The rules are units in
//! [`rules`], one file per family; [`package`] runs them over a package.

pub mod dates;
pub mod evidence;
pub mod fast;
pub mod files;
pub mod formats;
pub mod keys;
pub mod names;
pub mod package;
pub mod pattern;
pub mod pipeline;
pub mod quote;
pub mod record;
pub mod registry;
pub mod rules;
pub mod schema;
pub mod suggest;
pub mod text;
