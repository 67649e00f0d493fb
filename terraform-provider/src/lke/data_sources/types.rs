//! `data "linode_lke_types"`: LKE's priced types (cluster tiers, HA control plane).

use linode_sdk::ListParams;
use linode_sdk::models::ServiceType;
use serde::{Deserialize, Serialize};
use tfplugin::schema::{Attribute, Schema};
use tfplugin::typed::{DataRead, TypedDataSource};
use tfplugin::{Diagnostics, Type, Val, async_trait};

use crate::common::filter::{FilterModel, Filterable, Query};
use crate::{LinodeState, common};

static FILTERABLE: Filterable = Filterable { fields: &["label", "transfer"], api: &["label", "transfer"], ordered: true };

#[derive(Serialize, Deserialize, Clone, Debug)]
pub(crate) struct PriceModel {
    hourly: Option<f64>,
    monthly: Option<f64>,
}

#[derive(Serialize, Deserialize, Clone, Debug)]
pub(crate) struct RegionPriceModel {
    id: String,
    hourly: Option<f64>,
    monthly: Option<f64>,
}

/// One priced service type, as the priced-type data sources show it.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub(crate) struct PricedTypeModel {
    id: String,
    label: String,
    price: Vec<PriceModel>,
    region_prices: Vec<RegionPriceModel>,
    transfer: i64,
}

impl From<ServiceType> for PricedTypeModel {
    fn from(t: ServiceType) -> Self {
        PricedTypeModel {
            id: t.id,
            label: t.label,
            price: vec![PriceModel { hourly: t.price.hourly, monthly: t.price.monthly }],
            region_prices: t
                .region_prices
                .into_iter()
                .map(|r| RegionPriceModel { id: r.id, hourly: r.hourly, monthly: r.monthly })
                .collect(),
            transfer: t.transfer as i64,
        }
    }
}

/// The element schema of a priced-type list.
pub(crate) fn priced_type_schema() -> Schema {
    let money = [("hourly", Type::Number), ("monthly", Type::Number)];
    let computed = |ty: Type, d: &str| Attribute::of(ty).computed().description(d);
    Schema::new()
        .attr("id", Attribute::string().required().description("The type's ID."))
        .attr("label", Attribute::string().optional().computed().description("The type's label."))
        .attr("price", computed(Type::list(Type::object(money.clone())), "The default price: `hourly` and `monthly`."))
        .attr(
            "region_prices",
            computed(
                Type::list(Type::object([("id", Type::String), ("hourly", Type::Number), ("monthly", Type::Number)])),
                "Prices in regions that differ from the default.",
            ),
        )
        .attr("transfer", computed(Type::Number, "The monthly outbound transfer included, in GB."))
}

#[derive(Serialize, Deserialize, Default)]
pub(crate) struct TypesModel {
    id: Val<String>,
    filter: Vec<FilterModel>,
    order_by: Val<String>,
    order: Val<String>,
    types: Val<Vec<PricedTypeModel>>,
}

/// `data "linode_lke_types"`.
pub(crate) struct TypesDataSource;

#[async_trait]
impl TypedDataSource for TypesDataSource {
    type Model = TypesModel;
    type Data = LinodeState;

    fn type_name(&self) -> &str {
        "linode_lke_types"
    }

    fn schema(&self) -> Schema {
        FILTERABLE.schema(
            Schema::new()
                .description("Lists the LKE service types (control plane plans) with their prices.")
                .attr("types", Attribute::list_nested(priced_type_schema()).computed().description("The LKE types.")),
        )
    }

    async fn validate(&self, config: &TypesModel, diags: &mut Diagnostics) {
        Query::new(&config.filter, &config.order_by, &config.order).validate(diags);
    }

    async fn read(&self, req: DataRead<'_, TypesModel, LinodeState>, diags: &mut Diagnostics) -> Option<TypesModel> {
        let mut m = req.config;
        let query = Query::new(&m.filter, &m.order_by, &m.order);
        let params = ListParams::new().page_size(500).filter(query.api_filter(&FILTERABLE));
        let types = match req.data.client.lke().list_types(&params).await {
            Ok(p) => p.data,
            Err(e) => {
                common::api_error_plain(diags, "Unable to list LKE types", &e);
                return None;
            }
        };
        let types = query.apply(types.into_iter().map(PricedTypeModel::from).collect(), diags);
        m.id = Val::Known(query.id());
        m.types = Val::Known(types);
        Some(m)
    }
}
