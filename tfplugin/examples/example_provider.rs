//! A small provider used by the integration tests: files on disk.
//!
//! * provider `example`: optional `root` directory (shared with every resource after configure);
//! * resource `example_file` (a typed resource): `path` (replaces; its directory is checked at
//!   plan time with the provider's data), `content`, computed `id` and `size`, optional `mode`
//!   with a default and a semantic equality (`644` is `0644`), a `tag` list block paired by
//!   `name` (stored sorted, read back in the configured order), a `timeouts` block, import by
//!   path;
//! * data source `example_file` (typed): reads a file's content and size;
//! * ephemeral resource `example_token` (Terraform 1.10+): a made-up secret, usable in the
//!   write-only `secret` attribute of `example_file` (Terraform 1.11+), stored in `<path>.secret`.
//!
//! Build it with `cargo build -p tfplugin --example example_provider`, copy it as
//! `terraform-provider-example` into a directory named by `dev_overrides`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tfplugin::ephemeral::{OpenRequest, OpenResponse};
use tfplugin::resource::{ImportRequest, ImportResponse};
use tfplugin::schema::{Attribute, Block, Pairing, Schema};
use tfplugin::typed::{Applied, Create, DataRead, Read, Refreshed, TypedDataSource, TypedResource, Update};
use tfplugin::validators::{DataValidator, PlanCheck};
use tfplugin::{
    ConfigureRequest, DataSource, Diagnostics, EphemeralResource, Provider, ProviderData, Resource, ServeOptions, Val,
    async_trait, equality, typed, validators,
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
        vec![typed::resource(FileResource)]
    }

    fn data_sources(&self) -> Vec<Arc<dyn DataSource>> {
        vec![typed::data_source(FileDataSource)]
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
    /// A `Val` because an imported state has only `id` and `path` until the first read.
    content: Val<String>,
    mode: Val<String>,
    size: Val<i64>,
    /// Write-only: set in the configuration only.
    secret: Val<String>,
    tag: Vec<Tag>,
}

/// What is stored next to the file: the mode (always four digits) and the tags, sorted by name
/// the way an API might return them (the framework keeps the configured order).
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

/// `"644"` → `"0644"`.
fn four_digits(mode: &str) -> String {
    format!("{mode:0>4}")
}

fn write_file(root: &Root, m: &FileModel, diags: &mut Diagnostics) -> Option<i64> {
    let file = root.resolve(&m.path);
    let mut tags: Vec<(String, Option<String>)> = m.tag.iter().map(|t| (t.name.clone(), t.value.get().cloned())).collect();
    tags.sort();
    let sidecar = Sidecar { mode: four_digits(&m.mode.unwrap_or("0644".into())), tags };
    let content = m.content.get().map_or("", String::as_str);
    let result = std::fs::write(&file, content)
        .and_then(|()| std::fs::write(sidecar_path(&file), serde_json::to_vec(&sidecar).unwrap_or_default()));
    match result {
        Ok(()) => Some(content.len() as i64),
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
fn write_secret(root: &Root, path: &str, config: &FileModel, diags: &mut Diagnostics) {
    if let Some(secret) = config.secret.get()
        && let Err(e) = std::fs::write(secret_path(&root.resolve(path)), secret)
    {
        diags.error_at("secret", "Unable to write the secret", e.to_string());
    }
}

/// A plan-time check that needs the provider's data: the file's directory must exist.
struct DirectoryExists;

#[async_trait]
impl DataValidator<Root> for DirectoryExists {
    fn description(&self) -> String {
        "the file's directory must exist under the provider's root".into()
    }

    async fn validate(&self, root: &Root, check: PlanCheck<'_>, diags: &mut Diagnostics) {
        let path = root.resolve(check.value.as_str().unwrap_or_default());
        if let Some(dir) = path.parent()
            && !dir.is_dir()
        {
            diags.error_at(
                check.path.clone(),
                "Directory does not exist",
                format!("{} does not exist; create it first.", dir.display()),
            );
        }
    }
}

/// `example_file`, a typed resource.
struct FileResource;

#[async_trait]
impl TypedResource for FileResource {
    type Model = FileModel;
    type Data = Root;

    fn type_name(&self) -> &str {
        "example_file"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .description("A file on disk.")
            .attr("id", Attribute::string().computed().use_state_for_unknown().description("Same as path."))
            .attr(
                "path",
                Attribute::string()
                    .required()
                    .requires_replace()
                    .validate(validators::length_between(1, 255))
                    .validate_with_data(DirectoryExists),
            )
            .attr("content", Attribute::string().required())
            .attr(
                "mode",
                Attribute::string()
                    .default("0644")
                    .one_of(&["644", "0644", "600", "0600"])
                    .semantic_equality(equality::normalized(four_digits))
                    .description("`0644` or `0600` (leading zero optional)."),
            )
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
                )
                .paired_by(Pairing::by("name")),
            )
            .timeouts(&["create"])
    }

    async fn create(&self, req: Create<'_, FileModel, Root>, resp: &mut Applied<FileModel>) {
        let (root, mut m) = (req.data, req.plan);
        // Long operations would bound their waits with the configured timeout.
        let limit = req.op.timeout("create", std::time::Duration::from_secs(20 * 60));
        let diags = &mut resp.diagnostics;
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
        resp.set(m);
    }

    async fn read(&self, req: Read<'_, FileModel, Root>, resp: &mut Refreshed<FileModel>) {
        let path = req.state.path;
        let file = req.data.resolve(&path);
        let Ok(content) = std::fs::read_to_string(&file) else {
            resp.remove();
            return;
        };
        let sidecar: Sidecar = std::fs::read(sidecar_path(&file))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default();
        resp.set(FileModel {
            id: Val::Known(path.clone()),
            size: Val::Known(content.len() as i64),
            path,
            content: Val::Known(content),
            mode: Val::Known(sidecar.mode),
            secret: Val::Null,
            tag: sidecar.tags.into_iter().map(|(name, value)| Tag { name, value: value.into() }).collect(),
        });
    }

    async fn update(&self, req: Update<'_, FileModel, Root>, resp: &mut Applied<FileModel>) {
        let mut m = req.plan;
        let Some(size) = write_file(req.data, &m, &mut resp.diagnostics) else { return };
        write_secret(req.data, &m.path, &req.config, &mut resp.diagnostics);
        m.size = Val::Known(size);
        resp.set(m);
    }

    async fn delete(&self, req: Read<'_, FileModel, Root>, diags: &mut Diagnostics) {
        let file = req.data.resolve(&req.state.path);
        let _ = std::fs::remove_file(sidecar_path(&file));
        let _ = std::fs::remove_file(secret_path(&file));
        if let Err(e) = std::fs::remove_file(&file)
            && e.kind() != std::io::ErrorKind::NotFound
        {
            diags.error(format!("Unable to delete {}", file.display()), e.to_string());
        }
    }

    async fn import(&self, _root: &Root, _req: ImportRequest, resp: &mut ImportResponse) {
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

/// `data "example_file"`, a typed data source.
struct FileDataSource;

#[async_trait]
impl TypedDataSource for FileDataSource {
    type Model = FileDataModel;
    type Data = Root;

    fn type_name(&self) -> &str {
        "example_file"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("path", Attribute::string().required())
            .attr("content", Attribute::string().computed())
            .attr("size", Attribute::number().computed())
    }

    async fn read(&self, req: DataRead<'_, FileDataModel, Root>, diags: &mut Diagnostics) -> Option<FileDataModel> {
        let mut m = req.config;
        match std::fs::read_to_string(req.data.resolve(&m.path)) {
            Ok(content) => {
                m.size = Val::Known(content.len() as i64);
                m.content = Val::Known(content);
                Some(m)
            }
            Err(e) => {
                diags.error_at("path", format!("Unable to read {}", m.path), e.to_string());
                None
            }
        }
    }
}

#[tokio::main]
async fn main() {
    tfplugin::serve(ExampleProvider, ServeOptions::new("example.com/test/example")).await;
}
