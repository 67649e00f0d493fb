//! `/domains/...`: domains, records, zone file, clone, import.

use futures::stream::BoxStream;

use crate::client::Client;
use crate::error::Result;
use crate::models::domains::{
    CloneDomain, CreateDomain, CreateDomainRecord, Domain, DomainRecord, ImportDomain, UpdateDomain,
    UpdateDomainRecord, ZoneFile,
};
use crate::pagination::{ListParams, Page};

/// Handler for `/domains`; see [`Client::domains`].
#[derive(Debug, Clone)]
pub struct DomainsHandler {
    pub(crate) client: Client,
}

fn domain(id: u64) -> String {
    format!("/domains/{id}")
}

fn record(domain_id: u64, record_id: u64) -> String {
    format!("/domains/{domain_id}/records/{record_id}")
}

impl DomainsHandler {
    /// `GET /domains` (one page).
    pub async fn list(&self, params: &ListParams) -> Result<Page<Domain>> {
        self.client.list_page("/domains", params).await
    }

    /// Every domain, page by page.
    pub fn list_all(&self, params: ListParams) -> BoxStream<'static, Result<Domain>> {
        self.client.list_stream("/domains".into(), params)
    }

    /// `GET /domains/{id}`.
    pub async fn get(&self, id: u64) -> Result<Domain> {
        self.client.get(&domain(id)).await
    }

    /// `GET /domains/{id}`, `None` on 404.
    pub async fn get_opt(&self, id: u64) -> Result<Option<Domain>> {
        self.client.get_opt(&domain(id)).await
    }

    /// `POST /domains`.
    pub async fn create(&self, req: &CreateDomain) -> Result<Domain> {
        self.client.post("/domains", req).await
    }

    /// `PUT /domains/{id}`.
    pub async fn update(&self, id: u64, req: &UpdateDomain) -> Result<Domain> {
        self.client.put(&domain(id), req).await
    }

    /// `DELETE /domains/{id}`.
    pub async fn delete(&self, id: u64) -> Result<()> {
        self.client.delete(&domain(id)).await
    }

    /// `POST /domains/{id}/clone`.
    pub async fn clone_domain(&self, id: u64, req: &CloneDomain) -> Result<Domain> {
        self.client.post(&format!("{}/clone", domain(id)), req).await
    }

    /// `POST /domains/import` (AXFR from a remote nameserver).
    pub async fn import(&self, req: &ImportDomain) -> Result<Domain> {
        self.client.post("/domains/import", req).await
    }

    /// `GET /domains/{id}/zone-file`: the zone as Linode last rendered it (SOA, name servers,
    /// one line per record), or no lines before the first rendering.
    pub async fn get_zone_file(&self, id: u64) -> Result<ZoneFile> {
        self.client.get(&format!("{}/zone-file", domain(id))).await
    }

    /// `GET /domains/{id}/records` (one page).
    pub async fn list_records(&self, domain_id: u64, params: &ListParams) -> Result<Page<DomainRecord>> {
        self.client.list_page(&format!("{}/records", domain(domain_id)), params).await
    }

    /// Every record of a domain, page by page.
    pub fn list_all_records(&self, domain_id: u64, params: ListParams) -> BoxStream<'static, Result<DomainRecord>> {
        self.client.list_stream(format!("{}/records", domain(domain_id)), params)
    }

    /// `GET /domains/{id}/records/{recordId}`.
    pub async fn get_record(&self, domain_id: u64, record_id: u64) -> Result<DomainRecord> {
        self.client.get(&record(domain_id, record_id)).await
    }

    /// `GET /domains/{id}/records/{recordId}`, `None` on 404.
    pub async fn get_record_opt(&self, domain_id: u64, record_id: u64) -> Result<Option<DomainRecord>> {
        self.client.get_opt(&record(domain_id, record_id)).await
    }

    /// `POST /domains/{id}/records`.
    pub async fn create_record(&self, domain_id: u64, req: &CreateDomainRecord) -> Result<DomainRecord> {
        self.client.post(&format!("{}/records", domain(domain_id)), req).await
    }

    /// `PUT /domains/{id}/records/{recordId}`.
    pub async fn update_record(&self, domain_id: u64, record_id: u64, req: &UpdateDomainRecord) -> Result<DomainRecord> {
        self.client.put(&record(domain_id, record_id), req).await
    }

    /// `DELETE /domains/{id}/records/{recordId}`.
    pub async fn delete_record(&self, domain_id: u64, record_id: u64) -> Result<()> {
        self.client.delete(&record(domain_id, record_id)).await
    }
}
