//! `data "linode_domains"`: the account's domains, narrowed by `filter` blocks and ordered.

use futures::TryStreamExt;
use linode_sdk::ListParams;
use linode_sdk::models::domains::Domain;
use serde::{Deserialize, Serialize};
use tfplugin::schema::{Attribute, Schema};
use tfplugin::typed::{DataRead, TypedDataSource};
use tfplugin::{Diagnostics, Val, async_trait};

use super::domain::{DomainDataModel, domain_schema};
use crate::common::filter::{FilterModel, Filterable, Query};
use crate::{LinodeState, common};

/// What `filter` and `order_by` may name (the official filterConfig); the API filters on
/// `domain`, `group` and `tags`.
static FILTERABLE: Filterable = Filterable {
    fields: &[
        "axfr_ips",
        "description",
        "domain",
        "expire_sec",
        "group",
        "master_ips",
        "refresh_sec",
        "retry_sec",
        "soa_email",
        "status",
        "tags",
        "ttl_sec",
        "type",
    ],
    api: &["domain", "group", "tags"],
    ordered: true,
};

/// The data source.
pub(crate) struct DomainsDataSource;

#[derive(Serialize, Deserialize, Default)]
pub(crate) struct DomainsModel {
    id: Val<String>,
    order_by: Val<String>,
    order: Val<String>,
    filter: Vec<FilterModel>,
    domains: Val<Vec<DomainDataModel>>,
}

#[async_trait]
impl TypedDataSource for DomainsDataSource {
    type Model = DomainsModel;
    type Data = LinodeState;

    fn type_name(&self) -> &str {
        "linode_domains"
    }

    fn schema(&self) -> Schema {
        FILTERABLE.schema(
            Schema::new()
                .description(
                    "The account's domains, optionally narrowed by `filter` blocks (every filter must match; within \
                     one filter any value may match) and ordered by `order_by`. Exact filters on `domain`, `group` \
                     and `tags` are sent to the API: the listing is one paginated request.",
                )
                .attr("domains", Attribute::list_nested(domain_schema(false)).computed().description("The domains that match.")),
        )
    }

    async fn validate(&self, config: &DomainsModel, diags: &mut Diagnostics) {
        Query::new(&config.filter, &config.order_by, &config.order).validate(diags);
    }

    async fn read(
        &self,
        req: DataRead<'_, DomainsModel, LinodeState>,
        diags: &mut Diagnostics,
    ) -> Option<DomainsModel> {
        let (state, mut m) = (req.data, req.config);
        let query = Query::new(&m.filter, &m.order_by, &m.order);
        let params = ListParams::new()
            .page_size(500)
            .filter(query.api_filter(&FILTERABLE));
        let domains: Vec<Domain> = match state.client.domains().list_all(params).try_collect().await
        {
            Ok(d) => d,
            Err(e) => {
                common::api_error_plain(diags, "Unable to list domains", &e);
                return None;
            }
        };
        let models: Vec<DomainDataModel> = domains.iter().map(DomainDataModel::from).collect();
        let domains = query.apply(models, diags);
        m.id = Val::Known(query.id());
        m.domains = Val::Known(domains);
        Some(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(name: &str, values: &[&str], match_by: Option<&str>) -> FilterModel {
        FilterModel {
            name: name.into(),
            values: values.iter().map(|v| v.to_string()).collect(),
            match_by: match_by.map(str::to_string).into(),
        }
    }

    #[test]
    fn exact_filters_on_domain_group_and_tags_go_to_the_api() {
        let filters = [
            filter("tags", &["prod"], None),
            filter("domain", &["example"], Some("substring")),
            filter("type", &["master"], None),
            filter("group", &["web", "mail"], Some("exact")),
        ];
        let (order_by, order) = (
            Val::Known("domain".to_string()),
            Val::Known("desc".to_string()),
        );
        let x = Query::new(&filters, &order_by, &order)
            .api_filter(&FILTERABLE)
            .to_value();
        assert_eq!(
            x,
            serde_json::json!({
                "+and": [{"tags": "prod"}, {"+or": [{"group": "web"}, {"group": "mail"}]}],
                "+order_by": "domain", "+order": "desc"
            }),
            "substring filters and fields the API cannot filter stay client-side"
        );
    }
}
