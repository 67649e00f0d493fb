//! `data "linode_nodebalancers"`: the NodeBalancers, narrowed by `filter` blocks and ordered.

use futures::TryStreamExt;
use linode_sdk::ListParams;
use serde::{Deserialize, Serialize};
use tfplugin::schema::{Attribute, Schema};
use tfplugin::typed::{DataRead, TypedDataSource};
use tfplugin::{Diagnostics, Val, async_trait};

use super::nodebalancer::{NodeBalancerItem, nodebalancer_schema};
use crate::LinodeState;
use crate::common::{
    self,
    filter::{FilterModel, Filterable, Query},
};

/// What `filter` and `order_by` may name; the API filters label, ipv4 and region (tags are
/// matched client-side, as the official provider does).
static FILTERABLE: Filterable = Filterable {
    fields: &[
        "client_conn_throttle",
        "hostname",
        "ipv4",
        "ipv6",
        "label",
        "region",
        "tags",
    ],
    api: &["ipv4", "label", "region"],
    ordered: true,
};

/// `data "linode_nodebalancers"`.
pub(crate) struct NodeBalancersDataSource;

#[derive(Serialize, Deserialize, Default)]
pub(crate) struct NodeBalancersModel {
    id: Val<String>,
    order_by: Val<String>,
    order: Val<String>,
    filter: Vec<FilterModel>,
    nodebalancers: Val<Vec<NodeBalancerItem>>,
}

#[async_trait]
impl TypedDataSource for NodeBalancersDataSource {
    type Model = NodeBalancersModel;
    type Data = LinodeState;

    fn type_name(&self) -> &str {
        "linode_nodebalancers"
    }

    fn schema(&self) -> Schema {
        FILTERABLE.schema(
            Schema::new()
                .description(
                    "The account's NodeBalancers, optionally narrowed by `filter` blocks (every filter must match; within \
                     one filter any value may match) and ordered by `order_by`. Filterable fields: client_conn_throttle, \
                     hostname, ipv4, ipv6, label, region, tags.",
                )
                .attr(
                    "nodebalancers",
                    Attribute::list_nested(nodebalancer_schema(Attribute::number().computed()))
                        .computed()
                        .description("The NodeBalancers that match."),
                ),
        )
    }

    async fn validate(&self, config: &NodeBalancersModel, diags: &mut Diagnostics) {
        Query::new(&config.filter, &config.order_by, &config.order).validate(diags);
    }

    async fn read(
        &self,
        req: DataRead<'_, NodeBalancersModel, LinodeState>,
        diags: &mut Diagnostics,
    ) -> Option<NodeBalancersModel> {
        let mut m = req.config;
        let query = Query::new(&m.filter, &m.order_by, &m.order);
        let params = ListParams::new()
            .page_size(500)
            .filter(query.api_filter(&FILTERABLE));
        let listed: Vec<_> = match req
            .data
            .client
            .nodebalancers()
            .list_all(params)
            .try_collect()
            .await
        {
            Ok(l) => l,
            Err(e) => {
                common::api_error_plain(diags, "Unable to list NodeBalancers", &e);
                return None;
            }
        };
        let items = query.apply(listed.iter().map(NodeBalancerItem::from).collect(), diags);
        let id = query.id();
        m.nodebalancers = Val::Known(items);
        m.id = Val::Known(id);
        Some(m)
    }
}
