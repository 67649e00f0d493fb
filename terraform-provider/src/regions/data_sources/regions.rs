//! `data "linode_regions"`: the regions, optionally narrowed by `filter` blocks applied
//! client-side (as the official plural data sources do for fields the API cannot filter).

use linode_sdk::models::regions::Region;
use regex::Regex;
use serde::{Deserialize, Serialize};
use tfplugin::data_source::{DataSourceReadRequest, DataSourceReadResponse};
use tfplugin::resource::ValidateRequest;
use tfplugin::schema::{Attribute, Block, Schema};
use tfplugin::{AttributePath, DataSource, Diagnostics, Type, Val, Value, async_trait, validators};

use crate::common;

/// Fields a filter may name.
const FILTERABLE: &[&str] = &["capabilities", "country", "id", "label", "site_type", "status"];

/// The data source.
pub struct RegionsDataSource;

#[derive(Serialize, Deserialize, Clone, Debug, Default)]
struct FilterModel {
    name: String,
    values: Vec<String>,
    match_by: Val<String>,
}

#[derive(Serialize, Deserialize, Clone, Debug, Default)]
struct ResolversModel {
    ipv4: String,
    ipv6: String,
}

#[derive(Serialize, Deserialize, Clone, Debug, Default)]
struct RegionModel {
    id: String,
    label: String,
    country: String,
    capabilities: Vec<String>,
    status: String,
    site_type: String,
    resolvers: Vec<ResolversModel>,
}

#[derive(Serialize, Deserialize, Default)]
struct RegionsModel {
    id: Val<String>,
    filter: Vec<FilterModel>,
    regions: Vec<RegionModel>,
}

impl From<&Region> for RegionModel {
    fn from(r: &Region) -> Self {
        RegionModel {
            id: r.id.clone(),
            label: r.label.clone(),
            country: r.country.clone(),
            capabilities: r.capabilities.clone(),
            status: r.status.as_str().to_string(),
            site_type: r.site_type.clone().unwrap_or_default(),
            resolvers: vec![ResolversModel { ipv4: r.resolvers.ipv4.clone(), ipv6: r.resolvers.ipv6.clone() }],
        }
    }
}

/// A filter, ready to match.
struct Matcher {
    field: String,
    how: How,
}

enum How {
    Exact(Vec<String>),
    Substring(Vec<String>),
    Regex(Vec<Regex>),
}

impl Matcher {
    fn new(f: &FilterModel, path: AttributePath, diags: &mut Diagnostics) -> Option<Matcher> {
        let how = match f.match_by.get().map_or("exact", String::as_str) {
            "exact" => How::Exact(f.values.clone()),
            "substring" | "sub" => How::Substring(f.values.clone()),
            "re" => {
                let mut res = Vec::new();
                for v in &f.values {
                    match Regex::new(v) {
                        Ok(re) => res.push(re),
                        Err(e) => {
                            diags.error_at(path.clone().attr("values"), "Invalid regular expression", e.to_string());
                            return None;
                        }
                    }
                }
                How::Regex(res)
            }
            other => {
                diags.error_at(path.attr("match_by"), "Invalid match_by", format!("{other:?} is not exact, substring or re."));
                return None;
            }
        };
        Some(Matcher { field: f.name.clone(), how })
    }

    /// Whether any of the region's values for the field matches any filter value.
    fn matches(&self, r: &Region) -> bool {
        let single;
        let values: &[String] = match self.field.as_str() {
            "capabilities" => &r.capabilities,
            "country" => std::slice::from_ref(&r.country),
            "id" => std::slice::from_ref(&r.id),
            "label" => std::slice::from_ref(&r.label),
            "site_type" => {
                single = [r.site_type.clone().unwrap_or_default()];
                &single
            }
            "status" => {
                single = [r.status.as_str().to_string()];
                &single
            }
            _ => return false,
        };
        values.iter().any(|v| match &self.how {
            How::Exact(want) => want.iter().any(|w| w == v),
            How::Substring(want) => want.iter().any(|w| v.contains(w.as_str())),
            How::Regex(want) => want.iter().any(|re| re.is_match(v)),
        })
    }
}

/// A stable identifier for a set of filters (FNV-1a of their canonical form).
fn filters_id(filters: &[FilterModel]) -> String {
    let mut parts: Vec<String> = filters
        .iter()
        .map(|f| {
            let mut values = f.values.clone();
            values.sort();
            format!("{}={}:{}", f.name, f.match_by.get().map_or("exact", String::as_str), values.join(","))
        })
        .collect();
    parts.sort();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in parts.join(";").bytes() {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}

#[async_trait]
impl DataSource for RegionsDataSource {
    fn type_name(&self) -> &str {
        "linode_regions"
    }

    fn schema(&self) -> Schema {
        let string = |text: &str| Attribute::string().computed().description(text);
        Schema::new()
            .description(
                "The Linode regions, optionally narrowed by `filter` blocks (every filter must match; within one \
                 filter any value may match). Filterable fields: capabilities, country, id, label, site_type, status.",
            )
            .attr("id", string("An identifier of this set of filters."))
            .block(
                "filter",
                Block::set(
                    Schema::new()
                        .attr(
                            "name",
                            Attribute::string()
                                .required()
                                .validate(validators::one_of(FILTERABLE))
                                .description("The field to filter on: capabilities, country, id, label, site_type or status."),
                        )
                        .attr(
                            "values",
                            Attribute::set(Type::String)
                                .required()
                                .description("The values to match; a region matches when any of them matches."),
                        )
                        .attr(
                            "match_by",
                            Attribute::string()
                                .optional()
                                .validate(validators::one_of(&["exact", "substring", "sub", "re"]))
                                .description("How values match: `exact` (the default), `substring` or `re` (a regular expression)."),
                        ),
                ),
            )
            .block(
                "regions",
                Block::list(
                    Schema::new()
                        .attr("id", string("The region's ID, e.g. `us-east`."))
                        .attr("label", string("The region's name, e.g. `Newark, NJ`."))
                        .attr("country", string("The region's country code."))
                        .attr(
                            "capabilities",
                            Attribute::set(Type::String)
                                .computed()
                                .description("What the region offers, e.g. `Kubernetes`, `NodeBalancers`, `Object Storage`."),
                        )
                        .attr("status", string("`ok` or `outage`."))
                        .attr("site_type", string("`core` or `distributed`."))
                        .block(
                            "resolvers",
                            Block::list(
                                Schema::new()
                                    .attr("ipv4", string("The IPv4 DNS resolvers (comma separated)."))
                                    .attr("ipv6", string("The IPv6 DNS resolvers (comma separated).")),
                            ),
                        ),
                ),
            )
    }

    async fn validate(&self, req: &ValidateRequest, diags: &mut Diagnostics) {
        let Some(filters) = req.config.get("filter").and_then(Value::as_elements) else { return };
        for f in filters {
            if f.get("match_by").and_then(Value::as_str) == Some("re")
                && let Some(values) = f.get("values").and_then(Value::as_elements)
            {
                for v in values.iter().filter_map(Value::as_str) {
                    if let Err(e) = Regex::new(v) {
                        diags.error_at(
                            AttributePath::new("filter").element(f.clone()).attr("values"),
                            "Invalid regular expression",
                            e.to_string(),
                        );
                    }
                }
            }
        }
    }

    async fn read(&self, req: DataSourceReadRequest, resp: &mut DataSourceReadResponse) {
        let diags = &mut resp.diagnostics;
        let (Some(st), Some(mut m)) = (common::state(&req.ctx, diags), req.config_as::<RegionsModel>(diags)) else {
            return;
        };
        let mut matchers = Vec::new();
        for f in &m.filter {
            let path = AttributePath::new("filter");
            match Matcher::new(f, path, diags) {
                Some(matcher) => matchers.push(matcher),
                None => return,
            }
        }
        let regions = match st.catalog.regions(&st.client).await {
            Ok(r) => r,
            Err(e) => return common::api_error_plain(diags, "Unable to list Linode regions", &e),
        };
        m.regions =
            regions.iter().filter(|r| matchers.iter().all(|f| f.matches(r))).map(RegionModel::from).collect();
        m.id = Val::Known(filters_id(&m.filter));
        resp.set_state(&m);
    }
}
