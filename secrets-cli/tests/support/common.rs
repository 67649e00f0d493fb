//! Shared set-up of the integration tests: a linode-mock server with a bucket.

#![allow(dead_code)]

use aws_sdk_s3::types::{BucketVersioningStatus, VersioningConfiguration};
use linode_mock::{MockHandle, MockServer};
use linode_sdk::s3::{S3Client, S3Config};

/// A running emulator and an S3 client for it with the root credentials.
pub struct Mock {
    /// The emulator (stops when dropped).
    pub handle: MockHandle,
    /// The SDK's S3 client with the root credentials (what the store runs on).
    pub client: S3Client,
    /// A raw aws-sdk-s3 client with the same credentials: the plain S3 calls of set-up and of
    /// the attacks (copying versions, forging metadata).
    pub s3: aws_sdk_s3::Client,
}

/// Starts an emulator.
pub async fn start() -> Mock {
    let handle = MockServer::builder().start().await.expect("mock starts");
    let config = S3Config::new(
        handle.s3_url(),
        handle.s3_access_key(),
        handle.s3_secret_key(),
    );
    let client = S3Client::new(config).expect("S3 client");
    let s3 = raw_client(&handle);
    Mock { handle, client, s3 }
}

/// An aws-sdk-s3 client for the emulator with the root credentials, path-style.
fn raw_client(handle: &MockHandle) -> aws_sdk_s3::Client {
    let credentials = aws_sdk_s3::config::Credentials::new(
        handle.s3_access_key(),
        handle.s3_secret_key(),
        None,
        None,
        "tests",
    );
    let config = aws_sdk_s3::Config::builder()
        .behavior_version(aws_sdk_s3::config::BehaviorVersion::latest())
        .region(aws_sdk_s3::config::Region::new("us-east-1"))
        .endpoint_url(handle.s3_url())
        .force_path_style(true)
        .credentials_provider(credentials)
        .build();
    aws_sdk_s3::Client::from_conf(config)
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
