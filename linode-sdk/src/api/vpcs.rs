//! `/vpcs/...`: VPCs, their subnets, and the addresses in use in them.

use futures::stream::BoxStream;

use crate::client::Client;
use crate::error::Result;
use crate::models::vpcs::{
    CreateVpc, CreateVpcSubnet, UpdateVpc, UpdateVpcSubnet, Vpc, VpcIp, VpcSubnet,
};
use crate::pagination::{ListParams, Page};

/// Handler for `/vpcs`; see [`Client::vpcs`].
#[derive(Debug, Clone)]
pub struct VpcsHandler {
    pub(crate) client: Client,
}

fn vpc(id: u64) -> String {
    format!("/vpcs/{id}")
}

fn subnet(vpc_id: u64, subnet_id: u64) -> String {
    format!("/vpcs/{vpc_id}/subnets/{subnet_id}")
}

impl VpcsHandler {
    /// `GET /vpcs` (one page).
    pub async fn list(&self, params: &ListParams) -> Result<Page<Vpc>> {
        self.client.list_page("/vpcs", params).await
    }

    /// Every VPC, page by page.
    pub fn list_all(&self, params: ListParams) -> BoxStream<'static, Result<Vpc>> {
        self.client.list_stream("/vpcs".into(), params)
    }

    /// `GET /vpcs/{id}`.
    pub async fn get(&self, id: u64) -> Result<Vpc> {
        self.client.get(&vpc(id)).await
    }

    /// `GET /vpcs/{id}`, `None` on 404.
    pub async fn get_opt(&self, id: u64) -> Result<Option<Vpc>> {
        self.client.get_opt(&vpc(id)).await
    }

    /// `POST /vpcs`: creates a VPC, with its subnets. Retried only when the server
    /// provably did not act.
    pub async fn create(&self, req: &CreateVpc) -> Result<Vpc> {
        self.client.post("/vpcs", req).await
    }

    /// `PUT /vpcs/{id}`: label and description.
    pub async fn update(&self, id: u64, req: &UpdateVpc) -> Result<Vpc> {
        self.client.put(&vpc(id), req).await
    }

    /// `DELETE /vpcs/{id}` (with its subnets; fails while a subnet is in use).
    pub async fn delete(&self, id: u64) -> Result<()> {
        self.client.delete(&vpc(id)).await
    }

    // ----- subnets -----

    /// `GET /vpcs/{id}/subnets` (one page).
    pub async fn list_subnets(&self, vpc_id: u64, params: &ListParams) -> Result<Page<VpcSubnet>> {
        self.client
            .list_page(&format!("{}/subnets", vpc(vpc_id)), params)
            .await
    }

    /// Every subnet of a VPC, page by page.
    pub fn list_all_subnets(
        &self,
        vpc_id: u64,
        params: ListParams,
    ) -> BoxStream<'static, Result<VpcSubnet>> {
        self.client
            .list_stream(format!("{}/subnets", vpc(vpc_id)), params)
    }

    /// `GET /vpcs/{id}/subnets/{subnetId}`.
    pub async fn get_subnet(&self, vpc_id: u64, subnet_id: u64) -> Result<VpcSubnet> {
        self.client.get(&subnet(vpc_id, subnet_id)).await
    }

    /// `GET /vpcs/{id}/subnets/{subnetId}`, `None` on 404.
    pub async fn get_subnet_opt(&self, vpc_id: u64, subnet_id: u64) -> Result<Option<VpcSubnet>> {
        self.client.get_opt(&subnet(vpc_id, subnet_id)).await
    }

    /// `POST /vpcs/{id}/subnets`.
    pub async fn create_subnet(&self, vpc_id: u64, req: &CreateVpcSubnet) -> Result<VpcSubnet> {
        self.client
            .post(&format!("{}/subnets", vpc(vpc_id)), req)
            .await
    }

    /// `PUT /vpcs/{id}/subnets/{subnetId}`: renames the subnet.
    pub async fn update_subnet(
        &self,
        vpc_id: u64,
        subnet_id: u64,
        req: &UpdateVpcSubnet,
    ) -> Result<VpcSubnet> {
        self.client.put(&subnet(vpc_id, subnet_id), req).await
    }

    /// `DELETE /vpcs/{id}/subnets/{subnetId}` (fails while the subnet is in use).
    pub async fn delete_subnet(&self, vpc_id: u64, subnet_id: u64) -> Result<()> {
        self.client.delete(&subnet(vpc_id, subnet_id)).await
    }

    // ----- addresses -----

    /// `GET /vpcs/ips` (one page): addresses in use in every VPC of the account.
    pub async fn list_ips(&self, params: &ListParams) -> Result<Page<VpcIp>> {
        self.client.list_page("/vpcs/ips", params).await
    }

    /// Every address in use in every VPC, page by page.
    pub fn list_all_ips(&self, params: ListParams) -> BoxStream<'static, Result<VpcIp>> {
        self.client.list_stream("/vpcs/ips".into(), params)
    }

    /// `GET /vpcs/{id}/ips` (one page): addresses in use in one VPC.
    pub async fn list_vpc_ips(&self, vpc_id: u64, params: &ListParams) -> Result<Page<VpcIp>> {
        self.client
            .list_page(&format!("{}/ips", vpc(vpc_id)), params)
            .await
    }

    /// Every address in use in one VPC, page by page.
    pub fn list_all_vpc_ips(
        &self,
        vpc_id: u64,
        params: ListParams,
    ) -> BoxStream<'static, Result<VpcIp>> {
        self.client
            .list_stream(format!("{}/ips", vpc(vpc_id)), params)
    }
}
