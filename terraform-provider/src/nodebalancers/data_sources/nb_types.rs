//! `data "linode_nb_types"`: the NodeBalancer plans with their prices, narrowed by `filter`
//! blocks and ordered.

use futures::TryStreamExt;
use linode_sdk::ListParams;
use linode_sdk::models::ServiceType;
use serde::{Deserialize, Serialize};
use tfplugin::schema::{Attribute, Schema};
use tfplugin::typed::{DataRead, TypedDataSource};
use tfplugin::{Diagnostics, Type, Val, async_trait};

use crate::LinodeState;
use crate::common::{
    self,
    filter::{FilterModel, Filterable, Query},
};

/// What `filter` and `order_by` may name. Labels are filtered by the API; `transfer` here
/// (filter values are text, and the API compares numbers as numbers).
static FILTERABLE: Filterable = Filterable {
    fields: &["label", "transfer"],
    api: &["label"],
    ordered: true,
};

/// `data "linode_nb_types"`.
pub(crate) struct TypesDataSource;

#[derive(Serialize, Deserialize, Clone, Debug, Default)]
struct PriceItem {
    hourly: Option<f64>,
    monthly: Option<f64>,
}

#[derive(Serialize, Deserialize, Clone, Debug, Default)]
struct RegionPriceItem {
    id: String,
    hourly: Option<f64>,
    monthly: Option<f64>,
}

/// One priced NodeBalancer type.
#[derive(Serialize, Deserialize, Clone, Debug, Default)]
pub(crate) struct TypeItem {
    id: String,
    label: String,
    price: Vec<PriceItem>,
    region_prices: Vec<RegionPriceItem>,
    transfer: i64,
}

impl From<&ServiceType> for TypeItem {
    fn from(t: &ServiceType) -> Self {
        TypeItem {
            id: t.id.clone(),
            label: t.label.clone(),
            price: vec![PriceItem {
                hourly: t.price.hourly,
                monthly: t.price.monthly,
            }],
            region_prices: t
                .region_prices
                .iter()
                .map(|r| RegionPriceItem {
                    id: r.id.clone(),
                    hourly: r.hourly,
                    monthly: r.monthly,
                })
                .collect(),
            transfer: t.transfer as i64,
        }
    }
}

#[derive(Serialize, Deserialize, Default)]
pub(crate) struct TypesModel {
    id: Val<String>,
    order_by: Val<String>,
    order: Val<String>,
    filter: Vec<FilterModel>,
    types: Val<Vec<TypeItem>>,
}

#[async_trait]
impl TypedDataSource for TypesDataSource {
    type Model = TypesModel;
    type Data = LinodeState;

    fn type_name(&self) -> &str {
        "linode_nb_types"
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
        let element = Schema::new()
            .attr(
                "id",
                Attribute::string()
                    .computed()
                    .description("The type's ID, e.g. `nodebalancer`."),
            )
            .attr(
                "label",
                Attribute::string()
                    .computed()
                    .description("The type's name."),
            )
            .attr(
                "price",
                Attribute::of(price)
                    .computed()
                    .description("The price: `hourly` and `monthly`, in US dollars."),
            )
            .attr(
                "region_prices",
                Attribute::of(region_prices)
                    .computed()
                    .description("Prices that differ by region: `id`, `hourly`, `monthly`."),
            )
            .attr(
                "transfer",
                Attribute::number()
                    .computed()
                    .description("The monthly outbound transfer included, in GB."),
            );
        FILTERABLE.schema(
            Schema::new()
                .description("The NodeBalancer types with their prices, optionally narrowed by `filter` blocks (label, transfer).")
                .attr("types", Attribute::list_nested(element).computed().description("The types that match.")),
        )
    }

    async fn validate(&self, config: &TypesModel, diags: &mut Diagnostics) {
        Query::new(&config.filter, &config.order_by, &config.order).validate(diags);
    }

    async fn read(
        &self,
        req: DataRead<'_, TypesModel, LinodeState>,
        diags: &mut Diagnostics,
    ) -> Option<TypesModel> {
        let mut m = req.config;
        let query = Query::new(&m.filter, &m.order_by, &m.order);
        let params = ListParams::new()
            .page_size(500)
            .filter(query.api_filter(&FILTERABLE));
        let nodebalancers = req.data.client.nodebalancers();
        let types: Vec<ServiceType> = match nodebalancers.list_all_types(params).try_collect().await
        {
            Ok(t) => t,
            Err(e) => {
                common::api_error_plain(diags, "Unable to list NodeBalancer types", &e);
                return None;
            }
        };
        let items = query.apply(types.iter().map(TypeItem::from).collect(), diags);
        let id = query.id();
        m.types = Val::Known(items);
        m.id = Val::Known(id);
        Some(m)
    }
}
