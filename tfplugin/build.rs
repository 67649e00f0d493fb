//! Generates the gRPC server code for the plugin protocols from `proto/`, in pure Rust
//! (protox parses the files, so no `protoc` is needed).

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Read at run time, not with `env!`: a build script binary can be reused for another
    // checkout sharing the target directory, and must then look at that checkout's files.
    // Inside the crate, so the published package builds too.
    let root = std::path::PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?).join("proto");
    let files = [
        "tfplugin6.proto",
        "go-plugin/controller.proto",
        "go-plugin/stdio.proto",
        "go-plugin/broker.proto",
    ];
    for file in &files {
        println!("cargo:rerun-if-changed={}", root.join(file).display());
    }
    let fds = protox::compile(files, [&root])?;
    tonic_prost_build::configure()
        .build_client(false)
        .build_server(true)
        .generate_default_stubs(true)
        .compile_fds(fds)?;
    Ok(())
}
