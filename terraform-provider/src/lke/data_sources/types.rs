//! `data "linode_lke_types"`: LKE's priced types (cluster tiers, HA control plane).


use linode_sdk::ListParams;
use serde::Serialize;
use tfplugin::data_source::{DataSourceReadRequest, DataSourceReadResponse};
use tfplugin::schema::Schema;
use tfplugin::{DataSource, Type, async_trait};

use super::computed;
use crate::common;

#[derive(Serialize)]
struct PriceOut {
    hourly: Option<f64>,
    monthly: Option<f64>,
}

#[derive(Serialize)]
struct RegionPriceOut {
    id: String,
    hourly: Option<f64>,
    monthly: Option<f64>,
}

#[derive(Serialize)]
struct TypeOut {
    id: String,
    label: String,
    price: Vec<PriceOut>,
    region_prices: Vec<RegionPriceOut>,
    transfer: i64,
}

/// `data "linode_lke_types"`.
pub(crate) struct TypesDataSource;

#[async_trait]
impl DataSource for TypesDataSource {
    fn type_name(&self) -> &str {
        "linode_lke_types"
    }

    fn schema(&self) -> Schema {
        let price = Type::list(Type::object([
            ("hourly", Type::Number),
            ("monthly", Type::Number),
        ]));
        let region_prices = Type::list(Type::object([
            ("id", Type::String),
            ("hourly", Type::Number),
            ("monthly", Type::Number),
        ]));
        Schema::new()
            .description("Lists the LKE service types (control plane plans) with their prices.")
            .attr("id", computed(Type::String, "An identifier of this listing."))
            .attr(
                "types",
                computed(
                    Type::list(Type::object([
                        ("id", Type::String),
                        ("label", Type::String),
                        ("price", price),
                        ("region_prices", region_prices),
                        ("transfer", Type::Number),
                    ])),
                    "The LKE types: `id`, `label`, `price` (`hourly`, `monthly`), `region_prices` and `transfer`.",
                ),
            )
    }

    async fn read(&self, req: DataSourceReadRequest, resp: &mut DataSourceReadResponse) {
        let diags = &mut resp.diagnostics;
        let Some(state) = common::state(&req.ctx, diags) else {
            return;
        };
        let types = match state
            .client
            .lke()
            .list_types(&ListParams::new().page_size(500))
            .await
        {
            Ok(p) => p.data,
            Err(e) => return common::api_error_plain(diags, "Unable to list LKE types", &e),
        };
        let out: Vec<TypeOut> = types
            .into_iter()
            .map(|t| TypeOut {
                id: t.id,
                label: t.label,
                price: vec![PriceOut {
                    hourly: t.price.hourly,
                    monthly: t.price.monthly,
                }],
                region_prices: t
                    .region_prices
                    .into_iter()
                    .map(|r| RegionPriceOut {
                        id: r.id,
                        hourly: r.hourly,
                        monthly: r.monthly,
                    })
                    .collect(),
                transfer: t.transfer as i64,
            })
            .collect();
        let id = out
            .iter()
            .map(|t| t.id.as_str())
            .collect::<Vec<_>>()
            .join(",");
        resp.set_state(&serde_json::json!({ "id": id, "types": out }));
    }
}
