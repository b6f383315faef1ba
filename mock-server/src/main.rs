//! `webhooks-mock`: the five providers' webhook-endpoint APIs on one port
//! (`serve`, the default), and signed test events from the command line
//! (`send` to any receiver, `trigger` through a running mock).

use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use webhooks_mock::Provider;

mod events;
mod log_writer;

// Measured: under load glibc malloc took about a sixth of the mock's CPU.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const SERVED: &str = "\
Also served: /<prefix>/openapi.json per provider, /docs (Swagger UI, offline),
POST /__mock/reset[?api_key=KEY], GET /__mock/requests,
POST /__mock/<provider>/events (signed deliveries), GET /__mock/deliveries,
POST and DELETE /__mock/faults (answer the next requests with an error).
Logs one line per request; RUST_LOG=warn quiets it. Stops on Ctrl-C or SIGTERM.";

/// A stateful mock of the webhook-endpoint APIs of billing.io, chargeapi.co,
/// Donutwork, meum.io and Commet, and signed test events from the command line.
#[derive(Parser)]
#[command(version, args_conflicts_with_subcommands = true, after_help = SERVED)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    serve: ServeArgs,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the mock (the default when no subcommand is given).
    #[command(after_help = SERVED)]
    Serve(ServeArgs),
    /// Sign one event as the provider documents and POST it to a URL (no mock needed).
    Send(events::SendArgs),
    /// Ask a running mock to deliver an event to a tenant's registered endpoints.
    Trigger(events::TriggerArgs),
}

#[derive(Args)]
struct ServeArgs {
    /// Where to listen (port 0 picks one).
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Serve only this provider, at its real base path (billing-io, chargeapi,
    /// donutwork, meum, commet); without it all five are served under
    /// /<name><base path>.
    #[arg(long, value_parser = provider)]
    provider: Option<Provider>,
    /// Deliver events to non-loopback URLs too (off: a test tool must not
    /// become a request forwarder).
    #[arg(long)]
    allow_remote_deliveries: bool,
    /// Divide the providers' retry delays by N.
    #[arg(long, value_name = "N", default_value_t = 10_000, value_parser = clap::value_parser!(u32).range(1..))]
    time_compression: u32,
    /// Token the admin API (/__mock/*) requires in the x-mock-admin-token
    /// header. Required in effect on a non-loopback address: without one a
    /// random token is made and printed. On loopback the admin API is open
    /// unless a token is given.
    #[arg(long, env = "WEBHOOKS_MOCK_ADMIN_TOKEN", hide_env_values = true)]
    admin_token: Option<String>,
}

/// A provider named on the command line.
pub(crate) fn provider(name: &str) -> Result<Provider, String> {
    Provider::from_name(name)
        .ok_or_else(|| "not one of billing-io, chargeapi, donutwork, meum, commet".to_string())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    eprintln!("webhooks-mock: shutting down");
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("webhooks-mock: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    match cli.command {
        None => runtime.block_on(serve(cli.serve)),
        Some(Command::Serve(args)) => runtime.block_on(serve(args)),
        Some(Command::Send(args)) => {
            log_to_stderr();
            runtime.block_on(events::send(args))
        }
        Some(Command::Trigger(args)) => {
            log_to_stderr();
            runtime.block_on(events::trigger(args))
        }
    }
}

/// `RUST_LOG` (default `warn`) on stderr, for the one-shot commands.
fn log_to_stderr() {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_target(false)
        .init();
}

async fn serve(args: ServeArgs) -> ExitCode {
    let deliveries = webhooks_mock::DeliveryConfig {
        time_compression: args.time_compression,
        allow_remote: args.allow_remote_deliveries,
    };
    // Anyone who reaches a shared address could read every tenant's secrets.
    let made_token = args.admin_token.is_none() && !args.addr.ip().is_loopback();
    let admin_token = args.admin_token.or_else(|| made_token.then(random_token));
    let log = log_writer::BatchedStdout::start();
    tracing_subscriber::fmt()
        .with_writer(log.clone())
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_target(false)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()))
        .init();
    let listener = match tokio::net::TcpListener::bind(args.addr).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("webhooks-mock: cannot listen on {}: {e}", args.addr);
            return ExitCode::FAILURE;
        }
    };
    let addr = listener
        .local_addr()
        .expect("a bound listener has an address");
    // A closed stdout (a parent that stopped reading) must not stop the server.
    let mut banner = format!("webhooks-mock listening on http://{addr}\n");
    for provider in Provider::ALL {
        let path = match args.provider {
            Some(only) if only != provider => continue,
            Some(_) => provider.base_path().to_string(),
            None => provider.shared_prefix(),
        };
        banner.push_str(&format!("  {:<11} http://{addr}{path}\n", provider.name()));
    }
    banner.push_str(&format!("  docs        http://{addr}/docs/\n"));
    if let (true, Some(token)) = (made_token, &admin_token) {
        banner.push_str(&format!(
            "  admin API   send {}: {token}\n",
            webhooks_mock::ADMIN_TOKEN_HEADER
        ));
    }
    let mut stdout = std::io::stdout();
    let _ = stdout
        .write_all(banner.as_bytes())
        .and_then(|()| stdout.flush());
    let config = webhooks_mock::MockConfig {
        deliveries,
        admin_token,
    };
    let app = webhooks_mock::app_with(args.provider, config);
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await;
    log.flush();
    if let Err(e) = served {
        eprintln!("webhooks-mock: {e}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

/// 32 random hex characters from the OS.
fn random_token() -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the OS random source works");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
