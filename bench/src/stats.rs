//! Small pure helpers: medians, ratios, request-log arithmetic, number formatting.

use serde_json::Value;

/// The median of `xs` (mean of the two middle values for an even count); `NaN` when empty.
pub fn median(xs: &[f64]) -> f64 {
    if xs.is_empty() {
        return f64::NAN;
    }
    let mut v: Vec<f64> = xs.to_vec();
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    if v.len() % 2 == 1 {
        v[mid]
    } else {
        (v[mid - 1] + v[mid]) / 2.0
    }
}

/// `a / b`, or `None` when either side is not a positive finite number.
pub fn ratio(a: f64, b: f64) -> Option<f64> {
    (a.is_finite() && b.is_finite() && a >= 0.0 && b > 0.0).then(|| a / b)
}

/// A ratio as `2.41×`, or `n/a`.
pub fn fmt_ratio(r: Option<f64>) -> String {
    match r {
        Some(r) if r >= 100.0 => format!("{r:.0}×"),
        Some(r) if r >= 10.0 => format!("{r:.1}×"),
        Some(r) => format!("{r:.2}×"),
        None => "n/a".to_string(),
    }
}

/// Seconds with a precision that suits their size: `0.042 s`, `1.38 s`, `12.4 s`.
pub fn fmt_secs(s: f64) -> String {
    if !s.is_finite() {
        "n/a".to_string()
    } else if s < 1.0 {
        format!("{s:.3} s")
    } else if s < 10.0 {
        format!("{s:.2} s")
    } else {
        format!("{s:.1} s")
    }
}

/// Milliseconds: `7.3 ms`, `182 ms`.
pub fn fmt_ms(ms: f64) -> String {
    if !ms.is_finite() {
        "n/a".to_string()
    } else if ms < 10.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{ms:.0} ms")
    }
}

/// Kibibytes as MiB: `23.4 MiB`.
pub fn fmt_kib(kib: Option<u64>) -> String {
    match kib {
        Some(k) => format!("{:.1} MiB", k as f64 / 1024.0),
        None => "n/a".to_string(),
    }
}

/// Bytes as MiB: `18.2 MiB`.
pub fn fmt_bytes(b: u64) -> String {
    format!("{:.1} MiB", b as f64 / (1024.0 * 1024.0))
}

/// Requests per resource with two decimals.
pub fn per_resource(requests: usize, resources: usize) -> f64 {
    if resources == 0 {
        f64::NAN
    } else {
        requests as f64 / resources as f64
    }
}

/// The fewest requests a refresh of one domain and its `records` records can make with the list
/// endpoint: one `GET /domains/{id}` and one `GET /domains/{id}/records` page per `page_size`
/// records (the API's largest page is 500).
pub fn min_refresh_requests(records: usize, page_size: usize) -> usize {
    1 + records.div_ceil(page_size.max(1)).max(1)
}

/// The fewest requests creating one domain and `records` records can make: one `POST` each (a
/// `POST` answers with the whole object, so no read-back is needed).
pub fn min_apply_requests(records: usize) -> usize {
    1 + records
}

/// A request path with numeric segments (ids) replaced by `{id}`, for grouping the request log.
pub fn normalize_path(path: &str) -> String {
    path.split('/')
        .map(|seg| {
            if !seg.is_empty() && seg.chars().all(|c| c.is_ascii_digit()) {
                "{id}"
            } else {
                seg
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The request log grouped as `METHOD /normalized/path` → count, most frequent first.
pub fn group_requests(log: &[Value]) -> Vec<(String, usize)> {
    let mut counts: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    for r in log {
        let method = r["method"].as_str().unwrap_or("?");
        let path = normalize_path(r["path"].as_str().unwrap_or("?"));
        *counts.entry(format!("{method} {path}")).or_default() += 1;
    }
    let mut v: Vec<(String, usize)> = counts.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v
}

/// How many entries of the request log match `method` and a path containing `needle`.
pub fn count_requests(log: &[Value], method: &str, needle: &str) -> usize {
    log.iter()
        .filter(|r| r["method"] == method && r["path"].as_str().is_some_and(|p| p.contains(needle)))
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn median_of_odd_even_and_empty() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), 2.5);
        assert_eq!(median(&[7.0]), 7.0);
        assert!(median(&[]).is_nan());
    }

    #[test]
    fn ratio_guards_against_zero_and_nan() {
        assert_eq!(ratio(3.0, 2.0), Some(1.5));
        assert_eq!(ratio(1.0, 0.0), None);
        assert_eq!(ratio(f64::NAN, 1.0), None);
        assert_eq!(fmt_ratio(Some(1.234)), "1.23×");
        assert_eq!(fmt_ratio(Some(12.34)), "12.3×");
        assert_eq!(fmt_ratio(Some(123.4)), "123×");
        assert_eq!(fmt_ratio(None), "n/a");
    }

    #[test]
    fn formats() {
        assert_eq!(fmt_secs(0.0421), "0.042 s");
        assert_eq!(fmt_secs(1.384), "1.38 s");
        assert_eq!(fmt_secs(12.44), "12.4 s");
        assert_eq!(fmt_ms(7.34), "7.3 ms");
        assert_eq!(fmt_ms(182.4), "182 ms");
        assert_eq!(fmt_kib(Some(2048)), "2.0 MiB");
        assert_eq!(fmt_kib(None), "n/a");
        assert_eq!(fmt_bytes(3 * 1024 * 1024), "3.0 MiB");
    }

    #[test]
    fn minimum_request_counts() {
        assert_eq!(min_refresh_requests(100, 500), 2);
        assert_eq!(min_refresh_requests(500, 500), 2);
        assert_eq!(min_refresh_requests(1000, 500), 3);
        assert_eq!(min_refresh_requests(1001, 500), 4);
        assert_eq!(min_refresh_requests(0, 500), 2);
        assert_eq!(min_apply_requests(100), 101);
        assert!((per_resource(202, 101) - 2.0).abs() < 1e-9);
        assert!(per_resource(1, 0).is_nan());
    }

    #[test]
    fn request_log_grouping() {
        assert_eq!(
            normalize_path("/v4/domains/12/records/345"),
            "/v4/domains/{id}/records/{id}"
        );
        assert_eq!(normalize_path("/v4/lke/clusters"), "/v4/lke/clusters");
        let log = vec![
            json!({"method": "GET", "path": "/v4/domains/1/records/2"}),
            json!({"method": "GET", "path": "/v4/domains/1/records/3"}),
            json!({"method": "POST", "path": "/v4/domains"}),
        ];
        assert_eq!(
            group_requests(&log),
            vec![
                ("GET /v4/domains/{id}/records/{id}".to_string(), 2),
                ("POST /v4/domains".to_string(), 1)
            ]
        );
        assert_eq!(count_requests(&log, "GET", "/records"), 2);
        assert_eq!(count_requests(&log, "POST", "/records"), 0);
    }
}
