//! `data "linode_vpc_ips"`: the addresses in use in every VPC, or in one (`vpc_id`), narrowed
//! by `filter` blocks.

use futures::TryStreamExt;
use linode_sdk::ListParams;
use linode_sdk::models::vpcs::VpcIp;
use serde::{Deserialize, Serialize};
use tfplugin::schema::{Attribute, Schema};
use tfplugin::typed::{DataRead, TypedDataSource};
use tfplugin::{Diagnostics, Val, async_trait};

use crate::LinodeState;
use crate::common::{
    self,
    filter::{FilterModel, Filterable, Query},
};

/// What `filter` may name (as the official `filterConfig`); the API filters regions here.
static FILTERABLE: Filterable = Filterable {
    fields: &[
        "active",
        "config_id",
        "linode_id",
        "region",
        "vpc_id",
        "ipv6_range",
        "ipv6_is_public",
    ],
    api: &["region"],
    ordered: false,
};

/// The data source.
pub(crate) struct IpsDataSource;

/// One IPv6 address of an interface (`ipv6_addresses`).
#[derive(Serialize, Deserialize, Clone, Debug)]
struct SlaacModel {
    slaac_address: String,
}

/// One address of the list.
#[derive(Serialize, Deserialize, Clone, Debug)]
struct ListedIp {
    address: Option<String>,
    address_range: Option<String>,
    gateway: Option<String>,
    linode_id: Option<i64>,
    prefix: Option<i64>,
    region: String,
    subnet_mask: Option<String>,
    nat_1_1: Option<String>,
    subnet_id: i64,
    config_id: Option<i64>,
    interface_id: Option<i64>,
    vpc_id: i64,
    active: bool,
    ipv6_range: Option<String>,
    ipv6_is_public: Option<bool>,
    ipv6_addresses: Vec<SlaacModel>,
}

impl From<&VpcIp> for ListedIp {
    fn from(ip: &VpcIp) -> ListedIp {
        let id = |v: Option<u64>| v.map(|n| n as i64);
        ListedIp {
            address: ip.address.clone(),
            address_range: ip.address_range.clone(),
            gateway: ip.gateway.clone(),
            linode_id: id(ip.linode_id),
            prefix: ip.prefix.map(i64::from),
            region: ip.region.clone(),
            subnet_mask: ip.subnet_mask.clone(),
            nat_1_1: ip.nat_1_1.clone(),
            subnet_id: ip.subnet_id as i64,
            config_id: id(ip.config_id),
            interface_id: id(ip.interface_id),
            vpc_id: ip.vpc_id as i64,
            active: ip.active,
            ipv6_range: None,
            ipv6_is_public: None,
            ipv6_addresses: vec![],
        }
    }
}

#[derive(Serialize, Deserialize)]
pub(crate) struct IpsModel {
    id: Val<String>,
    vpc_id: Val<i64>,
    ipv6: Val<bool>,
    filter: Vec<FilterModel>,
    vpc_ips: Val<Vec<ListedIp>>,
}

fn element_schema() -> Schema {
    let string = |d: &str| Attribute::string().computed().description(d);
    let number = |d: &str| Attribute::number().computed().description(d);
    Schema::new()
        .attr("address", string("The address (a Linode interface's)."))
        .attr(
            "address_range",
            string("The address range (a NodeBalancer's, or a routed range)."),
        )
        .attr("gateway", string("The subnet's gateway."))
        .attr("linode_id", number("The Linode of the interface."))
        .attr("prefix", number("The subnet's prefix length."))
        .attr("region", string("The region."))
        .attr("subnet_mask", string("The subnet's netmask."))
        .attr(
            "nat_1_1",
            string("The public address mapped 1:1 to this one, if any."),
        )
        .attr("subnet_id", number("The ID of the subnet."))
        .attr(
            "config_id",
            number("The configuration profile of a legacy interface."),
        )
        .attr("interface_id", number("The ID of the interface."))
        .attr("vpc_id", number("The ID of the VPC."))
        .attr(
            "active",
            Attribute::bool()
                .computed()
                .description("Whether a running interface uses the address."),
        )
        .attr("ipv6_range", string("The IPv6 range (IPv6 VPCs)."))
        .attr(
            "ipv6_is_public",
            Attribute::bool()
                .computed()
                .description("Whether the IPv6 range is public (IPv6 VPCs)."),
        )
        .attr(
            "ipv6_addresses",
            Attribute::set_nested(Schema::new().attr("slaac_address", string("A SLAAC address.")))
                .computed()
                .description("The IPv6 addresses of the interface (IPv6 VPCs)."),
        )
}

#[async_trait]
impl TypedDataSource for IpsDataSource {
    type Model = IpsModel;
    type Data = LinodeState;

    fn type_name(&self) -> &str {
        "linode_vpc_ips"
    }

    fn schema(&self) -> Schema {
        FILTERABLE.schema(
            Schema::new()
                .description(
                    "The addresses in use in VPCs (Linode interfaces, NodeBalancer ranges): in one VPC with `vpc_id`, \
                     else in every VPC; optionally narrowed by `filter` blocks. Filterable fields: active, config_id, \
                     linode_id, region, vpc_id, ipv6_range, ipv6_is_public.",
                )
                .attr("vpc_id", Attribute::number().optional().description("Only the addresses of this VPC."))
                .attr(
                    "ipv6",
                    Attribute::bool()
                        .optional()
                        .description("List IPv6 addresses instead of IPv4 ones. Not supported by this provider yet: `true` is an error."),
                )
                .attr("vpc_ips", Attribute::list_nested(element_schema()).computed().description("The addresses that match.")),
        )
    }

    async fn validate(&self, config: &IpsModel, diags: &mut Diagnostics) {
        Query::new(&config.filter, &Val::Null, &Val::Null).validate(diags);
        if config.ipv6.get() == Some(&true) {
            diags.error_at(
                "ipv6",
                "IPv6 VPC addresses are not supported yet",
                "This provider lists IPv4 VPC addresses only; remove `ipv6`.",
            );
        }
    }

    async fn read(
        &self,
        req: DataRead<'_, IpsModel, LinodeState>,
        diags: &mut Diagnostics,
    ) -> Option<IpsModel> {
        let (state, mut m) = (req.data, req.config);
        let query = Query::new(&m.filter, &Val::Null, &Val::Null);
        let params = ListParams::new()
            .page_size(500)
            .filter(query.api_filter(&FILTERABLE));
        let api = state.client.vpcs();
        let listing = match m.vpc_id.get().map(|v| u64::try_from(*v)) {
            Some(Ok(vpc)) => api.list_all_vpc_ips(vpc, params),
            Some(Err(_)) => {
                diags.error_at("vpc_id", "Invalid VPC ID", "vpc_id must be a VPC's ID.");
                return None;
            }
            None => api.list_all_ips(params),
        };
        let ips: Vec<VpcIp> = match listing.try_collect().await {
            Ok(i) => i,
            Err(e) => {
                common::api_error_plain(diags, "Unable to list VPC addresses", &e);
                return None;
            }
        };
        let items: Vec<ListedIp> = ips.iter().map(ListedIp::from).collect();
        m.vpc_ips = Val::Known(query.apply(items, diags));
        let scope = m
            .vpc_id
            .get()
            .map_or_else(|| "all".to_string(), i64::to_string);
        m.id = Val::Known(format!("{scope}-{}", query.id()));
        Some(m)
    }
}
