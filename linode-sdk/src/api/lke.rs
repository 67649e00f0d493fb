//! `/lke/...`: clusters, node pools, nodes, kubeconfig, API endpoints, dashboard,
//! control-plane ACL, recycle/regenerate, versions and types, plus waiters.

use futures::stream::BoxStream;

use super::seg;
use crate::client::Client;
use crate::error::Result;
use crate::models::ServiceType;
use crate::models::lke::{
    ApiEndpoint, ControlPlaneAcl, ControlPlaneAclResponse, CreateLkeCluster, CreateNodePool, DashboardUrl,
    Kubeconfig, LkeCluster, LkeNode, LkeNodeStatus, LkeTier, LkeVersion, NodePool, RegenerateOptions,
    TieredLkeVersion, UpdateControlPlaneAcl, UpdateLkeCluster, UpdateNodePool,
};
use crate::pagination::{ListParams, Page};
use crate::wait::{self, WaitOptions, WaitState};

/// Handler for `/lke`; see [`Client::lke`].
#[derive(Debug, Clone)]
pub struct LkeHandler {
    pub(crate) client: Client,
}

fn cluster(id: u64) -> String {
    format!("/lke/clusters/{id}")
}

fn pool(cluster_id: u64, pool_id: u64) -> String {
    format!("/lke/clusters/{cluster_id}/pools/{pool_id}")
}

fn node(cluster_id: u64, node_id: &str) -> String {
    format!("/lke/clusters/{cluster_id}/nodes/{}", seg(node_id))
}

impl LkeHandler {
    // ----- clusters -----

    /// `GET /lke/clusters` (one page).
    pub async fn list(&self, params: &ListParams) -> Result<Page<LkeCluster>> {
        self.client.list_page("/lke/clusters", params).await
    }

    /// Every cluster, page by page.
    pub fn list_all(&self, params: ListParams) -> BoxStream<'static, Result<LkeCluster>> {
        self.client.list_stream("/lke/clusters".into(), params)
    }

    /// `GET /lke/clusters/{id}`.
    pub async fn get(&self, id: u64) -> Result<LkeCluster> {
        self.client.get(&cluster(id)).await
    }

    /// `GET /lke/clusters/{id}`, `None` on 404.
    pub async fn get_opt(&self, id: u64) -> Result<Option<LkeCluster>> {
        self.client.get_opt(&cluster(id)).await
    }

    /// `POST /lke/clusters`. Retried only when the server provably did not act.
    pub async fn create(&self, req: &CreateLkeCluster) -> Result<LkeCluster> {
        self.client.post("/lke/clusters", req).await
    }

    /// `PUT /lke/clusters/{id}`.
    pub async fn update(&self, id: u64, req: &UpdateLkeCluster) -> Result<LkeCluster> {
        self.client.put(&cluster(id), req).await
    }

    /// `DELETE /lke/clusters/{id}` (also deletes the pools' Linodes and NodeBalancers).
    pub async fn delete(&self, id: u64) -> Result<()> {
        self.client.delete(&cluster(id)).await
    }

    /// `POST /lke/clusters/{id}/recycle`: replaces every node, rolling.
    pub async fn recycle(&self, id: u64) -> Result<()> {
        self.client.post_action(&format!("{}/recycle", cluster(id))).await
    }

    /// `POST /lke/clusters/{id}/regenerate`: new kubeconfig and/or service token.
    pub async fn regenerate(&self, id: u64, opts: &RegenerateOptions) -> Result<()> {
        self.client.post::<_, serde_json::Value>(&format!("{}/regenerate", cluster(id)), opts).await.map(drop)
    }

    /// `DELETE /lke/clusters/{id}/servicetoken`.
    pub async fn delete_service_token(&self, id: u64) -> Result<()> {
        self.client.delete(&format!("{}/servicetoken", cluster(id))).await
    }

    /// `GET /lke/clusters/{id}/api-endpoints` (one page).
    pub async fn list_api_endpoints(&self, id: u64) -> Result<Page<ApiEndpoint>> {
        self.client.list_page(&format!("{}/api-endpoints", cluster(id)), &ListParams::new()).await
    }

    /// `GET /lke/clusters/{id}/dashboard`.
    pub async fn get_dashboard_url(&self, id: u64) -> Result<DashboardUrl> {
        self.client.get(&format!("{}/dashboard", cluster(id))).await
    }

    /// `GET /lke/clusters/{id}/kubeconfig` (503 while the cluster is provisioning; see
    /// [`LkeHandler::wait_for_kubeconfig`]).
    pub async fn get_kubeconfig(&self, id: u64) -> Result<Kubeconfig> {
        self.client.get(&format!("{}/kubeconfig", cluster(id))).await
    }

    /// `DELETE /lke/clusters/{id}/kubeconfig` (regenerates it).
    pub async fn delete_kubeconfig(&self, id: u64) -> Result<()> {
        self.client.delete(&format!("{}/kubeconfig", cluster(id))).await
    }

    // ----- control-plane ACL -----

    /// `GET /lke/clusters/{id}/control_plane_acl`.
    pub async fn get_control_plane_acl(&self, id: u64) -> Result<ControlPlaneAcl> {
        let r: ControlPlaneAclResponse = self.client.get(&format!("{}/control_plane_acl", cluster(id))).await?;
        Ok(r.acl)
    }

    /// `PUT /lke/clusters/{id}/control_plane_acl`.
    pub async fn update_control_plane_acl(&self, id: u64, req: &UpdateControlPlaneAcl) -> Result<ControlPlaneAcl> {
        let r: ControlPlaneAclResponse = self.client.put(&format!("{}/control_plane_acl", cluster(id)), req).await?;
        Ok(r.acl)
    }

    /// `DELETE /lke/clusters/{id}/control_plane_acl` (disables the ACL).
    pub async fn delete_control_plane_acl(&self, id: u64) -> Result<()> {
        self.client.delete(&format!("{}/control_plane_acl", cluster(id))).await
    }

    // ----- node pools -----

    /// `GET /lke/clusters/{id}/pools` (one page).
    pub async fn list_pools(&self, cluster_id: u64, params: &ListParams) -> Result<Page<NodePool>> {
        self.client.list_page(&format!("{}/pools", cluster(cluster_id)), params).await
    }

    /// Every pool of a cluster, page by page.
    pub fn list_all_pools(&self, cluster_id: u64, params: ListParams) -> BoxStream<'static, Result<NodePool>> {
        self.client.list_stream(format!("{}/pools", cluster(cluster_id)), params)
    }

    /// `GET /lke/clusters/{id}/pools/{poolId}`.
    pub async fn get_pool(&self, cluster_id: u64, pool_id: u64) -> Result<NodePool> {
        self.client.get(&pool(cluster_id, pool_id)).await
    }

    /// `GET /lke/clusters/{id}/pools/{poolId}`, `None` on 404.
    pub async fn get_pool_opt(&self, cluster_id: u64, pool_id: u64) -> Result<Option<NodePool>> {
        self.client.get_opt(&pool(cluster_id, pool_id)).await
    }

    /// `POST /lke/clusters/{id}/pools`.
    pub async fn create_pool(&self, cluster_id: u64, req: &CreateNodePool) -> Result<NodePool> {
        self.client.post(&format!("{}/pools", cluster(cluster_id)), req).await
    }

    /// `PUT /lke/clusters/{id}/pools/{poolId}`.
    pub async fn update_pool(&self, cluster_id: u64, pool_id: u64, req: &UpdateNodePool) -> Result<NodePool> {
        self.client.put(&pool(cluster_id, pool_id), req).await
    }

    /// `DELETE /lke/clusters/{id}/pools/{poolId}`.
    pub async fn delete_pool(&self, cluster_id: u64, pool_id: u64) -> Result<()> {
        self.client.delete(&pool(cluster_id, pool_id)).await
    }

    /// `POST /lke/clusters/{id}/pools/{poolId}/recycle`.
    pub async fn recycle_pool(&self, cluster_id: u64, pool_id: u64) -> Result<()> {
        self.client.post_action(&format!("{}/recycle", pool(cluster_id, pool_id))).await
    }

    // ----- nodes -----

    /// `GET /lke/clusters/{id}/nodes/{nodeId}`.
    pub async fn get_node(&self, cluster_id: u64, node_id: &str) -> Result<LkeNode> {
        self.client.get(&node(cluster_id, node_id)).await
    }

    /// `GET /lke/clusters/{id}/nodes/{nodeId}`, `None` on 404.
    pub async fn get_node_opt(&self, cluster_id: u64, node_id: &str) -> Result<Option<LkeNode>> {
        self.client.get_opt(&node(cluster_id, node_id)).await
    }

    /// `DELETE /lke/clusters/{id}/nodes/{nodeId}` (shrinks the pool by one).
    pub async fn delete_node(&self, cluster_id: u64, node_id: &str) -> Result<()> {
        self.client.delete(&node(cluster_id, node_id)).await
    }

    /// `POST /lke/clusters/{id}/nodes/{nodeId}/recycle`.
    pub async fn recycle_node(&self, cluster_id: u64, node_id: &str) -> Result<()> {
        self.client.post_action(&format!("{}/recycle", node(cluster_id, node_id))).await
    }

    // ----- versions and types -----

    /// `GET /lke/versions` (one page).
    pub async fn list_versions(&self, params: &ListParams) -> Result<Page<LkeVersion>> {
        self.client.list_page("/lke/versions", params).await
    }

    /// `GET /lke/versions/{version}`.
    pub async fn get_version(&self, version: &str) -> Result<LkeVersion> {
        self.client.get(&format!("/lke/versions/{}", seg(version))).await
    }

    /// `GET /lke/tiers/{tier}/versions` (one page).
    pub async fn list_tier_versions(&self, tier: &LkeTier, params: &ListParams) -> Result<Page<TieredLkeVersion>> {
        self.client.list_page(&format!("/lke/tiers/{}/versions", seg(tier.as_str())), params).await
    }

    /// `GET /lke/tiers/{tier}/versions/{version}`.
    pub async fn get_tier_version(&self, tier: &LkeTier, version: &str) -> Result<TieredLkeVersion> {
        self.client.get(&format!("/lke/tiers/{}/versions/{}", seg(tier.as_str()), seg(version))).await
    }

    /// `GET /lke/types` (one page).
    pub async fn list_types(&self, params: &ListParams) -> Result<Page<ServiceType>> {
        self.client.list_page("/lke/types", params).await
    }

    // ----- waiters -----

    /// Waits until every pool of the cluster has `count` nodes and all of them are `ready`.
    /// Returns the pools as last seen.
    pub async fn wait_for_nodes_ready(&self, cluster_id: u64, opts: &WaitOptions) -> Result<Vec<NodePool>> {
        let what = format!("LKE cluster {cluster_id} nodes to be ready");
        wait::wait_until(&what, &self.with_cancel(opts), || async {
            let pools = self.all_pools(cluster_id).await?;
            let total: usize = pools.iter().map(|p| p.count as usize).sum();
            let ready = pools
                .iter()
                .flat_map(|p| &p.nodes)
                .filter(|n| n.status == LkeNodeStatus::Ready)
                .count();
            let complete = pools
                .iter()
                .all(|p| p.nodes.len() == p.count as usize && p.nodes.iter().all(|n| n.status == LkeNodeStatus::Ready));
            Ok(if complete && !pools.is_empty() {
                WaitState::Done(pools)
            } else {
                WaitState::Pending(format!("{ready}/{total} nodes ready in {} pools", pools.len()))
            })
        })
        .await
    }

    /// Waits until a pool has exactly `target` nodes, all `ready`.
    pub async fn wait_for_pool_count(&self, cluster_id: u64, pool_id: u64, target: u32, opts: &WaitOptions) -> Result<NodePool> {
        let what = format!("LKE pool {pool_id} of cluster {cluster_id} to reach {target} ready nodes");
        wait::wait_until(&what, &self.with_cancel(opts), || async {
            let p = self.client.get_no_retry::<NodePool>(&pool(cluster_id, pool_id)).await;
            let p = match p {
                Ok(p) => p,
                Err(e) if wait::is_transient(&e) => return Ok(WaitState::Pending(format!("poll failed: {e}"))),
                Err(e) => return Err(e),
            };
            let ready = p.nodes.iter().filter(|n| n.status == LkeNodeStatus::Ready).count();
            Ok(if p.nodes.len() == target as usize && ready == target as usize {
                WaitState::Done(p)
            } else {
                WaitState::Pending(format!("{} nodes, {ready} ready, target {target}", p.nodes.len()))
            })
        })
        .await
    }

    /// Waits until the kubeconfig can be fetched (the API answers 503/404/400 while
    /// the control plane is provisioning).
    pub async fn wait_for_kubeconfig(&self, cluster_id: u64, opts: &WaitOptions) -> Result<Kubeconfig> {
        let what = format!("kubeconfig of LKE cluster {cluster_id}");
        let path = format!("{}/kubeconfig", cluster(cluster_id));
        wait::wait_until(&what, &self.with_cancel(opts), || async {
            match self.client.get_no_retry::<Kubeconfig>(&path).await {
                Ok(k) if !k.kubeconfig.is_empty() => Ok(WaitState::Done(k)),
                Ok(_) => Ok(WaitState::Pending("kubeconfig is empty".into())),
                Err(e) if wait::is_transient(&e) || matches!(e.status(), Some(400 | 404 | 503)) => {
                    Ok(WaitState::Pending(format!("not available yet: {e}")))
                }
                Err(e) => Err(e),
            }
        })
        .await
    }

    /// Waits until `GET /lke/clusters/{id}` answers 404.
    pub async fn wait_for_deleted(&self, cluster_id: u64, opts: &WaitOptions) -> Result<()> {
        let what = format!("LKE cluster {cluster_id} to be deleted");
        let path = cluster(cluster_id);
        wait::wait_for_deletion(&what, &self.with_cancel(opts), || self.client.get_no_retry::<LkeCluster>(&path)).await
    }

    async fn all_pools(&self, cluster_id: u64) -> Result<Vec<NodePool>> {
        use futures::TryStreamExt;
        self.list_all_pools(cluster_id, ListParams::new().page_size(500)).try_collect().await
    }

    fn with_cancel(&self, opts: &WaitOptions) -> WaitOptions {
        let mut o = opts.clone();
        if o.cancel.is_none() {
            o.cancel = self.client.cancel_token().cloned();
        }
        o
    }
}
