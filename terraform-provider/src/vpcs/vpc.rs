//! `linode_vpc`: a VPC. Its subnets are `linode_vpc_subnet` resources.

use linode_sdk::models::vpcs::{CreateVpc, UpdateVpc, Vpc};
use linode_sdk::{Filter, ListParams};
use serde::{Deserialize, Serialize};
use tfplugin::resource::{ImportRequest, ImportResponse};
use tfplugin::schema::{Attribute, Schema};
use tfplugin::typed::{Applied, Create, Read, Refreshed, TypedResource, Update};
use tfplugin::{Diagnostics, Val, async_trait, validators};

use super::label_validator;
use crate::regions::KnownRegion;
use crate::{LinodeState, common};

/// `linode_vpc`.
pub(crate) struct VpcResource;

/// One element of `ipv6` (an IPv6 range of the VPC).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub(crate) struct Ipv6Model {
    range: Val<String>,
    allocated_range: Val<String>,
    allocation_class: Val<String>,
}

#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub(crate) struct VpcModel {
    id: Val<String>,
    label: Val<String>,
    region: Val<String>,
    description: Val<String>,
    ipv6: Val<Vec<Ipv6Model>>,
    created: Val<String>,
    updated: Val<String>,
}

impl VpcModel {
    fn from_api(v: &Vpc) -> VpcModel {
        VpcModel {
            id: Val::Known(v.id.to_string()),
            label: Val::Known(v.label.clone()),
            region: Val::Known(v.region.clone()),
            description: Val::Known(v.description.clone()),
            // IPv6 VPCs are not offered by this provider yet (see `validate`): none to show.
            ipv6: Val::Null,
            created: Val::Known(common::api_time(&v.created)),
            updated: Val::Known(common::api_time(v.updated.as_deref().unwrap_or(&v.created))),
        }
    }
}

fn vpc_id(m: &VpcModel, diags: &mut Diagnostics) -> Option<u64> {
    common::parse_id(m.id.get().map_or("", String::as_str), "id", diags)
}

#[async_trait]
impl TypedResource for VpcResource {
    type Model = VpcModel;
    type Data = LinodeState;

    fn type_name(&self) -> &str {
        "linode_vpc"
    }

    fn schema(&self) -> Schema {
        let ipv6 = Schema::new()
            .attr(
                "range",
                Attribute::string()
                    .optional()
                    .description("The IPv6 range to assign, e.g. `/52` or `auto`."),
            )
            .attr(
                "allocated_range",
                Attribute::string()
                    .computed()
                    .description("The IPv6 range Linode allocated."),
            )
            .attr(
                "allocation_class",
                Attribute::string()
                    .optional()
                    .write_only()
                    .description("The class of the IPv6 range to allocate."),
            );
        Schema::new()
            .description("A Linode VPC: a private network in one region. Add subnets with `linode_vpc_subnet`.")
            .attr("id", Attribute::string().computed().use_state_for_unknown().description("The ID of the VPC."))
            .attr(
                "label",
                Attribute::string()
                    .required()
                    .validate(label_validator())
                    .description("The label (1-64 ASCII letters, digits, `-` and `_`; unique on the account)."),
            )
            .attr(
                "region",
                Attribute::string()
                    .required()
                    .requires_replace()
                    .validate_with_data(KnownRegion(Some("VPCs")))
                    .description("The region (one offering VPCs). Changing it replaces the VPC."),
            )
            .attr(
                "description",
                Attribute::string()
                    .optional()
                    .computed()
                    .use_state_for_unknown()
                    .validate(validators::length_between(0, 255))
                    .description("A description (at most 255 characters)."),
            )
            .attr(
                "ipv6",
                Attribute::list_nested(ipv6)
                    .optional()
                    .requires_replace()
                    .description("IPv6 ranges of the VPC. Not supported by this provider yet: setting it is an error."),
            )
            .attr(
                "created",
                Attribute::string().computed().use_state_for_unknown().description("When the VPC was created (RFC 3339)."),
            )
            .attr("updated", Attribute::string().computed().description("When the VPC was last updated (RFC 3339)."))
    }

    async fn validate(&self, config: &VpcModel, diags: &mut Diagnostics) {
        if !config.ipv6.is_null() {
            diags.error_at(
                "ipv6",
                "IPv6 VPCs are not supported yet",
                "This provider does not create IPv6 VPCs yet; remove `ipv6`.",
            );
        }
    }

    async fn create(&self, req: Create<'_, VpcModel, LinodeState>, resp: &mut Applied<VpcModel>) {
        let (state, m) = (req.data, req.plan);
        let diags = &mut resp.diagnostics;
        let label = m.label.get().cloned().unwrap_or_default();
        let body = CreateVpc {
            label: label.clone(),
            region: m.region.get().cloned().unwrap_or_default(),
            description: m.description.get().cloned(),
            subnets: None,
        };
        let api = state.client.vpcs();
        // VPC labels are unique per account: after an ambiguous failure, look for it by label.
        let find = || async {
            let page = api
                .list(&ListParams::new().filter(Filter::new().eq("label", label.clone())))
                .await?;
            Ok(page.data.into_iter().filter(|v| v.label == label).collect())
        };
        let ownership = common::Ownership::Ids(|v: &Vpc| v.id);
        match common::create_once(
            req.op.ctx,
            &state.client,
            "VPC",
            ownership,
            || api.create(&body),
            find,
        )
        .await
        {
            Ok(v) => {
                tracing::info!(vpc_id = v.id, "VPC created");
                resp.set(VpcModel::from_api(&v));
            }
            Err(e) => common::api_error(diags, "Unable to create the VPC", &e, |f| {
                req.op.field_path(f)
            }),
        }
    }

    async fn read(&self, req: Read<'_, VpcModel, LinodeState>, resp: &mut Refreshed<VpcModel>) {
        let Some(id) = vpc_id(&req.state, &mut resp.diagnostics) else {
            return;
        };
        match req.data.client.vpcs().get_opt(id).await {
            Ok(Some(v)) => resp.set(VpcModel::from_api(&v)),
            Ok(None) => resp.remove(),
            Err(e) => common::api_error_plain(
                &mut resp.diagnostics,
                &format!("Unable to read VPC {id}"),
                &e,
            ),
        }
    }

    async fn update(&self, req: Update<'_, VpcModel, LinodeState>, resp: &mut Applied<VpcModel>) {
        let (state, m, prior) = (req.data, req.plan, req.prior);
        let diags = &mut resp.diagnostics;
        let Some(id) = vpc_id(&prior, diags) else {
            return;
        };
        let put = UpdateVpc {
            label: (m.label != prior.label)
                .then(|| m.label.get().cloned())
                .flatten(),
            description: (m.description != prior.description)
                .then(|| m.description.get().cloned().unwrap_or_default()),
        };
        let result = if put == UpdateVpc::default() {
            state.client.vpcs().get(id).await
        } else {
            state.client.vpcs().update(id, &put).await
        };
        match result {
            Ok(v) => resp.set(VpcModel::from_api(&v)),
            Err(e) => common::api_error(diags, &format!("Unable to update VPC {id}"), &e, |f| {
                req.op.field_path(f)
            }),
        }
    }

    async fn delete(&self, req: Read<'_, VpcModel, LinodeState>, diags: &mut Diagnostics) {
        let Some(id) = vpc_id(&req.state, diags) else {
            return;
        };
        match req.data.client.vpcs().delete(id).await {
            Ok(()) => tracing::info!(vpc_id = id, "VPC deleted"),
            Err(e) if e.is_not_found() => {}
            Err(e) => common::api_error_plain(diags, &format!("Unable to delete VPC {id}"), &e),
        }
    }

    async fn import(&self, _state: &LinodeState, req: ImportRequest, resp: &mut ImportResponse) {
        match req.id.trim().parse::<u64>() {
            Ok(id) => resp.set_attr("id", id.to_string()),
            Err(_) => resp.diagnostics.error(
                "Invalid import ID",
                format!("Expected a numeric VPC ID, got {:?}.", req.id),
            ),
        }
    }
}
