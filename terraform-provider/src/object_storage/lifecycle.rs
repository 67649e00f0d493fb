//! Bucket lifecycle rules over S3, with every field of the official schema (the SDK's
//! `LifecycleRule` has no expiration date nor expired-object-delete-marker, so the request body
//! is written here and the raw client is used for both directions).

use base64::Engine;
use linode_sdk::s3::S3Client;

use super::md5;

/// A lifecycle rule.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Rule {
    pub id: Option<String>,
    pub prefix: String,
    pub enabled: bool,
    pub expiration_days: Option<i32>,
    /// `YYYY-MM-DD`.
    pub expiration_date: Option<String>,
    pub expired_object_delete_marker: Option<bool>,
    pub noncurrent_days: Option<i32>,
    pub abort_days: Option<i32>,
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&apos;")
}

/// The `PutBucketLifecycleConfiguration` body.
pub(crate) fn to_xml(rules: &[Rule]) -> String {
    let mut x = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><LifecycleConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">",
    );
    for r in rules {
        x.push_str("<Rule>");
        if let Some(id) = &r.id {
            x.push_str(&format!("<ID>{}</ID>", esc(id)));
        }
        x.push_str(&format!("<Filter><Prefix>{}</Prefix></Filter>", esc(&r.prefix)));
        x.push_str(if r.enabled { "<Status>Enabled</Status>" } else { "<Status>Disabled</Status>" });
        if r.expiration_days.is_some() || r.expiration_date.is_some() || r.expired_object_delete_marker.is_some() {
            x.push_str("<Expiration>");
            if let Some(d) = &r.expiration_date {
                x.push_str(&format!("<Date>{}T00:00:00Z</Date>", esc(d)));
            }
            if let Some(d) = r.expiration_days {
                x.push_str(&format!("<Days>{d}</Days>"));
            }
            if let Some(m) = r.expired_object_delete_marker {
                x.push_str(&format!("<ExpiredObjectDeleteMarker>{m}</ExpiredObjectDeleteMarker>"));
            }
            x.push_str("</Expiration>");
        }
        if let Some(d) = r.noncurrent_days {
            x.push_str(&format!("<NoncurrentVersionExpiration><NoncurrentDays>{d}</NoncurrentDays></NoncurrentVersionExpiration>"));
        }
        if let Some(d) = r.abort_days {
            x.push_str(&format!(
                "<AbortIncompleteMultipartUpload><DaysAfterInitiation>{d}</DaysAfterInitiation></AbortIncompleteMultipartUpload>"
            ));
        }
        x.push_str("</Rule>");
    }
    x.push_str("</LifecycleConfiguration>");
    x
}

/// `YYYY-MM-DD` of a Unix time.
fn date_of(secs: i64) -> Option<String> {
    let t = time::OffsetDateTime::from_unix_timestamp(secs).ok()?;
    Some(format!("{:04}-{:02}-{:02}", t.year(), u8::from(t.month()), t.day()))
}

fn s3_error(operation: &'static str, status: Option<u16>, code: Option<&str>, message: String) -> linode_sdk::Error {
    linode_sdk::Error::S3 { operation, status, code: code.map(str::to_string), message }
}

/// Replaces the bucket's lifecycle rules.
pub(crate) async fn put(s3: &S3Client, bucket: &str, rules: &[Rule]) -> Result<(), linode_sdk::Error> {
    let body = to_xml(rules);
    let md5_b64 = {
        let hex = md5::hex(body.as_bytes());
        let raw: Vec<u8> = (0..16).filter_map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok()).collect();
        base64::engine::general_purpose::STANDARD.encode(raw)
    };
    let len = body.len().to_string();
    let result = s3
        .inner()
        .put_bucket_lifecycle_configuration()
        .bucket(bucket)
        .customize()
        .mutate_request(move |req| {
            *req.body_mut() = body.clone().into();
            let headers = req.headers_mut();
            let stale: Vec<String> =
                headers.iter().map(|(k, _)| k.to_string()).filter(|k| k.to_ascii_lowercase().starts_with("x-amz-checksum-")).collect();
            for k in stale {
                headers.remove(k);
            }
            headers.remove("x-amz-sdk-checksum-algorithm");
            headers.insert("content-length", len.clone());
            headers.insert("content-md5", md5_b64.clone());
            headers.insert("content-type", "application/xml");
        })
        .send()
        .await;
    match result {
        Ok(_) => Ok(()),
        Err(e) => {
            let status = e.raw_response().map(|r| r.status().as_u16());
            let (code, message) = match e.as_service_error() {
                Some(se) => (se.meta().code().map(str::to_string), se.meta().message().unwrap_or("service error").to_string()),
                None => (None, format!("{e:?}")),
            };
            Err(s3_error("PutBucketLifecycleConfiguration", status, code.as_deref(), message))
        }
    }
}

/// The bucket's lifecycle rules (none when it has no configuration).
pub(crate) async fn get(s3: &S3Client, bucket: &str) -> Result<Vec<Rule>, linode_sdk::Error> {
    let out = match s3.inner().get_bucket_lifecycle_configuration().bucket(bucket).send().await {
        Ok(o) => o,
        Err(e) => {
            let status = e.raw_response().map(|r| r.status().as_u16());
            let (code, message) = match e.as_service_error() {
                Some(se) => (se.meta().code().map(str::to_string), se.meta().message().unwrap_or("service error").to_string()),
                None => (None, format!("{e:?}")),
            };
            if code.as_deref() == Some("NoSuchLifecycleConfiguration") {
                return Ok(Vec::new());
            }
            return Err(s3_error("GetBucketLifecycleConfiguration", status, code.as_deref(), message));
        }
    };
    Ok(out
        .rules()
        .iter()
        .map(|r| Rule {
            id: r.id().map(str::to_string),
            prefix: r
                .filter()
                .and_then(|f| f.prefix())
                .or({
                    #[allow(deprecated)]
                    r.prefix()
                })
                .unwrap_or_default()
                .to_string(),
            enabled: r.status().as_str() == "Enabled",
            expiration_days: r.expiration().and_then(|e| e.days()),
            expiration_date: r.expiration().and_then(|e| e.date()).and_then(|d| date_of(d.secs())),
            expired_object_delete_marker: r.expiration().and_then(|e| e.expired_object_delete_marker()),
            noncurrent_days: r.noncurrent_version_expiration().and_then(|n| n.noncurrent_days()),
            abort_days: r.abort_incomplete_multipart_upload().and_then(|a| a.days_after_initiation()),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_has_every_field_escaped() {
        let x = to_xml(&[Rule {
            id: Some("a&b".into()),
            prefix: "<p>".into(),
            enabled: false,
            expiration_date: Some("2027-01-31".into()),
            expired_object_delete_marker: Some(true),
            noncurrent_days: Some(4),
            abort_days: Some(2),
            ..Default::default()
        }]);
        assert!(x.contains("<ID>a&amp;b</ID>"), "{x}");
        assert!(x.contains("<Prefix>&lt;p&gt;</Prefix>"));
        assert!(x.contains("<Status>Disabled</Status>"));
        assert!(x.contains("<Date>2027-01-31T00:00:00Z</Date>"));
        assert!(x.contains("<ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker>"));
        assert!(x.contains("<NoncurrentDays>4</NoncurrentDays>"));
        assert!(x.contains("<DaysAfterInitiation>2</DaysAfterInitiation>"));
        assert_eq!(date_of(1_801_353_600).as_deref(), Some("2027-01-31"));
    }
}
