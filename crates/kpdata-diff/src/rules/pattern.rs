//! Whether a changed `pattern` accepts more, less or other values: the two patterns become
//! dense DFAs and a breadth-first walk over pairs of their states looks for the shortest
//! string one accepts and the other rejects (JSON Schema `pattern` semantics: a match
//! anywhere). The walk prefers letters and digits, so the example a reviewer sees reads
//! like a value. Patterns a small DFA cannot take (Unicode word boundaries, huge classes)
//! and walks that grow too large are undecided: the caller treats them as loosening.

use std::collections::{HashMap, VecDeque};

use regex::Regex;
use regex_automata::dfa::{dense, Automaton};
use regex_automata::util::primitives::StateID;
use regex_automata::Input;

const DFA_SIZE_LIMIT: usize = 1 << 20;
/// Pairs of states visited before the walk gives up.
const MAX_PAIRS: usize = 100_000;

/// What the new pattern does compared with the old one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternDelta {
    /// A value the new pattern accepts and the old one rejected (`Some("")` is the empty
    /// value; `None` with `widened` true: found, but not valid UTF-8 to show).
    pub widened: Option<Option<String>>,
    /// A value the old pattern accepted and the new one rejects.
    pub narrowed: Option<Option<String>>,
}

/// `None` when undecided (a pattern did not compile to a small DFA, or the walk was too
/// large); otherwise what changed (both `None`: the two accept the same values).
pub fn compare(old: &str, new: &str) -> Option<PatternDelta> {
    let (old_re, new_re) = (Regex::new(old).ok()?, Regex::new(new).ok()?);
    let (a, b) = (dfa(old)?, dfa(new)?);
    let start = |d: &dense::DFA<Vec<u32>>| d.start_state_forward(&Input::new("")).ok();
    let start = (Side::Live(start(&a)?), Side::Live(start(&b)?));
    let order = byte_order();
    let mut seen: HashMap<(Side, Side), (usize, u8)> = HashMap::new();
    let mut nodes: Vec<(Side, Side)> = vec![start];
    seen.insert(start, (usize::MAX, 0));
    let mut queue = VecDeque::from([0usize]);
    let (mut widened, mut narrowed) = (None, None);
    while let Some(i) = queue.pop_front() {
        let (sa, sb) = nodes[i];
        let (acc_a, acc_b) = (accepts_at_end(&a, sa)?, accepts_at_end(&b, sb)?);
        if acc_b && !acc_a && widened.is_none() {
            widened = Some(witness(&nodes, &seen, i));
        }
        if acc_a && !acc_b && narrowed.is_none() {
            narrowed = Some(witness(&nodes, &seen, i));
        }
        if widened.is_some() && narrowed.is_some() {
            break;
        }
        // Both sides settled (matched or dead): every longer string gives the same verdicts.
        if sa.settled(&a) && sb.settled(&b) {
            continue;
        }
        for &byte in &order {
            let next = (step(&a, sa, byte)?, step(&b, sb, byte)?);
            if let std::collections::hash_map::Entry::Vacant(e) = seen.entry(next) {
                if nodes.len() >= MAX_PAIRS {
                    return None;
                }
                e.insert((i, byte));
                nodes.push(next);
                queue.push_back(nodes.len() - 1);
            }
        }
    }
    // The DFA and the regex crate must agree on the examples; if not, stay undecided.
    let check = |w: &Option<Option<String>>, accepts: &Regex, rejects: &Regex| match w {
        Some(Some(s)) => accepts.is_match(s) && !rejects.is_match(s),
        _ => true,
    };
    if !check(&widened, &new_re, &old_re) || !check(&narrowed, &old_re, &new_re) {
        return None;
    }
    Some(PatternDelta { widened, narrowed })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Side {
    /// A match was seen: every continuation matches.
    Matched,
    Live(StateID),
}

impl Side {
    fn settled(self, d: &dense::DFA<Vec<u32>>) -> bool {
        match self {
            Side::Matched => true,
            Side::Live(s) => d.is_dead_state(s),
        }
    }
}

fn dfa(pattern: &str) -> Option<dense::DFA<Vec<u32>>> {
    dense::Builder::new()
        .configure(
            dense::DFA::config()
                .dfa_size_limit(Some(DFA_SIZE_LIMIT))
                .determinize_size_limit(Some(4 * DFA_SIZE_LIMIT)),
        )
        .build(pattern)
        .ok()
}

/// `None` when the DFA gives up (a quit byte).
fn step(d: &dense::DFA<Vec<u32>>, s: Side, byte: u8) -> Option<Side> {
    let Side::Live(id) = s else {
        return Some(Side::Matched);
    };
    let next = d.next_state(id, byte);
    if d.is_quit_state(next) {
        return None;
    }
    Some(if d.is_match_state(next) {
        Side::Matched
    } else {
        Side::Live(next)
    })
}

fn accepts_at_end(d: &dense::DFA<Vec<u32>>, s: Side) -> Option<bool> {
    match s {
        Side::Matched => Some(true),
        Side::Live(id) => {
            let end = d.next_eoi_state(id);
            if d.is_quit_state(end) {
                return None;
            }
            Some(d.is_match_state(end))
        }
    }
}

/// Lowercase letters, digits, uppercase, `-`, `_`, `.`, space, other printable ASCII, the
/// rest of ASCII, then the bytes of multi-byte UTF-8 sequences.
fn byte_order() -> Vec<u8> {
    let mut out: Vec<u8> = (b'a'..=b'z')
        .chain(b'0'..=b'9')
        .chain(b'A'..=b'Z')
        .collect();
    out.extend_from_slice(b"-_. ");
    for b in 0u8..=255 {
        if !out.contains(&b) && (0x21..0x7f).contains(&b) {
            out.push(b);
        }
    }
    for b in 0u8..=255 {
        if !out.contains(&b) {
            out.push(b);
        }
    }
    out
}

fn witness(
    nodes: &[(Side, Side)],
    seen: &HashMap<(Side, Side), (usize, u8)>,
    mut i: usize,
) -> Option<String> {
    let mut bytes = Vec::new();
    loop {
        let (parent, byte) = seen[&nodes[i]];
        if parent == usize::MAX {
            break;
        }
        bytes.push(byte);
        i = parent;
    }
    bytes.reverse();
    String::from_utf8(bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn delta(old: &str, new: &str) -> PatternDelta {
        compare(old, new).unwrap_or_else(|| panic!("undecided: {old} → {new}"))
    }

    #[test]
    fn same_language_is_no_change() {
        let d = delta("^[0-9]{3}$", "^[0-9][0-9][0-9]$");
        assert_eq!((d.widened, d.narrowed), (None, None));
        let d = delta("^src-[a-z0-9-]+$", "^src-[a-z0-9-]{1,}$");
        assert_eq!((d.widened, d.narrowed), (None, None));
    }

    #[test]
    fn widened_pattern_gives_an_example_it_now_accepts() {
        let d = delta("^KP[ie]\\.[0-9]{3}$", "^KP[ie]\\.[0-9]+$");
        assert_eq!(d.widened, Some(Some("KPe.0".into())));
        assert_eq!(d.narrowed, None);
        let d = delta("^des-[0-9]+$", ".*");
        assert_eq!(d.widened, Some(Some(String::new())));
    }

    #[test]
    fn narrowed_and_changed_patterns() {
        let d = delta("^[a-z]+$", "^[a-c]+$");
        assert_eq!(d.widened, None);
        assert_eq!(d.narrowed, Some(Some("d".into())));
        let d = delta("^(un|ofac):[A-Z]+$", "^(un|uk):[A-Z]+$");
        assert_eq!(d.widened, Some(Some("uk:A".into())));
        assert!(d.narrowed.is_some());
    }

    #[test]
    fn unanchored_patterns_match_anywhere() {
        // `a` anywhere vs only `a`: the new one rejects "ab".
        let d = delta("a", "^a$");
        assert_eq!(d.widened, None);
        assert_eq!(d.narrowed, Some(Some("aa".into())));
    }

    #[test]
    fn unicode_examples_are_valid_text() {
        let d = delta("^[\\p{Hangul}]+$", "^[\\p{Hangul}a]+$");
        assert_eq!(d.widened, Some(Some("a".into())));
        let d = delta("^[a]+$", "^[a김]+$");
        assert_eq!(d.widened, Some(Some("김".into())));
    }

    #[test]
    fn word_boundaries_and_bad_patterns_are_undecided() {
        assert_eq!(compare("\\bx\\b", "x"), None);
        assert_eq!(compare("(", "x"), None);
    }
}
