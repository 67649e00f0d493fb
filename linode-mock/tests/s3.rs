//! The S3 endpoint driven by a real S3 client (aws-sdk-s3), including versioning, SigV4 with
//! keys created over REST, conditional puts, lifecycle and CORS.

use aws_sdk_s3::Client as S3;
use aws_sdk_s3::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{
    BucketLifecycleConfiguration, BucketVersioningStatus, CorsConfiguration, CorsRule,
    ExpirationStatus, LifecycleExpiration, LifecycleRule, LifecycleRuleFilter,
    VersioningConfiguration,
};
use linode_mock::{MockHandle, MockServer};
use serde_json::{Value, json};

fn client(m: &MockHandle, access: &str, secret: &str) -> S3 {
    client_in(m, access, secret, "us-east-1")
}

/// A client signing for `region` (the emulator's one S3 address serves every region).
fn client_in(m: &MockHandle, access: &str, secret: &str, region: &str) -> S3 {
    let conf = aws_sdk_s3::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(region.to_string()))
        .endpoint_url(m.s3_url())
        .credentials_provider(Credentials::new(
            access,
            secret,
            None,
            None,
            "linode-mock-test",
        ))
        .force_path_style(true)
        .build();
    S3::from_conf(conf)
}

async fn rest(m: &MockHandle, method: reqwest::Method, path: &str, body: Value) -> Value {
    let r = reqwest::Client::new()
        .request(method, format!("{}/v4{path}", m.api_url()))
        .bearer_auth(m.token())
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{path}: {}", r.status());
    r.json().await.unwrap()
}

async fn body_of(out: aws_sdk_s3::operation::get_object::GetObjectOutput) -> Vec<u8> {
    out.body.collect().await.unwrap().into_bytes().to_vec()
}

#[tokio::test]
async fn versioning_keeps_two_versions_of_a_key() {
    let m = MockServer::builder().start().await.unwrap();
    rest(
        &m,
        reqwest::Method::POST,
        "/object-storage/buckets",
        json!({"label": "state", "region": "fr-par"}),
    )
    .await;
    let s3 = client(&m, m.s3_access_key(), m.s3_secret_key());
    s3.put_bucket_versioning()
        .bucket("state")
        .versioning_configuration(
            VersioningConfiguration::builder()
                .status(BucketVersioningStatus::Enabled)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let v = s3
        .get_bucket_versioning()
        .bucket("state")
        .send()
        .await
        .unwrap();
    assert_eq!(v.status(), Some(&BucketVersioningStatus::Enabled));
    let v1 = s3
        .put_object()
        .bucket("state")
        .key("app/secret")
        .body(ByteStream::from_static(b"one"))
        .send()
        .await
        .unwrap();
    let v2 = s3
        .put_object()
        .bucket("state")
        .key("app/secret")
        .body(ByteStream::from_static(b"two"))
        .send()
        .await
        .unwrap();
    let (id1, id2) = (
        v1.version_id().unwrap().to_string(),
        v2.version_id().unwrap().to_string(),
    );
    assert_ne!(id1, id2);
    let versions = s3
        .list_object_versions()
        .bucket("state")
        .prefix("app/")
        .send()
        .await
        .unwrap();
    assert_eq!(versions.versions().len(), 2);
    assert_eq!(versions.versions()[0].is_latest(), Some(true));
    assert_eq!(
        body_of(
            s3.get_object()
                .bucket("state")
                .key("app/secret")
                .version_id(&id1)
                .send()
                .await
                .unwrap()
        )
        .await,
        b"one"
    );
    assert_eq!(
        body_of(
            s3.get_object()
                .bucket("state")
                .key("app/secret")
                .send()
                .await
                .unwrap()
        )
        .await,
        b"two"
    );

    // A delete creates a marker; older versions stay readable.
    let del = s3
        .delete_object()
        .bucket("state")
        .key("app/secret")
        .send()
        .await
        .unwrap();
    assert_eq!(del.delete_marker(), Some(true));
    assert!(
        s3.get_object()
            .bucket("state")
            .key("app/secret")
            .send()
            .await
            .is_err()
    );
    assert_eq!(
        body_of(
            s3.get_object()
                .bucket("state")
                .key("app/secret")
                .version_id(&id2)
                .send()
                .await
                .unwrap()
        )
        .await,
        b"two"
    );
    let versions = s3
        .list_object_versions()
        .bucket("state")
        .send()
        .await
        .unwrap();
    assert_eq!(versions.delete_markers().len(), 1);
}

#[tokio::test]
async fn buckets_are_shared_with_rest_and_listing_works() {
    let m = MockServer::builder().start().await.unwrap();
    let s3 = client(&m, m.s3_access_key(), m.s3_secret_key());
    s3.create_bucket().bucket("from-s3").send().await.unwrap();
    let list = rest(
        &m,
        reqwest::Method::GET,
        "/object-storage/buckets",
        json!({}),
    )
    .await;
    assert!(
        list["data"]
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b["label"] == "from-s3")
    );
    s3.head_bucket().bucket("from-s3").send().await.unwrap();
    for k in ["a/1", "a/2", "b/1", "top"] {
        s3.put_object()
            .bucket("from-s3")
            .key(k)
            .body(ByteStream::from_static(b"x"))
            .send()
            .await
            .unwrap();
    }
    let l = s3
        .list_objects_v2()
        .bucket("from-s3")
        .delimiter("/")
        .send()
        .await
        .unwrap();
    let prefixes: Vec<_> = l
        .common_prefixes()
        .iter()
        .filter_map(|p| p.prefix())
        .collect();
    assert_eq!(prefixes, ["a/", "b/"]);
    assert_eq!(l.contents().len(), 1);
    let l = s3
        .list_objects_v2()
        .bucket("from-s3")
        .prefix("a/")
        .max_keys(1)
        .send()
        .await
        .unwrap();
    assert_eq!(l.is_truncated(), Some(true));
    let next = s3
        .list_objects_v2()
        .bucket("from-s3")
        .prefix("a/")
        .continuation_token(l.next_continuation_token().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(next.contents()[0].key(), Some("a/2"));
    let rest_list = rest(
        &m,
        reqwest::Method::GET,
        "/object-storage/buckets/us-east/from-s3/object-list?delimiter=/",
        json!({}),
    )
    .await;
    assert_eq!(rest_list["data"].as_array().unwrap().len(), 3);
    let bucket = rest(
        &m,
        reqwest::Method::GET,
        "/object-storage/buckets/us-east/from-s3",
        json!({}),
    )
    .await;
    assert_eq!(bucket["objects"], 4);
    assert!(
        s3.delete_bucket().bucket("from-s3").send().await.is_err(),
        "non-empty bucket"
    );
}

#[tokio::test]
async fn keys_created_over_rest_sign_requests_and_respect_limits() {
    let m = MockServer::builder().start().await.unwrap();
    rest(
        &m,
        reqwest::Method::POST,
        "/object-storage/buckets",
        json!({"label": "open", "region": "fr-par"}),
    )
    .await;
    rest(
        &m,
        reqwest::Method::POST,
        "/object-storage/buckets",
        json!({"label": "other", "region": "fr-par"}),
    )
    .await;
    let root = client(&m, m.s3_access_key(), m.s3_secret_key());
    root.put_object()
        .bucket("open")
        .key("k")
        .body(ByteStream::from_static(b"v"))
        .send()
        .await
        .unwrap();
    let key = rest(&m, reqwest::Method::POST, "/object-storage/keys",
        json!({"label": "ro", "bucket_access": [{"region": "fr-par", "bucket_name": "open", "permissions": "read_only"}]})).await;
    let limited = client(
        &m,
        key["access_key"].as_str().unwrap(),
        key["secret_key"].as_str().unwrap(),
    );
    assert_eq!(
        body_of(
            limited
                .get_object()
                .bucket("open")
                .key("k")
                .send()
                .await
                .unwrap()
        )
        .await,
        b"v"
    );
    assert!(
        limited
            .put_object()
            .bucket("open")
            .key("k2")
            .body(ByteStream::from_static(b"v"))
            .send()
            .await
            .is_err(),
        "read-only"
    );
    assert!(
        limited
            .get_object()
            .bucket("other")
            .key("k")
            .send()
            .await
            .is_err(),
        "not in bucket_access"
    );
    let wrong = client(&m, key["access_key"].as_str().unwrap(), "wrong-secret");
    assert!(
        wrong
            .get_object()
            .bucket("open")
            .key("k")
            .send()
            .await
            .is_err(),
        "bad signature"
    );
    let full = rest(
        &m,
        reqwest::Method::POST,
        "/object-storage/keys",
        json!({"label": "rw"}),
    )
    .await;
    let full = client(
        &m,
        full["access_key"].as_str().unwrap(),
        full["secret_key"].as_str().unwrap(),
    );
    full.put_object()
        .bucket("other")
        .key("k")
        .body(ByteStream::from_static(b"v"))
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn conditional_put_lifecycle_and_cors() {
    let m = MockServer::builder().start().await.unwrap();
    let s3 = client(&m, m.s3_access_key(), m.s3_secret_key());
    s3.create_bucket().bucket("tf-state").send().await.unwrap();
    s3.put_object()
        .bucket("tf-state")
        .key("state.tflock")
        .if_none_match("*")
        .body(ByteStream::from_static(b"lock"))
        .send()
        .await
        .unwrap();
    let again = s3
        .put_object()
        .bucket("tf-state")
        .key("state.tflock")
        .if_none_match("*")
        .body(ByteStream::from_static(b"lock"))
        .send()
        .await;
    let err = again.expect_err("lock already held");
    assert_eq!(err.raw_response().map(|r| r.status().as_u16()), Some(412));
    s3.delete_object()
        .bucket("tf-state")
        .key("state.tflock")
        .send()
        .await
        .unwrap();
    s3.put_object()
        .bucket("tf-state")
        .key("state.tflock")
        .if_none_match("*")
        .body(ByteStream::from_static(b"lock"))
        .send()
        .await
        .unwrap();
    // base64(MD5("hello")); a body that does not match is rejected with BadDigest.
    let md5 = "XUFAKrxLKna5cZ2REBfFkg==";
    s3.put_object()
        .bucket("tf-state")
        .key("state")
        .content_md5(md5)
        .body(ByteStream::from_static(b"hello"))
        .send()
        .await
        .unwrap();
    assert!(
        s3.put_object()
            .bucket("tf-state")
            .key("state")
            .content_md5(md5)
            .body(ByteStream::from_static(b"other"))
            .send()
            .await
            .is_err()
    );

    let rule = LifecycleRule::builder()
        .id("expire")
        .status(ExpirationStatus::Enabled)
        .filter(LifecycleRuleFilter::builder().prefix("tmp/").build())
        .expiration(LifecycleExpiration::builder().days(7).build())
        .build()
        .unwrap();
    s3.put_bucket_lifecycle_configuration()
        .bucket("tf-state")
        .lifecycle_configuration(
            BucketLifecycleConfiguration::builder()
                .rules(rule)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let lc = s3
        .get_bucket_lifecycle_configuration()
        .bucket("tf-state")
        .send()
        .await
        .unwrap();
    assert_eq!(lc.rules()[0].id(), Some("expire"));
    let cors = CorsRule::builder()
        .allowed_methods("GET")
        .allowed_origins("*")
        .build()
        .unwrap();
    s3.put_bucket_cors()
        .bucket("tf-state")
        .cors_configuration(
            CorsConfiguration::builder()
                .cors_rules(cors)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let got = s3
        .get_bucket_cors()
        .bucket("tf-state")
        .send()
        .await
        .unwrap();
    assert_eq!(got.cors_rules()[0].allowed_methods(), ["GET"]);
    s3.delete_bucket_cors()
        .bucket("tf-state")
        .send()
        .await
        .unwrap();
    assert!(
        s3.get_bucket_cors()
            .bucket("tf-state")
            .send()
            .await
            .is_err()
    );
}

#[tokio::test]
async fn presigned_object_url_from_rest_works() {
    let m = MockServer::builder().start().await.unwrap();
    rest(
        &m,
        reqwest::Method::POST,
        "/object-storage/buckets",
        json!({"label": "pub", "region": "us-east"}),
    )
    .await;
    let s3 = client(&m, m.s3_access_key(), m.s3_secret_key());
    s3.put_object()
        .bucket("pub")
        .key("dir/file.txt")
        .body(ByteStream::from_static(b"content"))
        .send()
        .await
        .unwrap();
    let u = rest(
        &m,
        reqwest::Method::POST,
        "/object-storage/buckets/us-east/pub/object-url",
        json!({"method": "GET", "name": "dir/file.txt", "expires_in": 600}),
    )
    .await;
    let r = reqwest::get(u["url"].as_str().unwrap()).await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.text().await.unwrap(), "content");
}

/// A client that does not retry, so a 500 is seen as it is.
fn no_retry_client(m: &MockHandle) -> S3 {
    let conf = aws_sdk_s3::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(m.s3_url())
        .credentials_provider(Credentials::new(
            m.s3_access_key(),
            m.s3_secret_key(),
            None,
            None,
            "t",
        ))
        .force_path_style(true)
        .retry_config(aws_sdk_s3::config::retry::RetryConfig::disabled())
        .build();
    S3::from_conf(conf)
}

#[tokio::test]
async fn s3_faults_are_opt_in_and_leave_the_store_untouched() {
    use linode_mock::FaultConfig;
    let m = MockServer::builder().start().await.unwrap();
    let s3 = no_retry_client(&m);
    s3.create_bucket().bucket("faulty").send().await.unwrap();

    // REST-only faults (the default) leave S3 alone.
    m.set_faults(FaultConfig {
        http_5xx: 1.0,
        ..Default::default()
    });
    s3.put_object()
        .bucket("faulty")
        .key("a")
        .body(ByteStream::from_static(b"1"))
        .send()
        .await
        .unwrap();

    m.set_faults(FaultConfig {
        http_5xx: 1.0,
        s3: true,
        ..Default::default()
    });
    let err = s3
        .put_object()
        .bucket("faulty")
        .key("b")
        .body(ByteStream::from_static(b"2"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.raw_response().map(|r| r.status().as_u16()), Some(500));
    m.set_faults(FaultConfig {
        rate_limit_429: 1.0,
        retry_after: 3,
        s3: true,
        ..Default::default()
    });
    let err = s3
        .get_object()
        .bucket("faulty")
        .key("a")
        .send()
        .await
        .unwrap_err();
    let raw = err.raw_response().unwrap();
    assert_eq!(raw.status().as_u16(), 503);
    assert_eq!(raw.headers().get("retry-after"), Some("3"));

    m.set_faults(FaultConfig::default());
    let keys = s3.list_objects_v2().bucket("faulty").send().await.unwrap();
    let names: Vec<_> = keys.contents().iter().filter_map(|o| o.key()).collect();
    assert_eq!(names, ["a"], "the faulted put stored nothing");
}

#[tokio::test]
async fn apply_then_500_stores_the_object_and_answers_internal_error() {
    use linode_mock::FaultConfig;
    let m = MockServer::builder().start().await.unwrap();
    let s3 = no_retry_client(&m);
    s3.create_bucket().bucket("applied").send().await.unwrap();
    m.set_faults(FaultConfig {
        s3: true,
        ..FaultConfig::apply_then_500_once("PUT", "/applied/")
    });
    let err = s3
        .put_object()
        .bucket("applied")
        .key("k")
        .body(ByteStream::from_static(b"kept"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.raw_response().map(|r| r.status().as_u16()), Some(500));
    assert_eq!(
        aws_sdk_s3::error::ProvideErrorMetadata::code(&err),
        Some("InternalError")
    );
    // The object exists after the 500.
    let got = s3
        .get_object()
        .bucket("applied")
        .key("k")
        .send()
        .await
        .unwrap();
    assert_eq!(body_of(got).await, b"kept");
}

#[tokio::test]
async fn bodies_over_the_limit_are_entity_too_large_and_store_nothing() {
    assert_eq!(
        linode_mock::MockConfig::default().s3_max_body_bytes,
        64 * 1024 * 1024
    );
    let m = MockServer::builder()
        .s3_max_body_bytes(1024)
        .start()
        .await
        .unwrap();
    let s3 = no_retry_client(&m);
    s3.create_bucket().bucket("small").send().await.unwrap();
    let err = s3
        .put_object()
        .bucket("small")
        .key("big")
        .body(ByteStream::from(vec![b'x'; 1025]))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.raw_response().map(|r| r.status().as_u16()), Some(400));
    assert_eq!(
        aws_sdk_s3::error::ProvideErrorMetadata::code(&err),
        Some("EntityTooLarge")
    );
    let keys = s3.list_objects_v2().bucket("small").send().await.unwrap();
    assert!(keys.contents().is_empty(), "nothing was stored");
    s3.put_object()
        .bucket("small")
        .key("fits")
        .body(ByteStream::from(vec![b'x'; 1024]))
        .send()
        .await
        .unwrap();
    // A body of undeclared size (chunked, no length) is refused before it is read.
    let r = reqwest::Client::new()
        .put(format!("{}/small/chunked", m.s3_url()))
        .body(reqwest::Body::wrap_stream(futures::stream::iter([Ok::<
            _,
            std::io::Error,
        >(
            bytes::Bytes::from_static(b"data"),
        )])))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 411);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("<Code>MissingContentLength</Code>")
    );
}

#[tokio::test]
async fn list_object_versions_pages_with_markers() {
    let m = MockServer::builder().start().await.unwrap();
    let s3 = client(&m, m.s3_access_key(), m.s3_secret_key());
    s3.create_bucket().bucket("paged").send().await.unwrap();
    s3.put_bucket_versioning()
        .bucket("paged")
        .versioning_configuration(
            VersioningConfiguration::builder()
                .status(BucketVersioningStatus::Enabled)
                .build(),
        )
        .send()
        .await
        .unwrap();
    for key in ["a", "b", "c"] {
        for n in 0..3 {
            s3.put_object()
                .bucket("paged")
                .key(key)
                .body(ByteStream::from(format!("{key}{n}").into_bytes()))
                .send()
                .await
                .unwrap();
        }
    }
    s3.delete_object()
        .bucket("paged")
        .key("b")
        .send()
        .await
        .unwrap();
    let (mut seen, mut markers, mut pages) = (Vec::new(), 0, 0);
    let (mut km, mut vm): (Option<String>, Option<String>) = (None, None);
    loop {
        let out = s3
            .list_object_versions()
            .bucket("paged")
            .max_keys(4)
            .set_key_marker(km.take())
            .set_version_id_marker(vm.take())
            .send()
            .await
            .unwrap();
        pages += 1;
        seen.extend(out.versions().iter().map(|v| {
            (
                v.key().unwrap().to_string(),
                v.version_id().unwrap().to_string(),
            )
        }));
        markers += out.delete_markers().len();
        if out.is_truncated() != Some(true) {
            break;
        }
        km = out.next_key_marker().map(str::to_owned);
        vm = out.next_version_id_marker().map(str::to_owned);
    }
    assert_eq!((seen.len(), markers, pages), (9, 1, 3));
    let mut dedup = seen.clone();
    dedup.dedup();
    assert_eq!(dedup.len(), 9, "no version is listed twice");
}

#[tokio::test]
async fn one_label_in_two_regions_is_told_apart_by_the_signing_region() {
    let m = MockServer::builder().start().await.unwrap();
    for region in ["fr-par", "us-east"] {
        let b = rest(
            &m,
            reqwest::Method::POST,
            "/object-storage/buckets",
            json!({"label": "twin", "region": region}),
        )
        .await;
        assert_eq!(b["region"], region);
    }
    let (ak, sk) = (m.s3_access_key(), m.s3_secret_key());
    client_in(&m, ak, sk, "fr-par")
        .put_object()
        .bucket("twin")
        .key("paris.txt")
        .body(ByteStream::from_static(b"bonjour"))
        .send()
        .await
        .unwrap();
    // A legacy cluster id names the region too.
    client_in(&m, ak, sk, "us-east-1")
        .put_object()
        .bucket("twin")
        .key("newark.txt")
        .body(ByteStream::from_static(b"hello"))
        .send()
        .await
        .unwrap();
    for (region, key) in [("fr-par", "paris.txt"), ("us-east", "newark.txt")] {
        let b = rest(
            &m,
            reqwest::Method::GET,
            &format!("/object-storage/buckets/{region}/twin"),
            json!({}),
        )
        .await;
        assert_eq!(b["objects"], 1, "{region}");
        let list = rest(
            &m,
            reqwest::Method::GET,
            &format!("/object-storage/buckets/{region}/twin/object-list"),
            json!({}),
        )
        .await;
        assert_eq!(list["data"][0]["name"], key);
    }
    let location = client_in(&m, ak, sk, "fr-par")
        .get_bucket_location()
        .bucket("twin")
        .send()
        .await
        .unwrap();
    assert_eq!(
        location.location_constraint().map(|c| c.as_str()),
        Some("fr-par")
    );
}
