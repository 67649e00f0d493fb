//! Linode's page-numbered collections: [`Page<T>`], [`ListParams`] and a stream over all pages.

use std::collections::VecDeque;

use futures::stream::{self, BoxStream, StreamExt};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::client::Client;
use crate::error::Result;
use crate::filter::Filter;

/// Largest page size the API accepts.
pub const MAX_PAGE_SIZE: u32 = 500;
/// Smallest page size the API accepts.
pub const MIN_PAGE_SIZE: u32 = 25;

/// One page of a collection: `{data, page, pages, results}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    /// The items on this page.
    pub data: Vec<T>,
    /// This page's number (1-based).
    #[serde(default = "one")]
    pub page: u32,
    /// Number of pages.
    #[serde(default = "one")]
    pub pages: u32,
    /// Total number of items over all pages.
    #[serde(default)]
    pub results: u64,
}

fn one() -> u32 {
    1
}

impl<T> Page<T> {
    /// `true` when there is a page after this one.
    pub fn has_next(&self) -> bool {
        self.page < self.pages
    }
}

/// Query options of a list call: page, page size and an `X-Filter`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListParams {
    /// Page to fetch (1-based); `None` lets the API pick page 1.
    pub page: Option<u32>,
    /// Items per page (25..=500); `None` uses the API default (100).
    pub page_size: Option<u32>,
    /// Filter and ordering, sent as `X-Filter`.
    pub filter: Option<Filter>,
}

impl ListParams {
    /// Empty parameters.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the page number.
    #[must_use]
    pub fn page(mut self, page: u32) -> Self {
        self.page = Some(page.max(1));
        self
    }

    /// Sets the page size, clamped to the API's 25..=500.
    #[must_use]
    pub fn page_size(mut self, size: u32) -> Self {
        self.page_size = Some(size.clamp(MIN_PAGE_SIZE, MAX_PAGE_SIZE));
        self
    }

    /// Sets the `X-Filter`.
    #[must_use]
    pub fn filter(mut self, filter: Filter) -> Self {
        self.filter = Some(filter);
        self
    }

    pub(crate) fn query(&self) -> Vec<(&'static str, String)> {
        let mut q = Vec::new();
        if let Some(p) = self.page {
            q.push(("page", p.to_string()));
        }
        if let Some(s) = self.page_size {
            q.push(("page_size", s.to_string()));
        }
        q
    }
}

impl From<Filter> for ListParams {
    fn from(filter: Filter) -> Self {
        ListParams::new().filter(filter)
    }
}

/// A stream over every item of a collection, fetching one page at a time.
///
/// Only the current page is held in memory, so consuming the stream item by item
/// keeps memory flat however large the collection is. Starts at `params.page`
/// (default 1) and stops after the last page the API reports. Without an explicit
/// `page_size` the stream asks for the maximum (500) to spend fewer requests of the
/// paginated-collection rate limit.
pub fn stream_all<T>(client: Client, path: String, params: ListParams) -> BoxStream<'static, Result<T>>
where
    T: DeserializeOwned + Send + 'static,
{
    struct State<T> {
        client: Client,
        path: String,
        params: ListParams,
        next: Option<u32>,
        buf: VecDeque<T>,
    }
    let next = Some(params.page.unwrap_or(1));
    let params = ListParams { page_size: Some(params.page_size.unwrap_or(MAX_PAGE_SIZE)), ..params };
    let state = State { client, path, params, next, buf: VecDeque::new() };
    stream::try_unfold(state, |mut st| async move {
        loop {
            if let Some(item) = st.buf.pop_front() {
                return Ok(Some((item, st)));
            }
            let Some(page_no) = st.next else { return Ok(None) };
            let params = ListParams { page: Some(page_no), ..st.params.clone() };
            let page: Page<T> = st.client.list_page(&st.path, &params).await?;
            // Advance from the page we asked for, so a server that ignores `page` cannot
            // make the stream loop.
            st.next = (page_no < page.pages && !page.data.is_empty()).then_some(page_no + 1);
            st.buf = page.data.into();
        }
    })
    .boxed()
}
