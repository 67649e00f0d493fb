//! `data "linode_nodebalancer_configs"`: the port configurations of one NodeBalancer, narrowed
//! by `filter` blocks (matched here: the API filters none of these fields) and ordered.

use linode_sdk::ListParams;
use serde::{Deserialize, Serialize};
use tfplugin::schema::{Attribute, Schema};
use tfplugin::typed::{DataRead, TypedDataSource};
use tfplugin::{Diagnostics, Val, async_trait};

use super::nodebalancer_config::{ConfigItem, config_schema};
use super::{list_under, required_id};
use crate::LinodeState;
use crate::common::filter::{FilterModel, Filterable, Query};

/// What `filter` and `order_by` may name (the official provider's filter fields).
static FILTERABLE: Filterable = Filterable {
    fields: &[
        "algorithm",
        "check",
        "check_body",
        "check_passive",
        "check_path",
        "cipher_suite",
        "nodebalancer_id",
        "port",
        "protocol",
        "proxy_protocol",
        "ssl_commonname",
        "stickiness",
    ],
    api: &[],
    ordered: true,
};

/// `data "linode_nodebalancer_configs"`.
pub(crate) struct ConfigsDataSource;

#[derive(Serialize, Deserialize, Default)]
pub(crate) struct ConfigsModel {
    id: Val<String>,
    nodebalancer_id: Val<i64>,
    order_by: Val<String>,
    order: Val<String>,
    filter: Vec<FilterModel>,
    nodebalancer_configs: Val<Vec<ConfigItem>>,
}

#[async_trait]
impl TypedDataSource for ConfigsDataSource {
    type Model = ConfigsModel;
    type Data = LinodeState;

    fn type_name(&self) -> &str {
        "linode_nodebalancer_configs"
    }

    fn schema(&self) -> Schema {
        FILTERABLE.schema(
            Schema::new()
                .description(
                    "The port configurations of a NodeBalancer, optionally narrowed by `filter` blocks and ordered by \
                     `order_by`.",
                )
                .attr("nodebalancer_id", Attribute::number().required().description("The NodeBalancer's ID."))
                .attr(
                    "nodebalancer_configs",
                    Attribute::list_nested(config_schema(Attribute::number().computed(), Attribute::number().computed()))
                        .computed()
                        .description("The configs that match."),
                ),
        )
    }

    async fn validate(&self, config: &ConfigsModel, diags: &mut Diagnostics) {
        Query::new(&config.filter, &config.order_by, &config.order).validate(diags);
    }

    async fn read(
        &self,
        req: DataRead<'_, ConfigsModel, LinodeState>,
        diags: &mut Diagnostics,
    ) -> Option<ConfigsModel> {
        let mut m = req.config;
        let nb = required_id(&m.nodebalancer_id, "nodebalancer_id", diags)?;
        let query = Query::new(&m.filter, &m.order_by, &m.order);
        let listing = req
            .data
            .client
            .nodebalancers()
            .list_all_configs(nb, ListParams::new().page_size(500));
        let configs = list_under(listing, nb, "configs", diags).await?;
        let items = query.apply(configs.iter().map(ConfigItem::from).collect(), diags);
        let id = format!("{nb}-{}", query.id());
        m.nodebalancer_configs = Val::Known(items);
        m.id = Val::Known(id);
        Some(m)
    }
}
