//! Charts as SVG written at build time: readable without JavaScript, each with a text
//! alternative (title, description) and the same numbers as a table beside it.

use crate::html::{esc, table};

/// A stacked bar chart: one bar per category, one stack segment per series.
pub struct Bars<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub description: &'a str,
    pub categories: Vec<String>,
    /// `(series label, one value per category)`.
    pub series: Vec<(String, Vec<u64>)>,
}

const W: u64 = 760;
const H: u64 = 300;
const LEFT: u64 = 48;
const BOTTOM: u64 = 40;
const TOP: u64 = 12;

fn nice_max(max: u64) -> u64 {
    let mut step = 1u64;
    loop {
        for m in [1, 2, 5] {
            if step * m * 5 >= max {
                return step * m * 5;
            }
        }
        step *= 10;
    }
}

impl Bars<'_> {
    /// The chart (an inline `<svg>` inside a `<figure>`), its legend and its data table.
    pub fn render(&self) -> String {
        let n = self.categories.len().max(1) as u64;
        let totals: Vec<u64> = (0..self.categories.len())
            .map(|i| self.series.iter().map(|(_, v)| v[i]).sum())
            .collect();
        let max = nice_max(totals.iter().copied().max().unwrap_or(0).max(1));
        let plot_w = W - LEFT - 8;
        let plot_h = H - BOTTOM - TOP;
        let slot = plot_w as f64 / n as f64;
        let bar = (slot * 0.75).max(1.0);
        let mut svg = format!(
            "<svg class=\"chart\" viewBox=\"0 0 {W} {H}\" width=\"{W}\" height=\"{H}\" role=\"img\" \
aria-labelledby=\"{id}-t {id}-d\" xmlns=\"http://www.w3.org/2000/svg\">\
<title id=\"{id}-t\">{t}</title><desc id=\"{id}-d\">{d}</desc>",
            id = esc(self.id),
            t = esc(self.title),
            d = esc(self.description)
        );
        // Grid lines and y labels at fifths of the scale.
        for k in 0..=5u64 {
            let v = max * k / 5;
            let y = TOP as f64 + plot_h as f64 * (1.0 - k as f64 / 5.0);
            svg.push_str(&format!(
                "<line x1=\"{LEFT}\" x2=\"{x2}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#d0d7de\" stroke-width=\"1\"/>\
<text x=\"{lx}\" y=\"{ty:.1}\" font-size=\"11\" text-anchor=\"end\" fill=\"#57606a\">{v}</text>",
                x2 = W - 8,
                lx = LEFT - 4,
                ty = y + 4.0
            ));
        }
        let label_every = ((n as f64) / 16.0).ceil().max(1.0) as usize;
        for (i, cat) in self.categories.iter().enumerate() {
            let x = LEFT as f64 + slot * i as f64 + (slot - bar) / 2.0;
            let mut base = 0u64;
            for (s, (label, values)) in self.series.iter().enumerate() {
                let v = values[i];
                if v == 0 {
                    continue;
                }
                let y0 = TOP as f64 + plot_h as f64 * (1.0 - (base + v) as f64 / max as f64);
                let h = plot_h as f64 * v as f64 / max as f64;
                svg.push_str(&format!(
                    "<rect class=\"c{c}\" x=\"{x:.1}\" y=\"{y0:.1}\" width=\"{bar:.1}\" height=\"{h:.1}\"><title>{cat}: {v} {label}</title></rect>",
                    c = s % 8,
                    cat = esc(cat),
                    label = esc(label)
                ));
                base += v;
            }
            if i % label_every == 0 {
                svg.push_str(&format!(
                    "<text x=\"{cx:.1}\" y=\"{ty}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#1b1f24\">{c}</text>",
                    cx = x + bar / 2.0,
                    ty = H - BOTTOM + 16,
                    c = esc(cat)
                ));
            }
        }
        svg.push_str("</svg>");
        let legend: String = self
            .series
            .iter()
            .enumerate()
            .map(|(s, (label, _))| {
                format!(
                    "<span><i class=\"sw bg{}\" aria-hidden=\"true\"></i>{}</span>",
                    s % 8,
                    esc(label)
                )
            })
            .collect();
        let mut heads: Vec<&str> = vec!["category"];
        heads.extend(self.series.iter().map(|(l, _)| l.as_str()));
        heads.push("total");
        let rows: Vec<Vec<String>> = self
            .categories
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let mut r = vec![esc(c)];
                r.extend(self.series.iter().map(|(_, v)| v[i].to_string()));
                r.push(totals[i].to_string());
                r
            })
            .collect();
        let numeric: Vec<usize> = (1..heads.len()).collect();
        format!(
            "<figure><figcaption><strong>{t}</strong></figcaption>{svg}<p class=\"legend\">{legend}</p>\
<details><summary>The numbers as a table</summary>{tbl}</details></figure>",
            t = esc(self.title),
            tbl = table(self.title, &heads, &rows, &numeric)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chart_has_its_text_alternative_and_table() {
        let b = Bars {
            id: "c",
            title: "Per <year>",
            description: "d",
            categories: vec!["2009".into(), "2010".into()],
            series: vec![("un".into(), vec![3, 0]), ("us".into(), vec![1, 2])],
        };
        let s = b.render();
        assert!(s.contains("<title id=\"c-t\">Per &lt;year&gt;</title>"));
        assert!(s.contains("<td class=\"num\">4</td>"));
        assert_eq!(s.matches("<rect").count(), 3);
        assert!(!s.contains("style="));
    }

    #[test]
    fn scales_are_round() {
        assert_eq!(nice_max(1), 5);
        assert_eq!(nice_max(7), 10);
        assert_eq!(nice_max(43), 50);
        assert_eq!(nice_max(120), 250);
    }
}
