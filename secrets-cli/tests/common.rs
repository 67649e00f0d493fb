//! Shared set-up of the integration tests: a linode-mock server with a bucket.

#![allow(dead_code)]

use aws_sdk_s3::types::{BucketVersioningStatus, VersioningConfiguration};
use linode_mock::{MockHandle, MockServer};
use linode_sdk::secrets::S3Settings;

/// A running emulator and an S3 client for it with the root credentials.
pub struct Mock {
    /// The emulator (stops when dropped).
    pub handle: MockHandle,
    /// S3 client with the root credentials, path style.
    pub s3: aws_sdk_s3::Client,
}

/// The S3 settings for the emulator's endpoint and root credentials.
pub fn settings(handle: &MockHandle) -> S3Settings {
    S3Settings {
        endpoint: handle.s3_url(),
        region: "us-east-1".into(),
        access_key: handle.s3_access_key().into(),
        secret_key: handle.s3_secret_key().into(),
        path_style: true,
    }
}

/// Starts an emulator.
pub async fn start() -> Mock {
    let handle = MockServer::builder().start().await.expect("mock starts");
    let s3 = settings(&handle).client();
    Mock { handle, s3 }
}

impl Mock {
    /// Creates `bucket` and sets its versioning (`None` leaves it never enabled).
    pub async fn bucket(&self, bucket: &str, versioning: Option<BucketVersioningStatus>) {
        self.s3
            .create_bucket()
            .bucket(bucket)
            .send()
            .await
            .expect("create bucket");
        if let Some(status) = versioning {
            self.s3
                .put_bucket_versioning()
                .bucket(bucket)
                .versioning_configuration(VersioningConfiguration::builder().status(status).build())
                .send()
                .await
                .expect("put bucket versioning");
        }
    }
}
