//! `/nodebalancers/...`: NodeBalancers, configs (incl. rebuild), nodes, firewalls, VPC
//! configurations, stats, types.

use futures::stream::BoxStream;

use crate::client::Client;
use crate::error::Result;
use crate::models::ServiceType;
use crate::models::firewalls::Firewall;
use crate::models::nodebalancers::{
    CreateNodeBalancer, CreateNodeBalancerConfig, CreateNodeBalancerNode, NodeBalancer, NodeBalancerConfig,
    NodeBalancerNode, NodeBalancerStats, NodeBalancerVpcConfig, RebuildNodeBalancerConfig, UpdateNodeBalancer,
    UpdateNodeBalancerConfig, UpdateNodeBalancerFirewalls, UpdateNodeBalancerNode,
};
use crate::pagination::{ListParams, Page};

/// Handler for `/nodebalancers`; see [`Client::nodebalancers`].
#[derive(Debug, Clone)]
pub struct NodeBalancersHandler {
    pub(crate) client: Client,
}

fn nb(id: u64) -> String {
    format!("/nodebalancers/{id}")
}

fn config(nb_id: u64, config_id: u64) -> String {
    format!("/nodebalancers/{nb_id}/configs/{config_id}")
}

fn node(nb_id: u64, config_id: u64, node_id: u64) -> String {
    format!("/nodebalancers/{nb_id}/configs/{config_id}/nodes/{node_id}")
}

impl NodeBalancersHandler {
    /// `GET /nodebalancers` (one page).
    pub async fn list(&self, params: &ListParams) -> Result<Page<NodeBalancer>> {
        self.client.list_page("/nodebalancers", params).await
    }

    /// Every NodeBalancer, page by page.
    pub fn list_all(&self, params: ListParams) -> BoxStream<'static, Result<NodeBalancer>> {
        self.client.list_stream("/nodebalancers".into(), params)
    }

    /// `GET /nodebalancers/{id}`.
    pub async fn get(&self, id: u64) -> Result<NodeBalancer> {
        self.client.get(&nb(id)).await
    }

    /// `GET /nodebalancers/{id}`, `None` on 404.
    pub async fn get_opt(&self, id: u64) -> Result<Option<NodeBalancer>> {
        self.client.get_opt(&nb(id)).await
    }

    /// `POST /nodebalancers`.
    pub async fn create(&self, req: &CreateNodeBalancer) -> Result<NodeBalancer> {
        self.client.post("/nodebalancers", req).await
    }

    /// `PUT /nodebalancers/{id}`.
    pub async fn update(&self, id: u64, req: &UpdateNodeBalancer) -> Result<NodeBalancer> {
        self.client.put(&nb(id), req).await
    }

    /// `DELETE /nodebalancers/{id}` (also deletes its configs and nodes).
    pub async fn delete(&self, id: u64) -> Result<()> {
        self.client.delete(&nb(id)).await
    }

    /// `GET /nodebalancers/{id}/stats`: the last 24 hours of connections and traffic.
    /// Fails with a 400 (`Stats are unavailable at this time.`) for a new NodeBalancer.
    pub async fn get_stats(&self, id: u64) -> Result<NodeBalancerStats> {
        self.client.get(&format!("{}/stats", nb(id))).await
    }

    /// `GET /nodebalancers/types` (one page).
    pub async fn list_types(&self, params: &ListParams) -> Result<Page<ServiceType>> {
        self.client.list_page("/nodebalancers/types", params).await
    }

    /// Every NodeBalancer type, page by page.
    pub fn list_all_types(&self, params: ListParams) -> BoxStream<'static, Result<ServiceType>> {
        self.client.list_stream("/nodebalancers/types".into(), params)
    }

    // ----- configs -----

    /// `GET /nodebalancers/{id}/configs` (one page).
    pub async fn list_configs(&self, nb_id: u64, params: &ListParams) -> Result<Page<NodeBalancerConfig>> {
        self.client.list_page(&format!("{}/configs", nb(nb_id)), params).await
    }

    /// Every config of a NodeBalancer, page by page.
    pub fn list_all_configs(&self, nb_id: u64, params: ListParams) -> BoxStream<'static, Result<NodeBalancerConfig>> {
        self.client.list_stream(format!("{}/configs", nb(nb_id)), params)
    }

    /// `GET /nodebalancers/{id}/configs/{configId}`.
    pub async fn get_config(&self, nb_id: u64, config_id: u64) -> Result<NodeBalancerConfig> {
        self.client.get(&config(nb_id, config_id)).await
    }

    /// `GET /nodebalancers/{id}/configs/{configId}`, `None` on 404.
    pub async fn get_config_opt(&self, nb_id: u64, config_id: u64) -> Result<Option<NodeBalancerConfig>> {
        self.client.get_opt(&config(nb_id, config_id)).await
    }

    /// `POST /nodebalancers/{id}/configs`.
    pub async fn create_config(&self, nb_id: u64, req: &CreateNodeBalancerConfig) -> Result<NodeBalancerConfig> {
        self.client.post(&format!("{}/configs", nb(nb_id)), req).await
    }

    /// `PUT /nodebalancers/{id}/configs/{configId}`.
    pub async fn update_config(&self, nb_id: u64, config_id: u64, req: &UpdateNodeBalancerConfig) -> Result<NodeBalancerConfig> {
        self.client.put(&config(nb_id, config_id), req).await
    }

    /// `DELETE /nodebalancers/{id}/configs/{configId}`.
    pub async fn delete_config(&self, nb_id: u64, config_id: u64) -> Result<()> {
        self.client.delete(&config(nb_id, config_id)).await
    }

    /// `POST /nodebalancers/{id}/configs/{configId}/rebuild`: replaces the config and its whole node set.
    pub async fn rebuild_config(&self, nb_id: u64, config_id: u64, req: &RebuildNodeBalancerConfig) -> Result<NodeBalancerConfig> {
        self.client.post(&format!("{}/rebuild", config(nb_id, config_id)), req).await
    }

    // ----- nodes -----

    /// `GET .../configs/{configId}/nodes` (one page).
    pub async fn list_nodes(&self, nb_id: u64, config_id: u64, params: &ListParams) -> Result<Page<NodeBalancerNode>> {
        self.client.list_page(&format!("{}/nodes", config(nb_id, config_id)), params).await
    }

    /// Every node of a config, page by page.
    pub fn list_all_nodes(&self, nb_id: u64, config_id: u64, params: ListParams) -> BoxStream<'static, Result<NodeBalancerNode>> {
        self.client.list_stream(format!("{}/nodes", config(nb_id, config_id)), params)
    }

    /// `GET .../nodes/{nodeId}`.
    pub async fn get_node(&self, nb_id: u64, config_id: u64, node_id: u64) -> Result<NodeBalancerNode> {
        self.client.get(&node(nb_id, config_id, node_id)).await
    }

    /// `GET .../nodes/{nodeId}`, `None` on 404.
    pub async fn get_node_opt(&self, nb_id: u64, config_id: u64, node_id: u64) -> Result<Option<NodeBalancerNode>> {
        self.client.get_opt(&node(nb_id, config_id, node_id)).await
    }

    /// `POST .../configs/{configId}/nodes`.
    pub async fn create_node(&self, nb_id: u64, config_id: u64, req: &CreateNodeBalancerNode) -> Result<NodeBalancerNode> {
        self.client.post(&format!("{}/nodes", config(nb_id, config_id)), req).await
    }

    /// `PUT .../nodes/{nodeId}`.
    pub async fn update_node(&self, nb_id: u64, config_id: u64, node_id: u64, req: &UpdateNodeBalancerNode) -> Result<NodeBalancerNode> {
        self.client.put(&node(nb_id, config_id, node_id), req).await
    }

    /// `DELETE .../nodes/{nodeId}`.
    pub async fn delete_node(&self, nb_id: u64, config_id: u64, node_id: u64) -> Result<()> {
        self.client.delete(&node(nb_id, config_id, node_id)).await
    }

    // ----- firewalls -----

    /// `GET /nodebalancers/{id}/firewalls` (one page).
    pub async fn list_firewalls(&self, nb_id: u64, params: &ListParams) -> Result<Page<Firewall>> {
        self.client.list_page(&format!("{}/firewalls", nb(nb_id)), params).await
    }

    /// Every firewall attached to a NodeBalancer, page by page.
    pub fn list_all_firewalls(&self, nb_id: u64, params: ListParams) -> BoxStream<'static, Result<Firewall>> {
        self.client.list_stream(format!("{}/firewalls", nb(nb_id)), params)
    }

    /// `PUT /nodebalancers/{id}/firewalls`: sets the attached firewalls.
    pub async fn update_firewalls(&self, nb_id: u64, req: &UpdateNodeBalancerFirewalls) -> Result<Page<Firewall>> {
        self.client.put(&format!("{}/firewalls", nb(nb_id)), req).await
    }

    // ----- VPC configurations -----

    /// `GET /nodebalancers/{id}/vpcs` (one page).
    pub async fn list_vpc_configs(&self, nb_id: u64, params: &ListParams) -> Result<Page<NodeBalancerVpcConfig>> {
        self.client.list_page(&format!("{}/vpcs", nb(nb_id)), params).await
    }

    /// Every VPC configuration of a NodeBalancer, page by page.
    pub fn list_all_vpc_configs(&self, nb_id: u64, params: ListParams) -> BoxStream<'static, Result<NodeBalancerVpcConfig>> {
        self.client.list_stream(format!("{}/vpcs", nb(nb_id)), params)
    }

    /// `GET /nodebalancers/{id}/vpcs/{vpcConfigId}`.
    pub async fn get_vpc_config(&self, nb_id: u64, vpc_config_id: u64) -> Result<NodeBalancerVpcConfig> {
        self.client.get(&format!("{}/vpcs/{vpc_config_id}", nb(nb_id))).await
    }

    /// `GET /nodebalancers/{id}/vpcs/{vpcConfigId}`, `None` on 404.
    pub async fn get_vpc_config_opt(&self, nb_id: u64, vpc_config_id: u64) -> Result<Option<NodeBalancerVpcConfig>> {
        self.client.get_opt(&format!("{}/vpcs/{vpc_config_id}", nb(nb_id))).await
    }
}
