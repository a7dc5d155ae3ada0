use std::collections::BTreeMap;

use serde::Serialize;

use crate::diagnostic::{Diagnostic, Severity};

/// How many findings of one rule in one file were left out because of the cap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suppressed {
    pub path: Option<String>,
    pub code: &'static str,
    pub name: &'static str,
    pub count: u64,
}

/// Counts for the summary line and the JSON `summary` object.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub files: u64,
    pub records: u64,
    pub errors: u64,
    pub warnings: u64,
    pub infos: u64,
    /// Findings not listed because a (file, rule) pair reached the cap.
    pub suppressed: u64,
}

/// Collects findings. Each (path, rule) pair keeps at most `cap` findings; the rest are counted.
///
/// Pushes for one (path, rule) pair must arrive in a deterministic order (producers emit in
/// record order); [`Report::finish`] then sorts everything, so the output does not depend on
/// thread scheduling.
#[derive(Debug, Clone)]
pub struct Report {
    cap: usize,
    diagnostics: Vec<Diagnostic>,
    per_key: BTreeMap<(Option<String>, &'static str), (usize, u64)>,
    names: BTreeMap<&'static str, &'static str>,
    pub summary: Summary,
}

impl Default for Report {
    fn default() -> Self {
        Report::new(50)
    }
}

impl Report {
    /// `cap` = findings kept per (file, rule); 0 means no cap.
    pub fn new(cap: usize) -> Self {
        Report {
            cap,
            diagnostics: Vec::new(),
            per_key: BTreeMap::new(),
            names: BTreeMap::new(),
            summary: Summary::default(),
        }
    }

    pub fn push(&mut self, d: Diagnostic) {
        match d.severity {
            Severity::Error => self.summary.errors += 1,
            Severity::Warning => self.summary.warnings += 1,
            Severity::Info => self.summary.infos += 1,
        }
        self.names.insert(d.code, d.name);
        let entry = self
            .per_key
            .entry((d.path.clone(), d.code))
            .or_insert((0, 0));
        if self.cap == 0 || entry.0 < self.cap {
            entry.0 += 1;
            self.diagnostics.push(d);
        } else {
            entry.1 += 1;
            self.summary.suppressed += 1;
        }
    }

    /// Counts `count` findings of one rule that a producer already left out because the
    /// (file, rule) pair had reached the cap (it kept the first `cap` and pushed them).
    pub fn count_suppressed(
        &mut self,
        path: Option<String>,
        code: &'static str,
        name: &'static str,
        severity: Severity,
        count: u64,
    ) {
        if count == 0 {
            return;
        }
        match severity {
            Severity::Error => self.summary.errors += count,
            Severity::Warning => self.summary.warnings += count,
            Severity::Info => self.summary.infos += count,
        }
        self.names.insert(code, name);
        let entry = self.per_key.entry((path, code)).or_insert((0, 0));
        entry.0 = entry.0.max(self.cap);
        entry.1 += count;
        self.summary.suppressed += count;
    }

    pub fn extend(&mut self, it: impl IntoIterator<Item = Diagnostic>) {
        for d in it {
            self.push(d);
        }
    }

    pub fn has_errors(&self) -> bool {
        self.summary.errors > 0
    }

    /// Sorted findings.
    pub fn finish(mut self) -> (Vec<Diagnostic>, Vec<Suppressed>, Summary) {
        self.diagnostics
            .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        let suppressed = self
            .per_key
            .into_iter()
            .filter(|(_, (_, n))| *n > 0)
            .map(|((path, code), (_, count))| Suppressed {
                path,
                code,
                name: self.names.get(code).copied().unwrap_or(""),
                count,
            })
            .collect();
        (self.diagnostics, suppressed, self.summary)
    }

    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// Keeps only the findings on the files in `paths` (and those on no file), and recounts
    /// the summary: `kpdata validate FILE...` reports on the files a change touches.
    pub fn retain_paths(&mut self, paths: &std::collections::BTreeSet<String>) {
        let keep = |p: &Option<String>| p.as_ref().is_none_or(|p| paths.contains(p));
        self.diagnostics.retain(|d| keep(&d.path));
        self.per_key.retain(|(p, _), _| keep(p));
        let mut summary = Summary {
            files: self.summary.files,
            records: self.summary.records,
            ..Summary::default()
        };
        let mut count = |severity: Severity, n: u64| match severity {
            Severity::Error => summary.errors += n,
            Severity::Warning => summary.warnings += n,
            Severity::Info => summary.infos += n,
        };
        for d in &self.diagnostics {
            count(d.severity, 1);
        }
        for ((_, code), (_, n)) in &self.per_key {
            if *n > 0 {
                if let Some(rule) = crate::rules::lookup(code) {
                    count(rule.severity, *n);
                }
                summary.suppressed += n;
            }
        }
        self.summary = summary;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::structure::BLANK_ROW;

    #[test]
    fn caps_per_file_and_rule_and_counts_the_rest() {
        let mut r = Report::new(2);
        for i in 0..5 {
            r.push(
                Diagnostic::new(&BLANK_ROW, "blank")
                    .path("a.csv")
                    .row(i + 2),
            );
        }
        r.push(Diagnostic::new(&BLANK_ROW, "blank").path("b.csv").row(2));
        let (d, s, sum) = r.finish();
        assert_eq!(d.len(), 3);
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].count, 3);
        assert_eq!(sum.errors, 6);
        assert_eq!(sum.suppressed, 3);
    }

    #[test]
    fn order_is_by_path_then_row() {
        let mut r = Report::new(0);
        r.push(Diagnostic::new(&BLANK_ROW, "x").path("b.csv").row(2));
        r.push(Diagnostic::new(&BLANK_ROW, "x").path("a.csv").row(9));
        r.push(Diagnostic::new(&BLANK_ROW, "x").path("a.csv").row(3));
        let (d, _, _) = r.finish();
        let got: Vec<_> = d
            .iter()
            .map(|d| (d.path.clone().unwrap(), d.row.unwrap()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("a.csv".into(), 3),
                ("a.csv".into(), 9),
                ("b.csv".into(), 2)
            ]
        );
    }
}
