//! `pattern` checks of the fast path. A pattern is run by a dense DFA when one can be built
//! small (most dataset patterns are short anchored classes): a table lookup per byte, no cache
//! pool and no search strategy to pick per call, which on short cells costs more than the
//! match itself. Patterns the DFA cannot take (Unicode word boundaries, large Unicode classes)
//! run on the `regex` crate. Both have the `regex` crate's syntax and semantics (the pattern
//! is already translated from ECMA 262); `tests` compare them on generated text.

use regex::Regex;
use regex_automata::dfa::{dense, Automaton};
use regex_automata::Input;

/// Largest DFA kept (bytes of transition table); bigger ones fall back to `regex`.
const DFA_SIZE_LIMIT: usize = 1 << 20;

#[derive(Debug, Clone)]
pub struct Pattern {
    dfa: Option<dense::DFA<Vec<u32>>>,
    regex: Regex,
}

impl Pattern {
    /// Compiles a pattern in the `regex` crate's syntax; None if it does not compile.
    pub fn new(pattern: &str) -> Option<Pattern> {
        let regex = Regex::new(pattern).ok()?;
        let dfa = dense::Builder::new()
            .configure(
                dense::DFA::config()
                    .dfa_size_limit(Some(DFA_SIZE_LIMIT))
                    .determinize_size_limit(Some(4 * DFA_SIZE_LIMIT)),
            )
            .build(pattern)
            .ok();
        Some(Pattern { dfa, regex })
    }

    /// Whether the pattern matches anywhere in `s` (JSON Schema `pattern` semantics).
    pub fn is_match(&self, s: &str) -> bool {
        match &self.dfa {
            Some(dfa) => dfa_is_match(dfa, s.as_bytes()).unwrap_or_else(|| self.regex.is_match(s)),
            None => self.regex.is_match(s),
        }
    }
}

/// An unanchored search for any match; None when the DFA gives up (a quit byte).
fn dfa_is_match(dfa: &dense::DFA<Vec<u32>>, hay: &[u8]) -> Option<bool> {
    let mut sid = dfa.start_state_forward(&Input::new(hay)).ok()?;
    for &b in hay {
        sid = dfa.next_state(sid, b);
        if dfa.is_special_state(sid) {
            if dfa.is_match_state(sid) {
                return Some(true);
            }
            if dfa.is_dead_state(sid) {
                return Some(false);
            }
            if dfa.is_quit_state(sid) {
                return None;
            }
        }
    }
    Some(dfa.is_match_state(dfa.next_eoi_state(sid)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const PATTERNS: &[&str] = &[
        r"^des-(un-kp[ie]-[0-9]{3}-(listed|amended-[0-9]{4}-[0-9]{2}-[0-9]{2})|ofac-[0-9]+)$",
        r"^(un|ofac):[A-Z0-9-]+$",
        r"^(KP[ie]\.[0-9]{3}|[0-9]+)$",
        r"^src-[a-z0-9-]+$",
        r"a-[0-9]",
        r"^$",
        r"",
        r"^\S+$",
        r"\w-\d",
        r"\bword\b",
        r"^[\p{Hangul}\s]+$",
        r"(?i)^abc$",
        r"é+",
        r"^.{2,4}$",
    ];

    fn text() -> impl Strategy<Value = String> {
        prop::collection::vec(
            prop::sample::select(vec![
                "a", "-", "0", "9", "des-", "un-kpi-", "ofac-", "listed", "KPi.", "KPE.", "src-",
                ":", "un", "ofac", "A", "Z", " ", "\n", "é", "한", "word", "ABC", "abc", "\u{a0}",
                "٣", ".",
            ]),
            0..8,
        )
        .prop_map(|v| v.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]
        #[test]
        fn the_dfa_agrees_with_the_regex_crate(i in 0..PATTERNS.len(), s in text()) {
            static COMPILED: std::sync::OnceLock<Vec<Pattern>> = std::sync::OnceLock::new();
            let p = &COMPILED.get_or_init(|| PATTERNS.iter().map(|p| Pattern::new(p).unwrap()).collect())[i];
            prop_assert_eq!(p.is_match(&s), p.regex.is_match(&s), "{:?} on {:?}", PATTERNS[i], s);
        }
    }

    #[test]
    fn short_patterns_get_a_dfa_and_word_boundaries_fall_back() {
        assert!(Pattern::new(PATTERNS[0]).unwrap().dfa.is_some());
        assert!(Pattern::new(r"\bword\b").unwrap().dfa.is_none());
        let p = Pattern::new(r"\bword\b").unwrap();
        assert!(p.is_match("a word here") && !p.is_match("swordfish"));
        assert!(Pattern::new("(").is_none());
    }
}
