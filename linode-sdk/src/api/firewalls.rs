//! `/networking/firewalls/...`: Cloud Firewalls, their rules and devices, and the
//! account's firewall settings.

use futures::stream::BoxStream;

use crate::client::Client;
use crate::error::Result;
use crate::models::firewalls::{
    CreateFirewall, CreateFirewallDevice, Firewall, FirewallDevice, FirewallRules,
    FirewallSettings, UpdateFirewall, UpdateFirewallRules,
};
use crate::pagination::{ListParams, Page};

/// Handler for `/networking/firewalls`; see [`Client::firewalls`].
#[derive(Debug, Clone)]
pub struct FirewallsHandler {
    pub(crate) client: Client,
}

const FIREWALLS: &str = "/networking/firewalls";

fn firewall(id: u64) -> String {
    format!("{FIREWALLS}/{id}")
}

fn device(firewall_id: u64, device_id: u64) -> String {
    format!("{FIREWALLS}/{firewall_id}/devices/{device_id}")
}

impl FirewallsHandler {
    /// `GET /networking/firewalls` (one page).
    pub async fn list(&self, params: &ListParams) -> Result<Page<Firewall>> {
        self.client.list_page(FIREWALLS, params).await
    }

    /// Every firewall, page by page.
    pub fn list_all(&self, params: ListParams) -> BoxStream<'static, Result<Firewall>> {
        self.client.list_stream(FIREWALLS.into(), params)
    }

    /// `GET /networking/firewalls/{id}`.
    pub async fn get(&self, id: u64) -> Result<Firewall> {
        self.client.get(&firewall(id)).await
    }

    /// `GET /networking/firewalls/{id}`, `None` on 404.
    pub async fn get_opt(&self, id: u64) -> Result<Option<Firewall>> {
        self.client.get_opt(&firewall(id)).await
    }

    /// `POST /networking/firewalls`: creates a firewall with its rules, and attaches the
    /// listed devices. Retried only when the server provably did not act.
    pub async fn create(&self, req: &CreateFirewall) -> Result<Firewall> {
        self.client.post(FIREWALLS, req).await
    }

    /// `PUT /networking/firewalls/{id}`: label, status (`enabled`/`disabled`), tags.
    pub async fn update(&self, id: u64, req: &UpdateFirewall) -> Result<Firewall> {
        self.client.put(&firewall(id), req).await
    }

    /// `DELETE /networking/firewalls/{id}` (detaches it from every device).
    pub async fn delete(&self, id: u64) -> Result<()> {
        self.client.delete(&firewall(id)).await
    }

    // ----- rules -----

    /// `GET /networking/firewalls/{id}/rules`.
    pub async fn get_rules(&self, id: u64) -> Result<FirewallRules> {
        self.client.get(&format!("{}/rules", firewall(id))).await
    }

    /// `PUT /networking/firewalls/{id}/rules`: replaces every rule and both policies, and
    /// returns the new rules (with a new `version` and `fingerprint`).
    pub async fn update_rules(&self, id: u64, req: &UpdateFirewallRules) -> Result<FirewallRules> {
        self.client
            .put(&format!("{}/rules", firewall(id)), req)
            .await
    }

    // ----- devices -----

    /// `GET /networking/firewalls/{id}/devices` (one page).
    pub async fn list_devices(&self, id: u64, params: &ListParams) -> Result<Page<FirewallDevice>> {
        self.client
            .list_page(&format!("{}/devices", firewall(id)), params)
            .await
    }

    /// Every device of a firewall, page by page.
    pub fn list_all_devices(
        &self,
        id: u64,
        params: ListParams,
    ) -> BoxStream<'static, Result<FirewallDevice>> {
        self.client
            .list_stream(format!("{}/devices", firewall(id)), params)
    }

    /// `GET /networking/firewalls/{id}/devices/{deviceId}`.
    pub async fn get_device(&self, id: u64, device_id: u64) -> Result<FirewallDevice> {
        self.client.get(&device(id, device_id)).await
    }

    /// `GET /networking/firewalls/{id}/devices/{deviceId}`, `None` on 404.
    pub async fn get_device_opt(&self, id: u64, device_id: u64) -> Result<Option<FirewallDevice>> {
        self.client.get_opt(&device(id, device_id)).await
    }

    /// `POST /networking/firewalls/{id}/devices`: attaches a Linode, NodeBalancer or
    /// Linode interface.
    pub async fn create_device(
        &self,
        id: u64,
        req: &CreateFirewallDevice,
    ) -> Result<FirewallDevice> {
        self.client
            .post(&format!("{}/devices", firewall(id)), req)
            .await
    }

    /// `DELETE /networking/firewalls/{id}/devices/{deviceId}`: detaches the device.
    pub async fn delete_device(&self, id: u64, device_id: u64) -> Result<()> {
        self.client.delete(&device(id, device_id)).await
    }

    // ----- settings -----

    /// `GET /networking/firewalls/settings`: the account's default firewalls.
    pub async fn get_settings(&self) -> Result<FirewallSettings> {
        self.client.get(&format!("{FIREWALLS}/settings")).await
    }
}
