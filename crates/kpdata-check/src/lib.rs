//! Checks over records: schemas, keys, provenance and text rules. Rules never do I/O except
//! through the readers and the package root they are handed.

pub mod dates;
pub mod domain;
pub mod evidence;
pub mod fast;
pub mod files;
pub mod formats;
pub mod identity;
pub mod keys;
pub mod names;
pub mod order;
pub mod package;
pub mod pattern;
pub mod pipeline;
pub mod quote;
pub mod record;
pub mod registry;
pub mod schema;
pub mod suggest;
pub mod text;
pub mod votes;
