//! `mycelium-collector`: see `docs/self-hosting.md`.

use clap::Parser;
use mycelium_collector::{cli::Config, serve};
use tokio::signal::unix::{signal, SignalKind};

#[tokio::main]
async fn main() {
    let config = Config::parse();
    let listener = match tokio::net::TcpListener::bind(config.listen).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!(
                "mycelium-collector: cannot listen on {}: {error}",
                config.listen
            );
            std::process::exit(1);
        }
    };
    let shutdown = async {
        let mut term = signal(SignalKind::terminate()).expect("SIGTERM handler");
        tokio::select! {
            _ = term.recv() => {}
            _ = tokio::signal::ctrl_c() => {}
        }
        eprintln!("mycelium-collector: stopping: finishing accepted requests");
    };
    if let Err(error) = serve(config, listener, shutdown).await {
        eprintln!("mycelium-collector: {error}");
        std::process::exit(1);
    }
}
