//! Rule vote-count-mismatch: the yes/no/abstain counts of each roll call (`un_roll_calls`:
//! `roll_call_id, yes, no, abstain`) equal the country votes recorded for it (`un_votes`:
//! `roll_call_id, vote`). Like the other joining domain rules, it reads no file: the package
//! pass hands it each record's key values, and it judges at the end, whatever the order.

use std::collections::BTreeMap;

use kpdata_diagnostics::rules::domain as dm;
use kpdata_diagnostics::Diagnostic;

use super::{Columns, DatasetInfo, PackageCtx, PackageRule, PackageRuleFor, Plan};
use crate::keys::key_parts;
use crate::record::RecordFacts;

pub(super) const PACKAGE: &[PackageRuleFor] = &[vote_counts];

/// The rule in the package pass: the role of the dataset being read, and its slot.
struct Pass {
    counts: VoteCounts,
    path: String,
    role: Option<(VoteRole, usize)>,
}

fn vote_counts<'a>(ctx: &PackageCtx<'a>) -> Option<Box<dyn PackageRule + 'a>> {
    (ctx.has("un_roll_calls") && ctx.has("un_votes")).then(|| {
        Box::new(Pass {
            counts: VoteCounts::new(),
            path: String::new(),
            role: None,
        }) as Box<dyn PackageRule + 'a>
    })
}

impl PackageRule for Pass {
    fn begin(&mut self, ds: &DatasetInfo<'_>, plan: &mut Plan) -> bool {
        self.path = ds.ds.path.clone();
        self.role = vote_role(&ds.ds.name, true).map(|r| (r, plan.slot(&r.key_fields())));
        self.role.is_some()
    }

    fn observe(&mut self, f: &RecordFacts<'_>) {
        if let Some((role, slot)) = self.role {
            if let Some((_, text)) = f.key(slot) {
                self.counts.record(role, text, &self.path, f.row, f.line);
            }
        }
    }

    fn finish(&mut self, cols: &Columns<'_>, out: &mut Vec<Diagnostic>) {
        for mut d in std::mem::take(&mut self.counts).finish() {
            cols.fill(&mut d);
            out.push(d);
        }
    }
}

/// What a dataset contributes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VoteRole {
    /// `un_roll_calls`: key `roll_call_id, yes, no, abstain`.
    RollCalls,
    /// `un_votes`: key `roll_call_id, vote`.
    Votes,
}

impl VoteRole {
    pub fn key_fields(self) -> Vec<String> {
        let fields: &[&str] = match self {
            VoteRole::RollCalls => &["roll_call_id", "yes", "no", "abstain"],
            VoteRole::Votes => &["roll_call_id", "vote"],
        };
        fields.iter().map(|s| s.to_string()).collect()
    }
}

/// The role of the dataset `name` (both datasets must be in the package).
pub fn vote_role(name: &str, has_both: bool) -> Option<VoteRole> {
    match (name, has_both) {
        ("un_roll_calls", true) => Some(VoteRole::RollCalls),
        ("un_votes", true) => Some(VoteRole::Votes),
        _ => None,
    }
}

struct Call {
    counts: [Option<u64>; 3],
    path: String,
    row: u64,
    line: u64,
}

/// State of the rule across one package pass.
#[derive(Default)]
pub struct VoteCounts {
    calls: BTreeMap<String, Call>,
    tallies: BTreeMap<String, [u64; 3]>,
}

impl VoteCounts {
    pub fn new() -> VoteCounts {
        VoteCounts::default()
    }

    pub fn record(&mut self, role: VoteRole, key: &str, path: &str, row: u64, line: u64) {
        let mut parts = key_parts(key);
        let Some(id) = parts.next() else { return };
        match role {
            VoteRole::RollCalls => {
                let mut counts = [None; 3];
                for c in &mut counts {
                    *c = parts.next().and_then(|v| v.parse().ok());
                }
                self.calls.insert(
                    id.to_string(),
                    Call {
                        counts,
                        path: path.to_string(),
                        row,
                        line,
                    },
                );
            }
            VoteRole::Votes => {
                let slot = match parts.next() {
                    Some("yes") => 0,
                    Some("no") => 1,
                    Some("abstain") => 2,
                    _ => return,
                };
                self.tallies.entry(id.to_string()).or_default()[slot] += 1;
            }
        }
    }

    /// The findings (without columns), one per roll call whose counts differ.
    pub fn finish(self) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for (id, call) in &self.calls {
            let found = self.tallies.get(id).copied().unwrap_or_default();
            let names = ["yes", "no", "abstain"];
            let wrong: Vec<String> = (0..3)
                .filter(|&i| call.counts[i].is_some_and(|c| c != found[i]))
                .map(|i| {
                    format!(
                        "{} = {} but {} country rows say {}",
                        names[i],
                        call.counts[i].unwrap_or(0),
                        found[i],
                        names[i]
                    )
                })
                .collect();
            if wrong.is_empty() {
                continue;
            }
            let field = names[(0..3)
                .find(|&i| call.counts[i].is_some_and(|c| c != found[i]))
                .unwrap_or(0)];
            out.push(
                Diagnostic::new(
                    &dm::VOTE_COUNT_MISMATCH,
                    format!("roll call `{id}`: {}", wrong.join("; ")),
                )
                .path(call.path.clone())
                .row(call.row)
                .line(call.line)
                .field(field),
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::KEY_SEPARATOR;

    fn key(parts: &[&str]) -> String {
        parts.join(&KEY_SEPARATOR.to_string())
    }

    #[test]
    fn counts_must_equal_the_votes_in_any_order() {
        let mut v = VoteCounts::new();
        v.record(VoteRole::Votes, &key(&["rc-1", "yes"]), "v.csv", 2, 2);
        v.record(VoteRole::Votes, &key(&["rc-1", "no"]), "v.csv", 3, 3);
        v.record(
            VoteRole::RollCalls,
            &key(&["rc-1", "1", "1", "0"]),
            "r.csv",
            2,
            2,
        );
        v.record(
            VoteRole::RollCalls,
            &key(&["rc-2", "0", "0", "1"]),
            "r.csv",
            3,
            3,
        );
        v.record(VoteRole::Votes, &key(&["rc-2", "yes"]), "v.csv", 4, 4);
        let d = v.finish();
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].row, Some(3));
        assert!(
            d[0].message.contains("yes = 0 but 1 country rows say yes"),
            "{}",
            d[0].message
        );
        assert_eq!(vote_role("un_votes", false), None);
        assert_eq!(VoteRole::Votes.key_fields(), vec!["roll_call_id", "vote"]);
    }
}
