//! Data source `linode_object_storage_endpoints`.

use serde::{Deserialize, Serialize};
use tfplugin::data_source::{DataSourceReadRequest, DataSourceReadResponse};
use tfplugin::schema::{Attribute, Block, Schema};
use tfplugin::{AttributePath, DataSource, Type, Val, async_trait, validators};

use crate::object_storage::list_endpoints;
use crate::common;

/// The data source.
pub struct EndpointsDataSource;

const FIELDS: &[&str] = &["endpoint_type", "region", "s3_endpoint"];

#[derive(Serialize, Deserialize, Default)]
struct EndpointsData {
    id: Val<String>,
    #[serde(default)]
    filter: Vec<Filter>,
    endpoints: Val<Vec<Endpoint>>,
}

#[derive(Serialize, Deserialize, Default, Clone)]
struct Filter {
    name: Val<String>,
    values: Val<Vec<String>>,
    match_by: Val<String>,
}

#[derive(Serialize, Deserialize, Default, Clone)]
struct Endpoint {
    region: Val<String>,
    endpoint_type: Val<String>,
    s3_endpoint: Val<String>,
}

impl Endpoint {
    fn field(&self, name: &str) -> Option<&str> {
        match name {
            "region" => self.region.get(),
            "endpoint_type" => self.endpoint_type.get(),
            "s3_endpoint" => self.s3_endpoint.get(),
            _ => None,
        }
        .map(String::as_str)
    }
}

/// Whether `value` matches one of `values` by `match_by` (exact, substring or re).
fn matches(value: &str, values: &[String], match_by: &str) -> Result<bool, String> {
    for v in values {
        let hit = match match_by {
            "substring" => value.contains(v.as_str()),
            "re" => regex::Regex::new(v).map_err(|e| format!("Invalid regular expression {v:?}: {e}"))?.is_match(value),
            _ => value == v,
        };
        if hit {
            return Ok(true);
        }
    }
    Ok(false)
}

#[async_trait]
impl DataSource for EndpointsDataSource {
    fn type_name(&self) -> &str {
        "linode_object_storage_endpoints"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .description("Object Storage S3 endpoints, one per region and endpoint type, optionally filtered.")
            .attr("id", Attribute::string().computed().description("An id for this result."))
            .attr(
                "endpoints",
                Attribute::list(Type::object([
                    ("region", Type::String),
                    ("endpoint_type", Type::String),
                    ("s3_endpoint", Type::String),
                ]))
                .computed()
                .description("The matching endpoints: region, endpoint_type (E0-E3) and s3_endpoint."),
            )
            .block(
                "filter",
                Block::set(
                    Schema::new()
                        .description("Keeps endpoints whose field matches one of the values (all filters must match).")
                        .attr(
                            "name",
                            Attribute::string()
                                .required()
                                .validate(validators::one_of(FIELDS))
                                .description("The field: endpoint_type, region or s3_endpoint."),
                        )
                        .attr("values", Attribute::list(Type::String).required().description("Values to match (any of them)."))
                        .attr(
                            "match_by",
                            Attribute::string()
                                .optional()
                                .validate(validators::one_of(&["exact", "substring", "re"]))
                                .description("How to match: exact (default), substring or re."),
                        ),
                ),
            )
    }

    async fn read(&self, req: DataSourceReadRequest, resp: &mut DataSourceReadResponse) {
        let diags = &mut resp.diagnostics;
        let Some(state) = common::state(&req.ctx, diags) else { return };
        let Some(mut m) = req.config_as::<EndpointsData>(diags) else { return };
        let all = match list_endpoints(&state.client).await {
            Ok(e) => e,
            Err(e) => {
                common::api_error_plain(diags, "Unable to list Object Storage endpoints", &e);
                return;
            }
        };
        let mut out = Vec::new();
        'endpoints: for e in &all {
            let ep = Endpoint {
                region: Val::Known(e.region.clone()),
                endpoint_type: serde_json::to_value(&e.endpoint_type)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .into(),
                s3_endpoint: e.s3_endpoint.clone().into(),
            };
            for f in &m.filter {
                let name = f.name.get().map(String::as_str).unwrap_or_default();
                let values = f.values.get().cloned().unwrap_or_default();
                let by = f.match_by.get().map(String::as_str).unwrap_or("exact");
                match matches(ep.field(name).unwrap_or_default(), &values, by) {
                    Ok(true) => {}
                    Ok(false) => continue 'endpoints,
                    Err(msg) => {
                        diags.error_at(AttributePath::new("filter"), "Invalid filter", msg);
                        return;
                    }
                }
            }
            out.push(ep);
        }
        m.id = Val::Known(format!("endpoints-{}", out.len()));
        m.endpoints = Val::Known(out);
        resp.set_state(&m);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn filters_match_by_mode() {
        let v = vec!["us-".to_string()];
        assert!(super::matches("us-east", &v, "substring").unwrap());
        assert!(!super::matches("us-east", &v, "exact").unwrap());
        assert!(super::matches("us-east", &["^us-e".to_string()], "re").unwrap());
        assert!(super::matches("x", &["(".to_string()], "re").is_err());
    }
}
