//! The README's quick start: a complete provider, `hello`, with one resource, `hello_greeting`,
//! whose computed `message` greets its `name`. It keeps everything in Terraform's state.
//!
//! ```sh
//! cargo build -p tfplugin --example hello_provider   # then see the README: "Quick start"
//! ```

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tfplugin::resource::{
    ApplyResponse, CreateRequest, DeleteRequest, ReadRequest, ReadResponse, UpdateRequest,
};
use tfplugin::schema::{Attribute, Schema};
use tfplugin::{Diagnostics, Provider, Resource, ServeOptions, Val, async_trait};

struct HelloProvider;

#[async_trait]
impl Provider for HelloProvider {
    fn type_name(&self) -> &str {
        "hello"
    }

    fn resources(&self) -> Vec<Arc<dyn Resource>> {
        vec![Arc::new(Greeting)]
    }
}

#[derive(Serialize, Deserialize)]
struct GreetingModel {
    id: Val<String>,
    name: String,
    message: Val<String>,
}

struct Greeting;

#[async_trait]
impl Resource for Greeting {
    fn type_name(&self) -> &str {
        "hello_greeting"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("id", Attribute::string().computed().use_state_for_unknown())
            .attr("name", Attribute::string().required().requires_replace())
            .attr(
                "message",
                Attribute::string().computed().use_state_for_unknown(),
            )
    }

    async fn create(&self, req: CreateRequest, resp: &mut ApplyResponse) {
        let Some(mut greeting) = req.plan_as::<GreetingModel>(&mut resp.diagnostics) else {
            return;
        };
        greeting.id = Val::Known(greeting.name.clone());
        greeting.message = Val::Known(format!("Hello, {}!", greeting.name));
        resp.set_state(&greeting);
    }

    // Nothing outside Terraform to look at: the state stays as it is.
    async fn read(&self, _req: ReadRequest, _resp: &mut ReadResponse) {}

    // A new `name` replaces the greeting, so nothing changes in place.
    async fn update(&self, _req: UpdateRequest, _resp: &mut ApplyResponse) {}

    async fn delete(&self, _req: DeleteRequest, _diags: &mut Diagnostics) {}
}

#[tokio::main]
async fn main() {
    let options =
        ServeOptions::new("registry.terraform.io/example/hello").version(env!("CARGO_PKG_VERSION"));
    tfplugin::serve(HelloProvider, options).await;
}
