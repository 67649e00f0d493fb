//! Small helpers every resource uses: reaching the configured state, turning API errors into
//! diagnostics on the right attribute, import ids, and the per-process list caches.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

use tfplugin::{AttributePath, Context, Diagnostics};
use tokio::sync::OnceCell;

use crate::LinodeState;

pub mod create;
pub mod filter;

pub use create::{Ownership, create_once, create_or_discard};

/// The configured provider state, or an "unconfigured provider" error.
pub fn state<'a>(ctx: &'a Context, diags: &mut Diagnostics) -> Option<&'a LinodeState> {
    ctx.client::<LinodeState>(diags)
}

/// Records an API error as a diagnostic. Field errors from Linode (`{"field","reason"}`) are put
/// on the matching attribute when `field_to_attr` maps the API field to one; a rejected token gets
/// a message that says what to do.
pub fn api_error(
    diags: &mut Diagnostics,
    action: &str,
    err: &linode_sdk::Error,
    field_to_attr: impl Fn(&str) -> Option<AttributePath>,
) {
    if err.is_unauthorized() {
        diags.error_at(
            "token",
            "Linode API token rejected",
            format!(
                "{action}: the Linode API answered 401. Check the LINODE_TOKEN environment variable \
                 or the provider's `token` argument."
            ),
        );
        return;
    }
    if let Some(api) = err.api_error() {
        let mut placed = false;
        for fe in &api.errors {
            if let Some(path) = fe.field.as_deref().and_then(&field_to_attr) {
                diags.error_at(path, format!("{action}: invalid {}", fe.field.as_deref().unwrap_or("")), fe.reason.clone());
                placed = true;
            }
        }
        if placed {
            return;
        }
    }
    diags.error(action.to_string(), err.to_string());
}

/// [`api_error`] for errors that concern no particular attribute.
pub fn api_error_plain(diags: &mut Diagnostics, action: &str, err: &linode_sdk::Error) {
    api_error(diags, action, err, |_| None);
}

/// Maps an API field name to the attribute of the same name (most Linode fields and Terraform
/// attributes share names).
pub fn same_name(field: &str) -> Option<AttributePath> {
    Some(AttributePath::root().attr(field.split(['.', '[']).next().unwrap_or(field)))
}

/// Splits an import id like `"123,456"` into `N` numeric parts, recording an error naming the
/// expected format when it does not fit.
pub fn parse_import_ids<const N: usize>(id: &str, format: &str, diags: &mut Diagnostics) -> Option<[u64; N]> {
    let parts: Vec<&str> = id.split(',').map(str::trim).collect();
    let parsed: Option<Vec<u64>> = parts.iter().map(|p| p.parse::<u64>().ok()).collect();
    match parsed {
        Some(v) if v.len() == N => v.try_into().ok(),
        _ => {
            diags.error(
                "Invalid import ID",
                format!("Expected an import ID of the form {format} (numbers separated by commas), got {id:?}."),
            );
            None
        }
    }
}

/// Parses a numeric id kept as a string attribute (Terraform ids are strings).
pub fn parse_id(id: &str, attr: &str, diags: &mut Diagnostics) -> Option<u64> {
    match id.trim().parse::<u64>() {
        Ok(n) => Some(n),
        Err(_) => {
            diags.error_at(attr, "Invalid ID", format!("Expected a numeric ID, got {id:?}."));
            None
        }
    }
}

/// A per-process cache of child collections (records of a domain, pools of a cluster, ...).
///
/// Terraform refreshes every resource in one provider process, concurrently. Reading 500 records
/// of one domain one by one would cost 500 API calls; instead the first read lists the domain's
/// records once through the paginated API (a handful of calls at 500 per page), the concurrent
/// reads wait for that listing, and every read is served from it. Writes invalidate the parent's
/// entry so later reads in the same process see them.
pub struct ListCache<T> {
    entries: Mutex<HashMap<String, Listing<T>>>,
}

/// One parent's listing: filled once, shared by the reads that wait for it.
type Listing<T> = Arc<OnceCell<Arc<Vec<T>>>>;

impl<T> Default for ListCache<T> {
    fn default() -> Self {
        ListCache { entries: Mutex::new(HashMap::new()) }
    }
}

impl<T: Send + Sync> ListCache<T> {
    /// The children of `parent`, listing them with `list` unless a listing is cached or under way.
    /// A failed listing is not cached.
    pub async fn get_or_list<F, Fut>(&self, parent: &str, list: F) -> Result<Arc<Vec<T>>, linode_sdk::Error>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Vec<T>, linode_sdk::Error>>,
    {
        let cell = {
            let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
            entries.entry(parent.to_string()).or_default().clone()
        };
        cell.get_or_try_init(|| async { list().await.map(Arc::new) }).await.cloned()
    }

    /// Forgets the cached children of `parent` (after a create, update or delete under it).
    pub fn invalidate(&self, parent: &str) {
        self.entries.lock().unwrap_or_else(|e| e.into_inner()).remove(parent);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test]
    async fn concurrent_reads_share_one_listing() {
        let cache: Arc<ListCache<u32>> = Arc::default();
        let calls = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..50 {
            let (cache, calls) = (cache.clone(), calls.clone());
            tasks.push(tokio::spawn(async move {
                cache
                    .get_or_list("7", || async {
                        calls.fetch_add(1, Ordering::SeqCst);
                        tokio::task::yield_now().await;
                        Ok(vec![1, 2, 3])
                    })
                    .await
                    .unwrap()
                    .len()
            }));
        }
        for t in tasks {
            assert_eq!(t.await.unwrap(), 3);
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        cache.invalidate("7");
        cache.get_or_list("7", || async { calls.fetch_add(1, Ordering::SeqCst); Ok(vec![]) }).await.unwrap();
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn import_ids_name_the_expected_format() {
        let mut diags = Diagnostics::new();
        assert_eq!(parse_import_ids::<2>("12, 34", "<domain_id>,<id>", &mut diags), Some([12, 34]));
        assert!(parse_import_ids::<2>("12", "<domain_id>,<id>", &mut diags).is_none());
        let err = diags.errors().next().unwrap();
        assert!(err.detail.contains("<domain_id>,<id>"), "{}", err.detail);
    }
}

/// Whether a failed `POST` may nevertheless have been carried out: Linode answered 5xx or 408,
/// or the connection broke after the request was sent. (429 and "Linode busy." are retried by
/// the SDK itself, because then Linode provably did nothing.)
pub fn maybe_applied(err: &linode_sdk::Error) -> bool {
    err.is_server_error()
        || err.status() == Some(408)
        || err.is_timeout()
        || err.reached_server() == Some(linode_sdk::ReachedServer::Unknown)
}

/// A time as the official provider stores it (RFC 3339): the API's `YYYY-MM-DDTHH:MM:SS` is UTC
/// without an offset, so `Z` is added; an empty or already-offset time is kept.
pub fn api_time(t: &str) -> String {
    let has_offset = t.ends_with('Z') || t.get(19..).is_some_and(|rest| rest.contains(['+', '-']));
    if t.is_empty() || has_offset { t.to_string() } else { format!("{t}Z") }
}

#[cfg(test)]
mod time_tests {
    #[test]
    fn api_times_become_rfc3339() {
        assert_eq!(super::api_time("2024-05-01T10:20:30"), "2024-05-01T10:20:30Z");
        assert_eq!(super::api_time("2024-05-01T10:20:30Z"), "2024-05-01T10:20:30Z");
        assert_eq!(super::api_time("2024-05-01T10:20:30+02:00"), "2024-05-01T10:20:30+02:00");
        assert_eq!(super::api_time(""), "");
    }
}
