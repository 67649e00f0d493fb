//! Creating through a `POST` that may or may not have been applied: never a duplicate, never
//! an object this apply did not create.
//!
//! The SDK never retries a `POST` that Linode may have acted on (a 5xx, a timeout, a broken
//! connection). After such a failure the object is looked up by what makes it unique (a
//! cluster's label, a domain's name, a record's type, name and target, ...). Only an object
//! this attempt made is taken: one whose id was not there before the first attempt
//! ([`Ownership::Ids`], one lookup before creating), or, for high-volume objects, one whose
//! server-side `created` time is not earlier than the attempt ([`Ownership::Created`], with the
//! server's clock read from the API's `Date` header). Anything else that matches existed before,
//! belongs to someone else, and is left alone: the create is tried again and fails with the API's
//! own answer (e.g. "label already in use"). Waits between attempts end when Terraform stops the
//! provider.

use std::future::Future;
use std::time::{Duration, Instant};

use linode_sdk::Client;
use tfplugin::Context;
use time::{OffsetDateTime, PrimitiveDateTime};

use super::maybe_applied;

/// How many times a create that may or may not have been applied is tried.
const ATTEMPTS: u32 = 5;

/// How to tell an object this create made from one that was there before.
pub enum Ownership<T> {
    /// The object's id, compared with the ids found before the first attempt (one lookup before
    /// creating).
    Ids(fn(&T) -> u64),
    /// The object's `created` timestamp (the API's `YYYY-MM-DDTHH:MM:SS`, UTC), compared with the
    /// server's time when the attempt began: no extra call, for objects created by the thousand
    /// (records); an object made within about two seconds before cannot be told apart.
    Created(fn(&T) -> Option<&str>),
}

/// Creates an object, adopting the object an ambiguous failure made.
pub async fn create_once<T, C, CF, F, FF>(
    ctx: &Context,
    client: &Client,
    what: &str,
    ownership: Ownership<T>,
    create: C,
    find: F,
) -> Result<T, linode_sdk::Error>
where
    C: Fn() -> CF,
    CF: Future<Output = Result<T, linode_sdk::Error>>,
    F: Fn() -> FF,
    FF: Future<Output = Result<Vec<T>, linode_sdk::Error>>,
{
    attempts(ctx, client, what, ownership, create, find, |made| async move { Ok(Some(made)) }).await
}

/// Creates an object whose create response is the only chance to learn part of it (an Object
/// Storage key's secret): an object an ambiguous failure made is deleted with `discard` and the
/// create tried again, so nothing is left behind.
pub async fn create_or_discard<T, C, CF, F, FF, D, DF>(
    ctx: &Context,
    client: &Client,
    what: &str,
    ownership: Ownership<T>,
    create: C,
    find: F,
    discard: D,
) -> Result<T, linode_sdk::Error>
where
    C: Fn() -> CF,
    CF: Future<Output = Result<T, linode_sdk::Error>>,
    F: Fn() -> FF,
    FF: Future<Output = Result<Vec<T>, linode_sdk::Error>>,
    D: Fn(T) -> DF,
    DF: Future<Output = Result<(), linode_sdk::Error>>,
{
    let discard = &discard;
    attempts(ctx, client, what, ownership, create, find, |made| async move {
        discard(made).await.map(|()| None)
    })
    .await
}

async fn attempts<T, C, CF, F, FF, O, OF>(
    ctx: &Context,
    client: &Client,
    what: &str,
    ownership: Ownership<T>,
    create: C,
    find: F,
    mut on_ours: O,
) -> Result<T, linode_sdk::Error>
where
    C: Fn() -> CF,
    CF: Future<Output = Result<T, linode_sdk::Error>>,
    F: Fn() -> FF,
    FF: Future<Output = Result<Vec<T>, linode_sdk::Error>>,
    O: FnMut(T) -> OF,
    OF: Future<Output = Result<Option<T>, linode_sdk::Error>>,
{
    let before: Vec<u64> = match &ownership {
        Ownership::Ids(id) => find().await?.iter().map(id).collect(),
        Ownership::Created(_) => vec![],
    };
    let mut attempt = 1;
    loop {
        let started = Instant::now();
        let err = match create().await {
            Ok(created) => return Ok(created),
            Err(err) if attempt < ATTEMPTS && maybe_applied(&err) && !ctx.is_cancelled() => err,
            Err(err) => return Err(err),
        };
        tracing::warn!(what, attempt, error = %err, "create may or may not have been applied; looking for what it made");
        let found = find().await?;
        let since = client.server_time_at(started);
        let mut ours = found.into_iter().filter(|o| match &ownership {
            Ownership::Ids(id) => !before.contains(&id(o)),
            Ownership::Created(created) => made_since(created(o), since),
        });
        if let Some(made) = ours.next() {
            tracing::info!(what, "the earlier create was applied: taking the object it made");
            if let Some(done) = on_ours(made).await? {
                return Ok(done);
            }
        }
        let pause = Duration::from_millis(200 * u64::from(attempt));
        tokio::select! {
            () = tokio::time::sleep(pause) => {}
            () = ctx.cancellation().cancelled() => return Err(err),
        }
        attempt += 1;
    }
}

/// Whether an object created at `created` (the API's UTC `YYYY-MM-DDTHH:MM:SS`) was made after
/// `since` (the server's time when the attempt began, estimated from a `Date` header), allowing
/// for the one-second resolution of both: an object made up to about two seconds before the
/// attempt cannot be told apart, which is why only high-volume objects without a cheaper test
/// (domain records) use it. Without a known server time or timestamp nothing is claimed.
fn made_since(created: Option<&str>, since: Option<OffsetDateTime>) -> bool {
    let format = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    let (Some(created), Some(since)) = (created, since) else { return false };
    let stamp = created.get(..19).unwrap_or(created);
    match PrimitiveDateTime::parse(stamp, format) {
        Ok(t) => t.assume_utc() >= since - time::Duration::seconds(1),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn only_objects_made_during_the_attempt_are_claimed() {
        let since = time::macros::datetime!(2026-11-30 10:00:00 UTC);
        assert!(made_since(Some("2026-11-30T10:00:00"), Some(since)));
        assert!(made_since(Some("2026-11-30T09:59:59"), Some(since)), "one-second resolution on both sides");
        assert!(!made_since(Some("2026-11-30T09:59:58"), Some(since)));
        assert!(!made_since(Some("2026-11-29T10:00:00"), Some(since)), "a day old: someone else's");
        assert!(!made_since(None, Some(since)));
        assert!(!made_since(Some("2026-11-30T10:00:00"), None), "no server time: claim nothing");
        assert!(!made_since(Some("garbage"), Some(since)));
    }

    fn server_error() -> linode_sdk::Error {
        linode_sdk::Error::Api(Box::new(linode_sdk::ApiError {
            status: 500,
            method: "POST".into(),
            path: "/v4/nodebalancers/1/configs".into(),
            errors: vec![],
            body: None,
            retry_after: None,
            maintenance_mode: false,
        }))
    }

    #[tokio::test(start_paused = true)]
    async fn ids_seen_before_the_first_attempt_are_never_adopted() {
        let ctx = Context::new(None);
        let client = Client::builder().base_url("http://127.0.0.1:9").build().unwrap();
        let (creates, finds) = (AtomicUsize::new(0), AtomicUsize::new(0));
        // Object 1 existed before; the first create fails with a 500 after making object 2.
        let got = create_once(
            &ctx,
            &client,
            "config",
            Ownership::Ids(|id: &u64| *id),
            || async {
                creates.fetch_add(1, Ordering::SeqCst);
                Err::<u64, _>(server_error())
            },
            || async { Ok(if finds.fetch_add(1, Ordering::SeqCst) == 0 { vec![1] } else { vec![1, 2] }) },
        )
        .await
        .unwrap();
        assert_eq!(got, 2);
        assert_eq!(creates.load(Ordering::SeqCst), 1, "found, so not created again");
    }

    #[tokio::test(start_paused = true)]
    async fn a_pre_existing_object_fails_the_create_with_the_api_answer() {
        let ctx = Context::new(None);
        let client = Client::builder().base_url("http://127.0.0.1:9").build().unwrap();
        let creates = AtomicUsize::new(0);
        let err = create_once(
            &ctx,
            &client,
            "config",
            Ownership::Ids(|id: &u64| *id),
            || async {
                creates.fetch_add(1, Ordering::SeqCst);
                Err::<u64, _>(server_error())
            },
            || async { Ok(vec![1]) },
        )
        .await
        .unwrap_err();
        assert_eq!(err.status(), Some(500));
        assert_eq!(creates.load(Ordering::SeqCst), ATTEMPTS as usize, "tried again, never adopted object 1");
    }

    #[tokio::test(start_paused = true)]
    async fn discarded_objects_are_deleted_and_created_again() {
        let ctx = Context::new(None);
        let client = Client::builder().base_url("http://127.0.0.1:9").build().unwrap();
        let (creates, deleted) = (AtomicUsize::new(0), std::sync::Mutex::new(vec![]));
        let got = create_or_discard(
            &ctx,
            &client,
            "key",
            Ownership::Ids(|id: &u64| *id),
            || async { if creates.fetch_add(1, Ordering::SeqCst) == 0 { Err(server_error()) } else { Ok(9u64) } },
            || async { Ok(if creates.load(Ordering::SeqCst) == 0 { vec![] } else { vec![5] }) },
            |id| {
                deleted.lock().unwrap().push(id);
                async { Ok(()) }
            },
        )
        .await
        .unwrap();
        assert_eq!(got, 9);
        assert_eq!(*deleted.lock().unwrap(), [5]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_stopped_provider_stops_retrying() {
        let ctx = Context::new(None);
        ctx.cancellation().cancel();
        let client = Client::builder().base_url("http://127.0.0.1:9").build().unwrap();
        let creates = AtomicUsize::new(0);
        let result = create_once(
            &ctx,
            &client,
            "domain",
            Ownership::Created(|_: &u64| None),
            || async {
                creates.fetch_add(1, Ordering::SeqCst);
                Err::<u64, _>(server_error())
            },
            || async { Ok(vec![]) },
        )
        .await;
        assert!(result.is_err());
        assert_eq!(creates.load(Ordering::SeqCst), 1);
    }
}
