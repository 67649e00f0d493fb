//! `linode_vpc_subnet`: a subnet of a VPC. Its range is checked at plan time with Linode's
//! rules, including "no overlap with another subnet of the VPC".

use linode_sdk::models::vpcs::{CreateVpcSubnet, UpdateVpcSubnet, VpcSubnet};
use serde::{Deserialize, Serialize};
use tfplugin::resource::{ImportRequest, ImportResponse};
use tfplugin::schema::{Attribute, Schema};
use tfplugin::typed::{Applied, Create, Read, Refreshed, TypedResource, Update};
use tfplugin::{Diagnostics, Val, Value, async_trait};

use super::{
    NoOverlap, SubnetLinodeModel, SubnetUserModel, SubnetView, label_validator, linodes_type,
    list_subnets, range_validator, users_type,
};
use crate::{LinodeState, common};

/// `linode_vpc_subnet`.
pub(crate) struct SubnetResource;

/// One element of `ipv6`.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub(crate) struct SubnetIpv6Model {
    range: Val<String>,
    allocated_range: Val<String>,
}

#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub(crate) struct SubnetModel {
    id: Val<String>,
    vpc_id: Val<i64>,
    label: Val<String>,
    ipv4: Val<String>,
    ipv6: Val<Vec<SubnetIpv6Model>>,
    created: Val<String>,
    updated: Val<String>,
    linodes: Val<Vec<SubnetLinodeModel>>,
    databases: Val<Vec<SubnetUserModel>>,
    nodebalancers: Val<Vec<SubnetUserModel>>,
}

impl SubnetModel {
    fn from_api(vpc_id: u64, s: &VpcSubnet) -> SubnetModel {
        let v = SubnetView::from(s);
        SubnetModel {
            id: Val::Known(v.id.to_string()),
            vpc_id: Val::Known(vpc_id as i64),
            label: Val::Known(v.label),
            ipv4: v.ipv4.into(),
            // IPv6 subnets are not offered by this provider yet (see `validate`).
            ipv6: Val::Null,
            created: Val::Known(v.created),
            updated: Val::Known(v.updated),
            linodes: Val::Known(v.linodes),
            databases: Val::Known(v.databases),
            nodebalancers: Val::Known(v.nodebalancers),
        }
    }
}

fn ids(m: &SubnetModel, diags: &mut Diagnostics) -> Option<(u64, u64)> {
    let Some(vpc) = m.vpc_id.get().and_then(|v| u64::try_from(*v).ok()) else {
        diags.error_at("vpc_id", "Invalid VPC ID", "The subnet has no VPC ID.");
        return None;
    };
    let id = common::parse_id(m.id.get().map_or("", String::as_str), "id", diags)?;
    Some((vpc, id))
}

#[async_trait]
impl TypedResource for SubnetResource {
    type Model = SubnetModel;
    type Data = LinodeState;

    fn type_name(&self) -> &str {
        "linode_vpc_subnet"
    }

    fn schema(&self) -> Schema {
        let ipv6 = Schema::new()
            .attr(
                "range",
                Attribute::string()
                    .optional()
                    .computed()
                    .description("The IPv6 range to assign."),
            )
            .attr(
                "allocated_range",
                Attribute::string()
                    .computed()
                    .description("The IPv6 range Linode allocated."),
            );
        let computed = |ty, d: &str| Attribute::of(ty).computed().description(d);
        Schema::new()
            .description(
                "A subnet of a VPC. Its IPv4 range must be private (RFC 1918), in canonical CIDR form with a prefix of /1 \
                 to /29, outside 192.168.128.0/17, and must not overlap another subnet of the VPC: all checked at plan time.",
            )
            .attr("id", Attribute::string().computed().use_state_for_unknown().description("The ID of the subnet."))
            .attr("vpc_id", Attribute::number().required().requires_replace().description("The ID of the VPC."))
            .attr(
                "label",
                Attribute::string()
                    .required()
                    .validate(label_validator())
                    .description("The label (1-64 ASCII letters, digits, `-` and `_`; unique in the VPC)."),
            )
            .attr(
                "ipv4",
                Attribute::string()
                    .optional()
                    .requires_replace()
                    .validate(range_validator())
                    .validate_with_data(NoOverlap)
                    .description("The IPv4 range, e.g. `10.0.1.0/24`. Changing it replaces the subnet."),
            )
            .attr(
                "ipv6",
                Attribute::list_nested(ipv6)
                    .optional()
                    .requires_replace()
                    .description("IPv6 ranges of the subnet. Not supported by this provider yet: setting it is an error."),
            )
            .attr(
                "created",
                Attribute::string().computed().use_state_for_unknown().description("When the subnet was created (RFC 3339)."),
            )
            .attr("updated", Attribute::string().computed().description("When the subnet was last updated (RFC 3339)."))
            .attr("linodes", computed(linodes_type(), "The Linodes with interfaces in the subnet: `id` and `interfaces`."))
            .attr("databases", computed(users_type(), "The Managed Databases using the subnet."))
            .attr("nodebalancers", computed(users_type(), "The NodeBalancers using the subnet: `id`, `ipv4_range`, `ipv6_ranges`."))
    }

    async fn validate(&self, config: &SubnetModel, diags: &mut Diagnostics) {
        if !config.ipv6.is_null() {
            diags.error_at(
                "ipv6",
                "IPv6 subnets are not supported yet",
                "This provider does not create IPv6 subnets yet; remove `ipv6`.",
            );
        } else if config.ipv4.is_null() {
            diags.error_at(
                "ipv4",
                "Missing subnet range",
                "Set `ipv4`, the subnet's IPv4 range (e.g. `10.0.1.0/24`).",
            );
        }
    }

    async fn create(
        &self,
        req: Create<'_, SubnetModel, LinodeState>,
        resp: &mut Applied<SubnetModel>,
    ) {
        let (state, m) = (req.data, req.plan);
        let diags = &mut resp.diagnostics;
        let Some(vpc_id) = m.vpc_id.get().and_then(|v| u64::try_from(*v).ok()) else {
            return diags.error_at("vpc_id", "Invalid VPC ID", "vpc_id must be a VPC's ID.");
        };
        let body = CreateVpcSubnet::new(
            m.label.get().cloned().unwrap_or_default(),
            m.ipv4.get().cloned().unwrap_or_default(),
        );
        // Subnet labels are unique in a VPC: after an ambiguous failure, look for it by label.
        let find = || async {
            Ok(list_subnets(state, vpc_id)
                .await?
                .into_iter()
                .filter(|s| s.label == body.label)
                .collect())
        };
        let ownership = common::Ownership::Ids(|s: &VpcSubnet| s.id);
        let api = state.client.vpcs();
        match common::create_once(
            req.op.ctx,
            &state.client,
            "VPC subnet",
            ownership,
            || api.create_subnet(vpc_id, &body),
            find,
        )
        .await
        {
            Ok(s) => {
                tracing::info!(vpc_id, subnet_id = s.id, "VPC subnet created");
                resp.set(SubnetModel::from_api(vpc_id, &s));
            }
            Err(e) if e.is_not_found() => diags.error_at(
                "vpc_id",
                "Unknown VPC",
                format!("VPC {vpc_id} does not exist."),
            ),
            Err(e) => common::api_error(
                diags,
                "Unable to create the VPC subnet",
                &e,
                common::same_name,
            ),
        }
    }

    async fn read(
        &self,
        req: Read<'_, SubnetModel, LinodeState>,
        resp: &mut Refreshed<SubnetModel>,
    ) {
        let Some((vpc_id, id)) = ids(&req.state, &mut resp.diagnostics) else {
            return;
        };
        match req.data.client.vpcs().get_subnet_opt(vpc_id, id).await {
            Ok(Some(s)) => resp.set(SubnetModel::from_api(vpc_id, &s)),
            Ok(None) => resp.remove(),
            Err(e) => common::api_error_plain(
                &mut resp.diagnostics,
                &format!("Unable to read VPC subnet {id}"),
                &e,
            ),
        }
    }

    async fn update(
        &self,
        req: Update<'_, SubnetModel, LinodeState>,
        resp: &mut Applied<SubnetModel>,
    ) {
        let (state, m, prior) = (req.data, req.plan, req.prior);
        let diags = &mut resp.diagnostics;
        let Some((vpc_id, id)) = ids(&prior, diags) else {
            return;
        };
        let api = state.client.vpcs();
        let result = match m.label.get().filter(|_| m.label != prior.label) {
            Some(label) => {
                api.update_subnet(
                    vpc_id,
                    id,
                    &UpdateVpcSubnet {
                        label: label.clone(),
                    },
                )
                .await
            }
            None => api.get_subnet(vpc_id, id).await,
        };
        match result {
            Ok(s) => resp.set(SubnetModel::from_api(vpc_id, &s)),
            Err(e) => common::api_error(
                diags,
                &format!("Unable to update VPC subnet {id}"),
                &e,
                common::same_name,
            ),
        }
    }

    async fn delete(&self, req: Read<'_, SubnetModel, LinodeState>, diags: &mut Diagnostics) {
        let Some((vpc_id, id)) = ids(&req.state, diags) else {
            return;
        };
        match req.data.client.vpcs().delete_subnet(vpc_id, id).await {
            Ok(()) => tracing::info!(vpc_id, subnet_id = id, "VPC subnet deleted"),
            Err(e) if e.is_not_found() => {}
            Err(e) => {
                common::api_error_plain(diags, &format!("Unable to delete VPC subnet {id}"), &e)
            }
        }
    }

    async fn import(&self, _state: &LinodeState, req: ImportRequest, resp: &mut ImportResponse) {
        let Some([vpc_id, id]) =
            common::parse_import_ids::<2>(&req.id, "<vpc_id>,<id>", &mut resp.diagnostics)
        else {
            return;
        };
        resp.set_attr("vpc_id", Value::from(vpc_id as i64));
        resp.set_attr("id", id.to_string());
    }
}
