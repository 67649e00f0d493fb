//! A small provider used by the integration tests: files on disk.
//!
//! * provider `example`: optional `root` directory (shared with every resource after configure);
//! * resource `example_file`: `path` (replaces), `content`, computed `id` and `size`, optional
//!   `mode` with a default, a `tag` list block, a `timeouts` block, import by path;
//! * data source `example_file`: reads a file's content and size;
//! * ephemeral resource `example_token` (Terraform 1.10+): a made-up secret, usable in the
//!   write-only `secret` attribute of `example_file` (Terraform 1.11+), stored in `<path>.secret`.
//!
//! Build it with `cargo build -p tfplugin --example example_provider`, copy it as
//! `terraform-provider-example` into a directory named by `dev_overrides`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tfplugin::data_source::{DataSourceReadRequest, DataSourceReadResponse};
use tfplugin::ephemeral::{OpenRequest, OpenResponse};
use tfplugin::resource::{
    ApplyResponse, CreateRequest, DeleteRequest, ImportRequest, ImportResponse, ReadRequest, ReadResponse,
    UpdateRequest,
};
use tfplugin::schema::{Attribute, Block, Schema};
use tfplugin::{
    ConfigureRequest, DataSource, Diagnostics, EphemeralResource, Provider, ProviderData, Resource, ServeOptions, Val, async_trait,
    validators,
};

/// Provider-wide data: where files live.
struct Root(PathBuf);

impl Root {
    fn resolve(&self, path: &str) -> PathBuf {
        self.0.join(path)
    }
}

/// The provider.
pub struct ExampleProvider;

#[async_trait]
impl Provider for ExampleProvider {
    fn type_name(&self) -> &str {
        "example"
    }

    fn schema(&self) -> Schema {
        Schema::new().attr("root", Attribute::string().optional().description("Directory for relative paths."))
    }

    async fn configure(&self, req: ConfigureRequest, diags: &mut Diagnostics) -> Option<ProviderData> {
        #[derive(Deserialize)]
        struct Config {
            root: Option<String>,
        }
        let config: Config = req.config_as(diags)?;
        let root = config.root.map(PathBuf::from).unwrap_or_else(|| std::env::current_dir().unwrap_or_default());
        Some(Arc::new(Root(root)))
    }

    fn resources(&self) -> Vec<Arc<dyn Resource>> {
        vec![Arc::new(FileResource)]
    }

    fn data_sources(&self) -> Vec<Arc<dyn DataSource>> {
        vec![Arc::new(FileDataSource)]
    }

    fn ephemeral_resources(&self) -> Vec<Arc<dyn EphemeralResource>> {
        vec![Arc::new(TokenEphemeral)]
    }
}

/// `ephemeral "example_token"`: never stored in plan or state.
struct TokenEphemeral;

#[async_trait]
impl EphemeralResource for TokenEphemeral {
    fn type_name(&self) -> &str {
        "example_token"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("scope", Attribute::string().required())
            .attr("value", Attribute::string().computed().sensitive())
    }

    async fn open(&self, req: OpenRequest, resp: &mut OpenResponse) {
        let scope = req.config.get("scope").and_then(tfplugin::Value::as_str).unwrap_or_default();
        resp.set_result(&serde_json::json!({ "value": format!("token-{scope}") }));
    }
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
struct Tag {
    name: String,
    value: Val<String>,
}

#[derive(Serialize, Deserialize, Clone, Debug)]
struct FileModel {
    id: Val<String>,
    path: String,
    content: String,
    mode: Val<String>,
    size: Val<i64>,
    tag: Vec<Tag>,
}

/// What is stored next to the file: the tags.
#[derive(Serialize, Deserialize, Default)]
struct Sidecar {
    mode: String,
    tags: Vec<(String, Option<String>)>,
}

fn sidecar_path(file: &Path) -> PathBuf {
    let mut s = file.as_os_str().to_owned();
    s.push(".meta.json");
    PathBuf::from(s)
}

fn write_file(root: &Root, m: &FileModel, diags: &mut Diagnostics) -> Option<i64> {
    let file = root.resolve(&m.path);
    let sidecar = Sidecar {
        mode: m.mode.unwrap_or("0644".into()),
        tags: m.tag.iter().map(|t| (t.name.clone(), t.value.get().cloned())).collect(),
    };
    let result = std::fs::write(&file, &m.content)
        .and_then(|()| std::fs::write(sidecar_path(&file), serde_json::to_vec(&sidecar).unwrap_or_default()));
    match result {
        Ok(()) => Some(m.content.len() as i64),
        Err(e) => {
            diags.error(format!("Unable to write {}", file.display()), e.to_string());
            None
        }
    }
}

fn secret_path(file: &Path) -> PathBuf {
    let mut s = file.as_os_str().to_owned();
    s.push(".secret");
    PathBuf::from(s)
}

/// Writes the write-only `secret` (only ever present in the configuration).
fn write_secret(root: &Root, path: &str, config: &tfplugin::Value, diags: &mut Diagnostics) {
    if let Some(secret) = config.get("secret").and_then(tfplugin::Value::as_str)
        && let Err(e) = std::fs::write(secret_path(&root.resolve(path)), secret)
    {
        diags.error_at("secret", "Unable to write the secret", e.to_string());
    }
}

/// `example_file`.
struct FileResource;

#[async_trait]
impl Resource for FileResource {
    fn type_name(&self) -> &str {
        "example_file"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .description("A file on disk.")
            .attr("id", Attribute::string().computed().use_state_for_unknown().description("Same as path."))
            .attr("path", Attribute::string().required().requires_replace().validate(validators::length_between(1, 255)))
            .attr("content", Attribute::string().required())
            .attr("mode", Attribute::string().default("0644").validate(validators::one_of(&["0644", "0600"])))
            .attr("size", Attribute::number().computed().description("Bytes in the file."))
            .attr(
                "secret",
                Attribute::string().optional().write_only().description("Written to <path>.secret; never stored."),
            )
            .block(
                "tag",
                Block::list(
                    Schema::new()
                        .attr("name", Attribute::string().required())
                        .attr("value", Attribute::string().optional()),
                ),
            )
            .timeouts(&["create"])
    }

    async fn create(&self, req: CreateRequest, resp: &mut ApplyResponse) {
        let diags = &mut resp.diagnostics;
        let (Some(root), Some(mut m)) = (req.ctx.client::<Root>(diags), req.plan_as::<FileModel>(diags)) else {
            return;
        };
        // Long operations would bound their waits with the configured timeout.
        let limit = req.timeout(std::time::Duration::from_secs(20 * 60));
        let size = match tokio::time::timeout(limit, async { write_file(root, &m, diags) }).await {
            Ok(Some(size)) => size,
            Ok(None) => return,
            Err(_) => {
                diags.error("Timed out creating the file", format!("gave up after {limit:?}"));
                return;
            }
        };
        write_secret(root, &m.path, &req.config, diags);
        m.id = Val::Known(m.path.clone());
        m.size = Val::Known(size);
        resp.set_state(&m);
    }

    async fn read(&self, req: ReadRequest, resp: &mut ReadResponse) {
        let diags = &mut resp.diagnostics;
        // Only the path is needed (after import, nothing else is set).
        #[derive(Deserialize)]
        struct Key {
            path: String,
        }
        let (Some(root), Some(key)) = (req.ctx.client::<Root>(diags), req.state_as::<Key>(diags)) else {
            return;
        };
        let file = root.resolve(&key.path);
        let Ok(content) = std::fs::read_to_string(&file) else {
            resp.remove();
            return;
        };
        let sidecar: Sidecar = std::fs::read(sidecar_path(&file))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default();
        resp.set_state(&FileModel {
            id: Val::Known(key.path.clone()),
            size: Val::Known(content.len() as i64),
            path: key.path,
            content,
            mode: Val::Known(sidecar.mode),
            tag: sidecar.tags.into_iter().map(|(name, value)| Tag { name, value: value.into() }).collect(),
        });
    }

    async fn update(&self, req: UpdateRequest, resp: &mut ApplyResponse) {
        let diags = &mut resp.diagnostics;
        let (Some(root), Some(mut m)) = (req.ctx.client::<Root>(diags), req.plan_as::<FileModel>(diags)) else {
            return;
        };
        let Some(size) = write_file(root, &m, diags) else { return };
        write_secret(root, &m.path, &req.config, diags);
        m.size = Val::Known(size);
        resp.set_state(&m);
    }

    async fn delete(&self, req: DeleteRequest, diags: &mut Diagnostics) {
        let (Some(root), Some(m)) = (req.ctx.client::<Root>(diags), req.state_as::<FileModel>(diags)) else {
            return;
        };
        let file = root.resolve(&m.path);
        let _ = std::fs::remove_file(sidecar_path(&file));
        let _ = std::fs::remove_file(secret_path(&file));
        if let Err(e) = std::fs::remove_file(&file)
            && e.kind() != std::io::ErrorKind::NotFound
        {
            diags.error(format!("Unable to delete {}", file.display()), e.to_string());
        }
    }

    async fn import(&self, _req: ImportRequest, resp: &mut ImportResponse) {
        resp.passthrough_id("id");
        resp.passthrough_id("path");
    }
}

#[derive(Serialize, Deserialize)]
struct FileDataModel {
    path: String,
    content: Val<String>,
    size: Val<i64>,
}

/// `data "example_file"`.
struct FileDataSource;

#[async_trait]
impl DataSource for FileDataSource {
    fn type_name(&self) -> &str {
        "example_file"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("path", Attribute::string().required())
            .attr("content", Attribute::string().computed())
            .attr("size", Attribute::number().computed())
    }

    async fn read(&self, req: DataSourceReadRequest, resp: &mut DataSourceReadResponse) {
        let diags = &mut resp.diagnostics;
        let (Some(root), Some(mut m)) = (req.ctx.client::<Root>(diags), req.config_as::<FileDataModel>(diags)) else {
            return;
        };
        match std::fs::read_to_string(root.resolve(&m.path)) {
            Ok(content) => {
                m.size = Val::Known(content.len() as i64);
                m.content = Val::Known(content);
                resp.set_state(&m);
            }
            Err(e) => diags.error_at("path", format!("Unable to read {}", m.path), e.to_string()),
        }
    }
}

#[tokio::main]
async fn main() {
    tfplugin::serve(ExampleProvider, ServeOptions::new("example.com/test/example")).await;
}
