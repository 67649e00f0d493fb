//! S3 side against wiremock: path-style requests, SigV4 with static credentials,
//! version ids and XML decoding. Bucket-level operations are sent as `/{bucket}/?op`.

use linode_sdk::s3::{S3Client, S3Config, VersioningStatus};
use wiremock::matchers::{body_string_contains, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const SECRET: &str = "wJalrXUtnFEMI-K7MDENG-bPxRfiCYEXAMPLEKEY";

async fn setup() -> (MockServer, S3Client) {
    let server = MockServer::start().await;
    // The emulator hands out `127.0.0.1:PORT` endpoints without a scheme.
    let endpoint = server.uri().trim_start_matches("http://").to_owned();
    let s3 = S3Client::new(S3Config::new(endpoint, "AKIDLINODE", SECRET).region("fr-par")).unwrap();
    (server, s3)
}

fn xml(body: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).insert_header("content-type", "application/xml").set_body_string(body)
}

fn assert_signed(req: &Request) {
    let auth = req.headers.get("authorization").unwrap().to_str().unwrap();
    assert!(auth.starts_with("AWS4-HMAC-SHA256 Credential=AKIDLINODE/"), "{auth}");
    assert!(auth.contains("/fr-par/s3/aws4_request"), "{auth}");
    assert!(!auth.contains(SECRET));
}

#[tokio::test]
async fn put_get_head_delete_with_versions() {
    let (server, s3) = setup().await;
    Mock::given(method("PUT"))
        .and(path("/bkt/dir/key.json"))
        .and(body_string_contains("{\"a\":1}"))
        .respond_with(ResponseTemplate::new(200).insert_header("ETag", "\"e1\"").insert_header("x-amz-version-id", "v1"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/bkt/dir/key.json"))
        .and(query_param("versionId", "v1"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-amz-version-id", "v1")
                .insert_header("x-amz-meta-owner", "tf")
                .insert_header("content-type", "application/json")
                .set_body_string("{\"a\":1}"),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("HEAD")).and(path("/bkt/missing")).respond_with(ResponseTemplate::new(404)).mount(&server).await;
    Mock::given(method("DELETE"))
        .and(path("/bkt/dir/key.json"))
        .and(query_param("versionId", "v1"))
        .respond_with(ResponseTemplate::new(204).insert_header("x-amz-version-id", "v1"))
        .expect(1)
        .mount(&server)
        .await;

    let put = s3.put_object("bkt", "dir/key.json", b"{\"a\":1}".to_vec()).await.unwrap();
    assert_eq!(put.version_id.as_deref(), Some("v1"));
    assert_eq!(put.etag.as_deref(), Some("\"e1\""));
    let got = s3.get_object("bkt", "dir/key.json", Some("v1")).await.unwrap();
    assert_eq!(&got.body[..], b"{\"a\":1}");
    assert_eq!(got.meta.version_id.as_deref(), Some("v1"));
    assert_eq!(got.meta.metadata.get("owner").map(String::as_str), Some("tf"));
    assert_eq!(s3.head_object_opt("bkt", "missing", None).await.unwrap(), None);
    let del = s3.delete_object("bkt", "dir/key.json", Some("v1")).await.unwrap();
    assert_eq!(del.version_id.as_deref(), Some("v1"));
    for req in server.received_requests().await.unwrap() {
        assert_signed(&req);
    }
}

#[tokio::test]
async fn versioning_round_trip() {
    let (server, s3) = setup().await;
    Mock::given(method("PUT"))
        .and(path("/bkt/"))
        .and(crate::common::has_query("versioning"))
        .and(body_string_contains("<Status>Enabled</Status>"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/bkt/"))
        .and(crate::common::has_query("versioning"))
        .respond_with(xml(r#"<?xml version="1.0" encoding="UTF-8"?><VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>Enabled</Status></VersioningConfiguration>"#))
        .expect(1)
        .mount(&server)
        .await;
    s3.put_bucket_versioning("bkt", true).await.unwrap();
    assert_eq!(s3.get_bucket_versioning("bkt").await.unwrap(), VersioningStatus::Enabled);
}

#[tokio::test]
async fn list_versions_includes_delete_markers() {
    let (server, s3) = setup().await;
    Mock::given(method("GET"))
        .and(path("/bkt/"))
        .and(crate::common::has_query("versions"))
        .and(query_param("prefix", "app/"))
        .respond_with(xml(r#"<?xml version="1.0" encoding="UTF-8"?>
<ListVersionsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Name>bkt</Name><Prefix>app/</Prefix><IsTruncated>false</IsTruncated>
  <Version><Key>app/db</Key><VersionId>v2</VersionId><IsLatest>false</IsLatest><LastModified>2025-01-02T00:00:00.000Z</LastModified><ETag>"b"</ETag><Size>7</Size></Version>
  <Version><Key>app/db</Key><VersionId>v1</VersionId><IsLatest>false</IsLatest><LastModified>2025-01-01T00:00:00.000Z</LastModified><ETag>"a"</ETag><Size>5</Size></Version>
  <DeleteMarker><Key>app/db</Key><VersionId>dm</VersionId><IsLatest>true</IsLatest><LastModified>2025-01-03T00:00:00.000Z</LastModified></DeleteMarker>
</ListVersionsResult>"#))
        .expect(1)
        .mount(&server)
        .await;
    let versions = s3.list_object_versions("bkt", Some("app/")).await.unwrap();
    let ids: Vec<_> = versions.iter().map(|v| (v.version_id.as_str(), v.is_delete_marker, v.is_latest)).collect();
    assert_eq!(ids, vec![("dm", true, true), ("v2", false, false), ("v1", false, false)]);
    assert_eq!(versions[1].size, 7);
}

#[tokio::test]
async fn missing_lifecycle_and_cors_are_empty_and_errors_are_typed() {
    let (server, s3) = setup().await;
    let err_xml = |code: &str| {
        ResponseTemplate::new(404)
            .insert_header("content-type", "application/xml")
            .set_body_string(format!("<?xml version=\"1.0\"?><Error><Code>{code}</Code><Message>none</Message></Error>"))
    };
    Mock::given(method("GET")).and(path("/bkt/")).and(crate::common::has_query("lifecycle")).respond_with(err_xml("NoSuchLifecycleConfiguration")).mount(&server).await;
    Mock::given(method("GET")).and(path("/bkt/")).and(crate::common::has_query("cors")).respond_with(err_xml("NoSuchCORSConfiguration")).mount(&server).await;
    Mock::given(method("GET")).and(path("/nobkt/")).and(crate::common::has_query("versioning")).respond_with(err_xml("NoSuchBucket")).mount(&server).await;
    assert!(s3.get_lifecycle_rules("bkt").await.unwrap().is_empty());
    assert!(s3.get_cors_rules("bkt").await.unwrap().is_empty());
    let err = s3.get_bucket_versioning("nobkt").await.unwrap_err();
    assert!(err.is_not_found(), "{err:?}");
    assert_eq!(err.status(), Some(404));
    assert!(!format!("{err:?}").contains(SECRET));
}

#[tokio::test]
async fn lifecycle_and_cors_are_sent_as_xml() {
    let (server, s3) = setup().await;
    Mock::given(method("PUT"))
        .and(path("/bkt/"))
        .and(crate::common::has_query("lifecycle"))
        .and(body_string_contains("<NoncurrentDays>30</NoncurrentDays>"))
        .and(body_string_contains("<Prefix>old/</Prefix>"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/bkt/"))
        .and(crate::common::has_query("cors"))
        .and(body_string_contains("<AllowedOrigin>https://app.example</AllowedOrigin>"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let rule = linode_sdk::s3::LifecycleRule {
        id: Some("expire-old".into()),
        prefix: "old/".into(),
        enabled: true,
        noncurrent_version_expiration_days: Some(30),
        ..Default::default()
    };
    s3.put_lifecycle_rules("bkt", &[rule]).await.unwrap();
    let cors = linode_sdk::s3::CorsRule {
        allowed_origins: vec!["https://app.example".into()],
        allowed_methods: vec!["GET".into()],
        max_age_seconds: Some(600),
        ..Default::default()
    };
    s3.put_cors_rules("bkt", &[cors]).await.unwrap();
}

/// The request as received, for exact checks of headers and body.
async fn only_request(server: &MockServer) -> Request {
    let mut reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs.len(), 1, "{reqs:?}");
    reqs.remove(0)
}

fn header<'a>(req: &'a Request, name: &str) -> Option<&'a str> {
    req.headers.get(name).map(|v| v.to_str().unwrap())
}

/// Two rules that use every field of `LifecycleRule` between them.
fn every_lifecycle_field() -> Vec<linode_sdk::s3::LifecycleRule> {
    vec![
        linode_sdk::s3::LifecycleRule {
            id: Some("by-date".into()),
            prefix: String::new(),
            enabled: true,
            expiration_date: Some(time::macros::date!(2027 - 01 - 31)),
            abort_incomplete_multipart_upload_days: Some(2),
            ..Default::default()
        },
        linode_sdk::s3::LifecycleRule {
            id: Some("markers".into()),
            prefix: "old/".into(),
            enabled: false,
            expiration_days: Some(30),
            expired_object_delete_marker: Some(true),
            noncurrent_version_expiration_days: Some(9),
            ..Default::default()
        },
    ]
}

#[tokio::test]
async fn lifecycle_rules_carry_every_field_and_the_content_md5_rgw_requires() {
    use base64::Engine as _;
    use md5::Digest as _;
    let (server, s3) = setup().await;
    Mock::given(method("PUT"))
        .and(path("/bkt/"))
        .and(crate::common::has_query("lifecycle"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let rules = every_lifecycle_field();
    s3.put_lifecycle_rules("bkt", &rules).await.unwrap();
    let req = only_request(&server).await;
    assert_signed(&req);
    let body = String::from_utf8(req.body.clone()).unwrap();
    for part in [
        "<ID>by-date</ID>",
        "<Date>2027-01-31T00:00:00Z</Date>",
        "<DaysAfterInitiation>2</DaysAfterInitiation>",
        "<ID>markers</ID>",
        "<Prefix>old/</Prefix>",
        "<Status>Disabled</Status>",
        "<Days>30</Days>",
        "<ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker>",
        "<NoncurrentDays>9</NoncurrentDays>",
    ] {
        assert!(body.contains(part), "{part} missing from {body}");
    }
    // Ceph RGW wants Content-MD5 of exactly these bytes, and no flexible checksum instead.
    let md5 = base64::engine::general_purpose::STANDARD.encode(md5::Md5::digest(&req.body));
    assert_eq!(header(&req, "content-md5"), Some(md5.as_str()));
    let flexible: Vec<_> = req
        .headers
        .keys()
        .filter(|k| k.as_str().starts_with("x-amz-checksum-") || k.as_str() == "x-amz-sdk-checksum-algorithm")
        .collect();
    assert!(flexible.is_empty(), "{flexible:?}");
    // Content-MD5 is signed with the rest.
    assert!(header(&req, "authorization").unwrap().contains("content-md5"), "{:?}", header(&req, "authorization"));
}

#[tokio::test]
async fn lifecycle_rules_are_read_back_with_every_field() {
    let (server, s3) = setup().await;
    Mock::given(method("GET"))
        .and(path("/bkt/"))
        .and(crate::common::has_query("lifecycle"))
        .respond_with(xml(r#"<?xml version="1.0" encoding="UTF-8"?>
<LifecycleConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Rule><ID>by-date</ID><Filter><Prefix></Prefix></Filter><Status>Enabled</Status>
    <Expiration><Date>2027-01-31T00:00:00Z</Date></Expiration>
    <AbortIncompleteMultipartUpload><DaysAfterInitiation>2</DaysAfterInitiation></AbortIncompleteMultipartUpload></Rule>
  <Rule><ID>markers</ID><Filter><Prefix>old/</Prefix></Filter><Status>Disabled</Status>
    <Expiration><Days>30</Days><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration>
    <NoncurrentVersionExpiration><NoncurrentDays>9</NoncurrentDays></NoncurrentVersionExpiration></Rule>
</LifecycleConfiguration>"#))
        .expect(1)
        .mount(&server)
        .await;
    let rules = s3.get_lifecycle_rules("bkt").await.unwrap();
    assert_eq!(rules, every_lifecycle_field());
}

#[tokio::test]
async fn put_object_sends_acl_stored_headers_metadata_and_conditions() {
    use linode_sdk::s3::{CannedAcl, PutOptions};
    let (server, s3) = setup().await;
    Mock::given(method("PUT"))
        .and(path("/bkt/site/index.html"))
        .respond_with(ResponseTemplate::new(200).insert_header("ETag", "\"e2\"").insert_header("x-amz-version-id", "v2"))
        .expect(1)
        .mount(&server)
        .await;
    let options = PutOptions {
        acl: Some(CannedAcl::PublicRead),
        cache_control: Some("max-age=60".into()),
        content_disposition: Some("inline".into()),
        content_encoding: Some("gzip".into()),
        content_language: Some("fr".into()),
        content_type: Some("text/html".into()),
        metadata: [("owner".to_owned(), "web".to_owned())].into(),
        website_redirect: Some("/new.html".into()),
        if_match: Some("\"e1\"".into()),
        ..PutOptions::default()
    };
    let out = s3.put_object_with("bkt", "site/index.html", b"<html/>".to_vec(), &options).await.unwrap();
    assert_eq!((out.etag.as_deref(), out.version_id.as_deref()), (Some("\"e2\""), Some("v2")));
    let req = only_request(&server).await;
    assert_signed(&req);
    assert_eq!(req.body, b"<html/>");
    for (name, value) in [
        ("x-amz-acl", "public-read"),
        ("cache-control", "max-age=60"),
        ("content-disposition", "inline"),
        ("content-encoding", "gzip"),
        ("content-language", "fr"),
        ("content-type", "text/html"),
        ("x-amz-meta-owner", "web"),
        ("x-amz-website-redirect-location", "/new.html"),
        ("if-match", "\"e1\""),
    ] {
        assert_eq!(header(&req, name), Some(value), "{name}");
    }
    assert_eq!(header(&req, "if-none-match"), None);
}

#[tokio::test]
async fn a_failed_condition_is_a_412_error() {
    let (server, s3) = setup().await;
    Mock::given(method("PUT"))
        .and(path("/bkt/k"))
        .and(wiremock::matchers::header("if-none-match", "*"))
        .respond_with(
            ResponseTemplate::new(412)
                .insert_header("content-type", "application/xml")
                .set_body_string("<?xml version=\"1.0\"?><Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message></Error>"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let options = linode_sdk::s3::PutOptions { if_none_match: true, ..Default::default() };
    let err = s3.put_object_with("bkt", "k", b"x".to_vec(), &options).await.unwrap_err();
    assert_eq!(err.status(), Some(412));
    assert!(err.to_string().contains("PutObject"), "{err}");
}

#[tokio::test]
async fn versions_written_in_one_second_keep_the_server_order() {
    let (server, s3) = setup().await;
    // Times with a varying number of decimals: compared as times, not as strings.
    Mock::given(method("GET"))
        .and(path("/bkt/"))
        .and(crate::common::has_query("versions"))
        .respond_with(xml(r#"<?xml version="1.0" encoding="UTF-8"?>
<ListVersionsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Name>bkt</Name><Prefix>k</Prefix><IsTruncated>false</IsTruncated>
  <Version><Key>k</Key><VersionId>v3</VersionId><IsLatest>true</IsLatest><LastModified>2025-01-01T00:00:01.52Z</LastModified><ETag>"c"</ETag><Size>1</Size></Version>
  <Version><Key>k</Key><VersionId>v2</VersionId><IsLatest>false</IsLatest><LastModified>2025-01-01T00:00:01.5Z</LastModified><ETag>"b"</ETag><Size>1</Size></Version>
  <Version><Key>k</Key><VersionId>v1</VersionId><IsLatest>false</IsLatest><LastModified>2025-01-01T00:00:01Z</LastModified><ETag>"a"</ETag><Size>1</Size></Version>
  <DeleteMarker><Key>k</Key><VersionId>dm</VersionId><IsLatest>false</IsLatest><LastModified>2025-01-01T00:00:01.1Z</LastModified></DeleteMarker>
</ListVersionsResult>"#))
        .expect(1)
        .mount(&server)
        .await;
    let versions = s3.list_object_versions("bkt", Some("k")).await.unwrap();
    let ids: Vec<_> = versions.iter().map(|v| v.version_id.as_str()).collect();
    assert_eq!(ids, ["v3", "v2", "dm", "v1"]);
}

#[tokio::test]
async fn calls_end_when_the_cancellation_token_fires() {
    let (server, s3) = setup().await;
    Mock::given(method("GET"))
        .and(path("/bkt/slow"))
        .respond_with(ResponseTemplate::new(200).set_body_string("late").set_delay(std::time::Duration::from_secs(30)))
        .mount(&server)
        .await;
    let token = tokio_util::sync::CancellationToken::new();
    let s3 = s3.with_cancellation(token.clone());
    let started = std::time::Instant::now();
    let call = tokio::spawn(async move { s3.get_object("bkt", "slow", None).await });
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    token.cancel();
    let result = call.await.unwrap();
    assert!(matches!(result, Err(linode_sdk::Error::Cancelled)), "{result:?}");
    assert!(started.elapsed() < std::time::Duration::from_secs(5), "ended at once, not after the slow answer");
}
