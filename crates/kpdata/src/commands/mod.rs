//! One module per command: its arguments (clap `Args`) and its run, which turns them into calls
//! of the library crates and a rendered result. Commands depend on `render` and `failure`, never
//! on `cli` or on each other (`subset` is `validate`'s helper).

pub mod completions;
pub mod curate;
pub mod diff;
pub mod import;
pub mod link;
pub mod release;
pub mod rules;
pub mod site;
pub mod subset;
pub mod validate;
pub mod verify;
