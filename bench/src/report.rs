//! The report: tables rendered as Markdown (docs/benchmarks.md) and as aligned text (the
//! terminal), and a hand-written SVG bar chart of the ratios on a log scale.

use std::fmt::Write as _;

/// A table with a header row.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    /// Column headers.
    pub headers: Vec<String>,
    /// Rows; each as long as `headers`.
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these headers and no rows.
    pub fn new(headers: &[&str]) -> Table {
        Table {
            headers: headers.iter().map(|h| h.to_string()).collect(),
            rows: Vec::new(),
        }
    }

    /// Appends a row (padded or cut to the header's width).
    pub fn row(&mut self, cells: Vec<String>) {
        let mut cells = cells;
        cells.resize(self.headers.len(), String::new());
        self.rows.push(cells);
    }

    /// GitHub-flavoured Markdown; the first column left-aligned, the others right-aligned.
    pub fn markdown(&self) -> String {
        let esc = |s: &str| s.replace('|', "\\|");
        let mut out = String::new();
        let _ = writeln!(
            out,
            "| {} |",
            self.headers
                .iter()
                .map(|h| esc(h))
                .collect::<Vec<_>>()
                .join(" | ")
        );
        let align: Vec<&str> = (0..self.headers.len())
            .map(|i| if i == 0 { ":---" } else { "---:" })
            .collect();
        let _ = writeln!(out, "| {} |", align.join(" | "));
        for row in &self.rows {
            let _ = writeln!(
                out,
                "| {} |",
                row.iter().map(|c| esc(c)).collect::<Vec<_>>().join(" | ")
            );
        }
        out
    }

    /// Plain text with padded columns, for the terminal.
    pub fn text(&self) -> String {
        let width = |s: &str| s.chars().count();
        let mut widths: Vec<usize> = self.headers.iter().map(|h| width(h)).collect();
        for row in &self.rows {
            for (i, c) in row.iter().enumerate() {
                widths[i] = widths[i].max(width(c));
            }
        }
        let line = |cells: &[String]| {
            cells
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let pad = " ".repeat(widths[i] - width(c));
                    if i == 0 {
                        format!("{c}{pad}")
                    } else {
                        format!("{pad}{c}")
                    }
                })
                .collect::<Vec<_>>()
                .join("  ")
                .trim_end()
                .to_string()
        };
        let mut out = String::new();
        let _ = writeln!(out, "{}", line(&self.headers));
        let total: usize = widths.iter().sum::<usize>() + 2 * widths.len().saturating_sub(1);
        let _ = writeln!(out, "{}", "-".repeat(total));
        for row in &self.rows {
            let _ = writeln!(out, "{}", line(row));
        }
        out
    }
}

/// One numbered part of the report.
#[derive(Debug, Clone, Default)]
pub struct Section {
    /// Heading.
    pub title: String,
    /// What is measured and how (Markdown).
    pub intro: String,
    /// The figures.
    pub tables: Vec<Table>,
    /// Remarks after the tables (Markdown).
    pub notes: Vec<String>,
}

/// One row of the chart.
#[derive(Debug, Clone, PartialEq)]
pub enum ChartRow {
    /// A group heading.
    Group(String),
    /// A labelled bar.
    Bar(String, f64),
}

/// A horizontal bar chart of ratios (1× = as fast as the baseline).
#[derive(Debug, Clone, Default)]
pub struct Chart {
    /// Title line.
    pub title: String,
    /// Rows top to bottom.
    pub rows: Vec<ChartRow>,
}

/// The whole report.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// `name: value` lines of the environment.
    pub environment: Vec<(String, String)>,
    /// The headline figures.
    pub summary: Table,
    /// Numbered parts.
    pub sections: Vec<Section>,
    /// The ratios chart.
    pub chart: Chart,
    /// How the run was made (Markdown bullet points).
    pub method: Vec<String>,
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

impl Report {
    /// The Markdown document; `svg_file` is the chart's file name next to it.
    pub fn markdown(&self, svg_file: &str, command: &str) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "# Benchmarks\n");
        let _ = writeln!(
            out,
            "Written by `{command}` (see the README). All figures come from one run on one machine; \
             compare the ratios, not the absolute times, across machines. Nothing in the test suite \
             asserts a time.\n"
        );
        let _ = writeln!(out, "## Environment\n");
        for (k, v) in &self.environment {
            let _ = writeln!(out, "- **{k}**: {v}");
        }
        let _ = writeln!(out, "\n## Summary\n");
        out.push_str(&self.summary.markdown());
        if !self.chart.rows.is_empty() {
            let _ = writeln!(out, "\n![{}]({svg_file})", xml_escape(&self.chart.title));
        }
        for (i, s) in self.sections.iter().enumerate() {
            let _ = writeln!(out, "\n## {}. {}\n", i + 1, s.title);
            if !s.intro.is_empty() {
                let _ = writeln!(out, "{}\n", s.intro.trim_end());
            }
            for (j, t) in s.tables.iter().enumerate() {
                if j > 0 {
                    out.push('\n');
                }
                out.push_str(&t.markdown());
            }
            if !s.notes.is_empty() {
                out.push('\n');
                for n in &s.notes {
                    let _ = writeln!(out, "- {n}");
                }
            }
        }
        if !self.method.is_empty() {
            let _ = writeln!(out, "\n## Method\n");
            for m in &self.method {
                let _ = writeln!(out, "- {m}");
            }
        }
        out
    }

    /// The terminal rendering: environment, summary and every table.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for (k, v) in &self.environment {
            let _ = writeln!(out, "{k}: {v}");
        }
        let _ = writeln!(out, "\n== Summary\n{}", self.summary.text());
        for (i, s) in self.sections.iter().enumerate() {
            let _ = writeln!(out, "== {}. {}", i + 1, s.title);
            for t in &s.tables {
                let _ = writeln!(out, "{}", t.text());
            }
        }
        out
    }
}

/// Tick values of a log-scale axis between `lo` and `hi` (1-2-5 steps).
pub fn log_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let mut ticks = Vec::new();
    let mut decade = 10f64.powi(lo.log10().floor() as i32);
    while decade <= hi * 1.0001 {
        for m in [1.0, 2.0, 5.0] {
            let t = decade * m;
            if t >= lo * 0.9999 && t <= hi * 1.0001 {
                ticks.push(t);
            }
        }
        decade *= 10.0;
    }
    ticks
}

/// The chart as a standalone SVG document (log-scale x axis, a dashed line at 1×).
pub fn svg(chart: &Chart) -> String {
    let bars: Vec<f64> = chart
        .rows
        .iter()
        .filter_map(|r| match r {
            ChartRow::Bar(_, v) if v.is_finite() && *v > 0.0 => Some(*v),
            _ => None,
        })
        .collect();
    let lo = bars.iter().copied().fold(0.5f64, f64::min).min(0.5);
    let hi = bars.iter().copied().fold(2.0f64, f64::max) * 1.25;
    let (label_w, plot_w, row_h, top) = (330.0, 430.0, 24.0, 56.0);
    let width = label_w + plot_w + 80.0;
    let height = top + row_h * chart.rows.len() as f64 + 40.0;
    let x = |v: f64| label_w + (v.ln() - lo.ln()) / (hi.ln() - lo.ln()) * plot_w;
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}" font-family="sans-serif" font-size="13">"#
    );
    let _ = writeln!(s, r##"<rect width="100%" height="100%" fill="#ffffff"/>"##);
    let _ = writeln!(
        s,
        r#"<text x="12" y="24" font-size="16" font-weight="bold">{}</text>"#,
        xml_escape(&chart.title)
    );
    let axis_bottom = top + row_h * chart.rows.len() as f64;
    for t in log_ticks(lo, hi) {
        let tx = x(t);
        let _ = writeln!(
            s,
            r##"<line x1="{tx:.1}" y1="{:.1}" x2="{tx:.1}" y2="{axis_bottom:.1}" stroke="#e3e3e3"/><text x="{tx:.1}" y="{:.1}" text-anchor="middle" fill="#555">{}×</text>"##,
            top - 6.0,
            axis_bottom + 16.0,
            trim_num(t)
        );
    }
    for (i, row) in chart.rows.iter().enumerate() {
        let y = top + row_h * i as f64;
        match row {
            ChartRow::Group(title) => {
                let _ = writeln!(
                    s,
                    r#"<text x="12" y="{:.1}" font-weight="bold">{}</text>"#,
                    y + row_h * 0.7,
                    xml_escape(title)
                );
            }
            ChartRow::Bar(label, v) => {
                let _ = writeln!(
                    s,
                    r##"<text x="{:.1}" y="{:.1}" text-anchor="end" fill="#222">{}</text>"##,
                    label_w - 8.0,
                    y + row_h * 0.7,
                    xml_escape(label)
                );
                if v.is_finite() && *v > 0.0 {
                    let x0 = x(lo);
                    let w = (x(*v) - x0).max(1.0);
                    let fill = if *v <= 1.2 {
                        "#3b8e5a"
                    } else if *v <= 3.0 {
                        "#d09a2c"
                    } else {
                        "#c2553d"
                    };
                    let _ = writeln!(
                        s,
                        r##"<rect x="{x0:.1}" y="{:.1}" width="{w:.1}" height="{:.1}" fill="{fill}"/><text x="{:.1}" y="{:.1}" fill="#222">{}</text>"##,
                        y + 4.0,
                        row_h - 8.0,
                        x0 + w + 4.0,
                        y + row_h * 0.7,
                        xml_escape(&crate::stats::fmt_ratio(Some(*v)))
                    );
                } else {
                    let _ = writeln!(
                        s,
                        r##"<text x="{:.1}" y="{:.1}" fill="#888">n/a</text>"##,
                        x(lo) + 4.0,
                        y + row_h * 0.7
                    );
                }
            }
        }
    }
    let one = x(1.0);
    let _ = writeln!(
        s,
        r##"<line x1="{one:.1}" y1="{:.1}" x2="{one:.1}" y2="{axis_bottom:.1}" stroke="#333" stroke-dasharray="4 3"/><text x="{one:.1}" y="{:.1}" text-anchor="middle" fill="#333">baseline</text>"##,
        top - 4.0,
        top - 18.0
    );
    s.push_str("</svg>\n");
    s
}

fn trim_num(v: f64) -> String {
    if v >= 1.0 {
        format!("{v:.0}")
    } else {
        format!("{v}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table {
        let mut t = Table::new(&["N", "plan", "ratio"]);
        t.row(vec!["100".into(), "1.2 s".into(), "2.00×".into()]);
        t.row(vec!["a|b".into()]);
        t
    }

    #[test]
    fn markdown_table_escapes_and_pads() {
        let md = table().markdown();
        let lines: Vec<&str> = md.lines().collect();
        assert_eq!(lines[0], "| N | plan | ratio |");
        assert_eq!(lines[1], "| :--- | ---: | ---: |");
        assert_eq!(lines[2], "| 100 | 1.2 s | 2.00× |");
        assert_eq!(lines[3], r"| a\|b |  |  |");
    }

    #[test]
    fn text_table_aligns_columns() {
        let txt = table().text();
        let lines: Vec<&str> = txt.lines().collect();
        assert_eq!(lines[0], "N     plan  ratio");
        assert_eq!(lines[2], "100  1.2 s  2.00×");
        assert!(lines[1].chars().all(|c| c == '-'));
    }

    #[test]
    fn log_ticks_cover_the_range() {
        assert_eq!(log_ticks(0.5, 12.0), vec![0.5, 1.0, 2.0, 5.0, 10.0]);
        assert_eq!(log_ticks(1.0, 1.0), vec![1.0]);
    }

    #[test]
    fn svg_has_a_bar_per_ratio_and_escapes_labels() {
        let chart = Chart {
            title: "Ratios <test>".into(),
            rows: vec![
                ChartRow::Group("Provider".into()),
                ChartRow::Bar("plan N=100".into(), 2.5),
                ChartRow::Bar("apply & more".into(), 0.8),
                ChartRow::Bar("missing".into(), f64::NAN),
            ],
        };
        let svg = svg(&chart);
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.trim_end().ends_with("</svg>"));
        // One background rect plus one per finite bar.
        assert_eq!(svg.matches("<rect").count(), 3);
        assert!(svg.contains("Ratios &lt;test&gt;"));
        assert!(svg.contains("apply &amp; more"));
        assert!(svg.contains("2.50×"));
        assert!(svg.contains(">n/a<"));
        // The longer ratio gets the longer bar.
        let widths: Vec<f64> = svg
            .lines()
            .filter(|l| l.starts_with("<rect x="))
            .map(|l| {
                let w = l.split("width=\"").nth(1).unwrap();
                w[..w.find('"').unwrap()].parse().unwrap()
            })
            .collect();
        assert_eq!(widths.len(), 2);
        assert!(widths[0] > widths[1]);
    }

    #[test]
    fn report_markdown_has_sections_and_chart_link() {
        let report = Report {
            environment: vec![("CPUs".into(), "2".into())],
            summary: table(),
            sections: vec![Section {
                title: "Provider overhead".into(),
                intro: "What.".into(),
                tables: vec![table()],
                notes: vec!["a note".into()],
            }],
            chart: Chart {
                title: "Ratios".into(),
                rows: vec![ChartRow::Bar("x".into(), 1.0)],
            },
            method: vec!["medians of 3".into()],
        };
        let md = report.markdown("benchmarks.svg", "scripts/bench.sh");
        assert!(md.starts_with("# Benchmarks\n"));
        assert!(md.contains("- **CPUs**: 2"));
        assert!(md.contains("![Ratios](benchmarks.svg)"));
        assert!(md.contains("## 1. Provider overhead"));
        assert!(md.contains("- a note"));
        assert!(md.contains("## Method"));
        let txt = report.text();
        assert!(txt.contains("== 1. Provider overhead"));
    }
}
