//! Linode's page envelope: `{"data": [...], "page": N, "pages": N, "results": N}`.

use std::collections::HashMap;

use serde_json::{Value, json};

use crate::error::{ApiError, ApiResult};

/// Default page size of the real API.
pub const DEFAULT_PAGE_SIZE: usize = 100;

/// Requested page parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageParams {
    /// 1-based page number.
    pub page: usize,
    /// Items per page (25..=500).
    pub page_size: usize,
}

impl PageParams {
    /// Parses and validates `page` and `page_size` from a query map.
    pub fn from_query(q: &HashMap<String, String>) -> ApiResult<Self> {
        let page = match q.get("page") {
            None => 1,
            Some(s) => match s.parse::<usize>() {
                Ok(n) if n >= 1 => n,
                _ => {
                    return Err(ApiError::field(
                        "page",
                        "page must be an integer of at least 1",
                    ));
                }
            },
        };
        let page_size = match q.get("page_size") {
            None => DEFAULT_PAGE_SIZE,
            Some(s) => match s.parse::<usize>() {
                Ok(n) if (25..=500).contains(&n) => n,
                _ => {
                    return Err(ApiError::field(
                        "page_size",
                        "Must be a value between 25 and 500",
                    ));
                }
            },
        };
        Ok(Self { page, page_size })
    }
}

/// Builds the page envelope for `items` (already filtered and ordered).
pub fn paginate(items: Vec<Value>, params: PageParams) -> Value {
    let results = items.len();
    let pages = results.div_ceil(params.page_size).max(1);
    let start = (params.page - 1).saturating_mul(params.page_size);
    let data: Vec<Value> = items
        .into_iter()
        .skip(start)
        .take(params.page_size)
        .collect();
    json!({ "data": data, "page": params.page, "pages": pages, "results": results })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn pages_are_stable() {
        let items: Vec<Value> = (0..60).map(|i| json!(i)).collect();
        let p = PageParams::from_query(&q(&[("page", "3"), ("page_size", "25")])).unwrap();
        let out = paginate(items, p);
        assert_eq!(out["pages"], 3);
        assert_eq!(out["results"], 60);
        assert_eq!(out["data"].as_array().unwrap().len(), 10);
        assert_eq!(out["data"][0], 50);
    }

    #[test]
    fn empty_collection_has_one_page() {
        let out = paginate(vec![], PageParams::from_query(&q(&[])).unwrap());
        assert_eq!(
            out,
            json!({"data": [], "page": 1, "pages": 1, "results": 0})
        );
    }

    #[test]
    fn rejects_bad_sizes() {
        assert!(PageParams::from_query(&q(&[("page_size", "10")])).is_err());
        assert!(PageParams::from_query(&q(&[("page_size", "501")])).is_err());
        assert!(PageParams::from_query(&q(&[("page", "0")])).is_err());
    }
}
