//! `webhooks-mock`: the five providers' webhook-endpoint APIs on one port
//! (`serve`, the default), and signed test events from the command line
//! (`send` to any receiver, `trigger` through a running mock).

use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use webhooks_mock::Provider;

mod check_receiver;
mod log_writer;
mod proxy_cli;
mod send;

// Measured: under load glibc malloc took about a sixth of the mock's CPU.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const SERVED: &str = "\
Also served: /<prefix>/openapi.json per provider, /docs (Swagger UI, offline),
and the admin API:
  POST /__mock/reset[?api_key=KEY]          forget everything, or one tenant
  GET  /__mock/requests[?provider=&operation=&status=&api_key=]   the journal
  POST /__mock/<provider>/events            deliver a signed event (duplicate,
                                            signature_age_seconds, delay_ms)
  GET  /__mock/deliveries[?provider=&event_id=&endpoint_id=]   delivery attempts
  POST /__mock/deliveries/{event_id}/resend send a recorded event again
  POST /__mock/faults, DELETE /__mock/faults  status, delay, reset, malformed
  GET  /__mock/clock, POST /__mock/clock    read or advance a manual clock
  POST /__mock/fixtures                     set up endpoints and events
  GET  /__mock/health                       200 and the version (no token needed)
Logs one line per request; RUST_LOG=warn quiets it. Stops on Ctrl-C or SIGTERM.";

/// A stateful mock of five billing providers' webhook-endpoint APIs, and
/// signed test events from the command line.
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
    Send(send::SendArgs),
    /// Ask a running mock to deliver an event to a tenant's registered endpoints.
    Trigger(send::TriggerArgs),
    /// Forward one provider's API to an upstream (the live API), checking
    /// requests and answers against the hand-written spec; a report of
    /// violations, a summary of every x-inferred guess on exit.
    Proxy(proxy_cli::ProxyArgs),
    /// Grade a webhook receiver in any language: send the deliveries it must
    /// accept and the ones it must refuse (signatures, timestamps, replays,
    /// unknown types, oversized bodies), each judged; exit 0 when every case
    /// passes, 1 otherwise. Loopback receivers only, unless --allow-remote.
    CheckReceiver(check_receiver::CheckReceiverArgs),
    /// Exit 0 when a mock answers its health check at an address, 1 when
    /// none does (for container health checks without curl).
    Healthcheck(HealthcheckArgs),
    /// List every contract served, one a line: its spec, where the mock
    /// serves it, the headers of a request it answers (a sample key, the
    /// version that selects it) and whether any key is taken, tab-separated
    /// (for scripts: CI's fuzzer reads it).
    Contracts,
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

#[derive(Args)]
struct HealthcheckArgs {
    /// Where the mock listens.
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// How long to wait for the answer, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 3)]
    timeout: u64,
}

#[derive(Args)]
struct ServeArgs {
    /// Where to listen (port 0 picks one).
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Serve only this provider, at its real base path; without it all are
    /// served under /<name><base path>.
    #[arg(long, value_parser = provider())]
    provider: Option<Provider>,
    /// Deliver events to non-loopback URLs too (off: a test tool must not
    /// become a request forwarder).
    #[arg(long)]
    allow_remote_deliveries: bool,
    /// Divide the providers' retry delays by N (wall clock only).
    #[arg(long, value_name = "N", default_value_t = 10_000, value_parser = clap::value_parser!(u32).range(1..))]
    time_compression: u32,
    /// Seed the IDs, secrets, cursors, tokens and event IDs: the same
    /// requests in the same order give the same answers and deliveries.
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
    /// wall: real time (retries compressed); manual: time stands still until
    /// POST /__mock/clock {"advance_seconds": N}, and retries fire exactly then.
    #[arg(long, value_enum, default_value_t = ClockMode::Wall)]
    clock: ClockMode,
    /// Where a manual clock starts (RFC 3339).
    #[arg(long, value_name = "RFC3339", default_value = webhooks_mock::Clock::MANUAL_START, requires = "clock")]
    clock_start: String,
    /// Set up endpoints and events from a JSON file of fixture steps at start;
    /// the answers (IDs, secrets) are printed as one JSON line.
    #[arg(long, value_name = "FILE")]
    fixtures: Option<std::path::PathBuf>,
    /// Token the admin API (/__mock/*) requires in the x-mock-admin-token
    /// header. Required in effect on a non-loopback address: without one a
    /// random token is made and printed. On loopback the admin API is open
    /// unless a token is given.
    #[arg(long, env = "WEBHOOKS_MOCK_ADMIN_TOKEN", hide_env_values = true)]
    admin_token: Option<String>,
    /// Answer from a recording made by `proxy --record` instead of being the
    /// stateful mock (needs --provider): each recorded request gets its
    /// recorded answer, any other a 404 naming the closest recorded one.
    #[arg(long, value_name = "FILE", requires = "provider", conflicts_with_all = ["fixtures", "seed"])]
    replay: Option<std::path::PathBuf>,
}

/// How the served mock tells time.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ClockMode {
    /// Real time; delivery retries are compressed.
    Wall,
    /// Stands still until advanced.
    Manual,
}

/// Reads an RFC 3339 time, as `--clock-start` takes it.
fn parse_time(text: &str) -> Result<std::time::SystemTime, String> {
    chrono::DateTime::parse_from_rfc3339(text)
        .map(std::time::SystemTime::from)
        .map_err(|_| {
            let example = webhooks_mock::Clock::MANUAL_START;
            format!("{text:?} is not an RFC 3339 time (such as {example})")
        })
}

/// A provider named on the command line, one of the names the mock knows
/// (listed in the help).
pub(crate) fn provider() -> impl clap::builder::TypedValueParser<Value = Provider> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(Provider::ALL.map(Provider::name))
        .map(|name| Provider::from_name(&name).expect("a possible value names a provider"))
}

/// `webhooks-mock contracts`: one tab-separated line per contract.
fn contracts() -> ExitCode {
    for contract in webhooks_mock::openapi::contracts() {
        let provider = contract.provider;
        let (name, value) = provider.auth_header(&provider.sample_api_key());
        // Named as the spec's security scheme names it: the fuzzer matches header names by case.
        let name = if name == "authorization" {
            "Authorization"
        } else {
            name
        };
        let mut headers = vec![format!("{name}: {value}")];
        headers.extend(
            contract
                .version
                .map(|(name, value)| format!("{name}: {value}")),
        );
        println!(
            "{}\t{}\t{}\t{}",
            contract.spec_stem(),
            provider.shared_prefix(),
            headers.join(";"),
            if provider.accepts_any_api_key() {
                "any-key"
            } else {
                "keyed"
            },
        );
    }
    ExitCode::SUCCESS
}

/// Ctrl-C or SIGTERM: the handlers are installed now, the future waits.
pub(crate) fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    let terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    let ctrl_c = tokio::signal::ctrl_c();
    async move {
        #[cfg(unix)]
        let terminate = async move {
            match terminate {
                Some(mut s) => {
                    s.recv().await;
                }
                None => std::future::pending::<()>().await,
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
            runtime.block_on(send::send(args))
        }
        Some(Command::Trigger(args)) => {
            log_to_stderr();
            runtime.block_on(send::trigger(args))
        }
        Some(Command::Proxy(args)) => runtime.block_on(proxy_cli::proxy(args)),
        Some(Command::Healthcheck(args)) => runtime.block_on(healthcheck(args)),
        Some(Command::Contracts) => contracts(),
        Some(Command::CheckReceiver(args)) => {
            runtime.block_on(check_receiver::check_receiver(args))
        }
        Some(Command::Completions { shell }) => {
            let mut command = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut command, "webhooks-mock", &mut std::io::stdout());
            ExitCode::SUCCESS
        }
    }
}

/// `GET /__mock/health` at `--addr`: 0 on a mock's answer, 1 otherwise.
async fn healthcheck(args: HealthcheckArgs) -> ExitCode {
    let url = format!("http://{}/__mock/health", args.addr);
    let answer = async {
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(args.timeout))
            .build()
            .map_err(|e| e.to_string())?;
        let response = http.get(&url).send().await.map_err(|e| e.to_string())?;
        let status = response.status();
        let body: serde_json::Value = response.json().await.map_err(|e| e.to_string())?;
        if status.is_success() && body["status"] == "ok" {
            Ok(body)
        } else {
            Err(format!("answered {status}: {body}"))
        }
    };
    match answer.await {
        Ok(body) => {
            println!(
                "webhooks-mock {} is up at {}",
                body["version"].as_str().unwrap_or("?"),
                args.addr
            );
            ExitCode::SUCCESS
        }
        Err(why) => {
            eprintln!("webhooks-mock: no mock answers at {url}: {why}");
            ExitCode::FAILURE
        }
    }
}

/// `RUST_LOG` (default `warn`) on stderr, for the one-shot commands.
fn log_to_stderr() {
    log_to_stderr_at("warn");
}

/// `RUST_LOG` (default `level`) on stderr.
pub(crate) fn log_to_stderr_at(level: &str) {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level)),
        )
        .with_target(false)
        .init();
}

async fn serve(args: ServeArgs) -> ExitCode {
    let mut builder = webhooks_mock::MockServer::builder()
        .addr(args.addr)
        .time_compression(args.time_compression);
    if let Some(only) = args.provider {
        builder = builder.only(only);
    }
    if args.allow_remote_deliveries {
        builder = builder.allow_remote_deliveries();
    }
    if let Some(seed) = args.seed {
        builder = builder.seed(seed);
    }
    if args.clock == ClockMode::Manual {
        match parse_time(&args.clock_start) {
            Ok(start) => builder = builder.clock(webhooks_mock::Clock::Manual(start)),
            Err(why) => {
                eprintln!("webhooks-mock: --clock-start: {why}");
                return ExitCode::FAILURE;
            }
        }
    }
    let fixtures = match &args.fixtures {
        Some(path) => match std::fs::read_to_string(path)
            .map_err(|e| e.to_string())
            .and_then(|text| {
                serde_json::from_str::<serde_json::Value>(&text).map_err(|e| e.to_string())
            }) {
            Ok(steps) => Some(steps),
            Err(why) => {
                eprintln!("webhooks-mock: --fixtures {}: {why}", path.display());
                return ExitCode::FAILURE;
            }
        },
        None => None,
    };
    if let (Some(path), Some(provider)) = (args.replay.clone(), args.provider) {
        return proxy_cli::replay(path, provider, args.addr).await;
    }
    let (admin_token, made_token) = admin_token(args.addr, args.admin_token);
    if let Some(token) = &admin_token {
        builder = builder.admin_token(token.clone());
    }
    let log = log_writer::BatchedStdout::start();
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stdout());
    if !ansi {
        // Request lines straight to the log, not through a tracing event: the same bytes, less work.
        let log = log.clone();
        builder = builder.request_log(move |line| {
            // RUST_LOG decides, as it does for the event this replaces.
            if tracing::enabled!(target: webhooks_mock::app::REQUEST_LOG_TARGET, tracing::Level::INFO) {
                log.request_line(line);
            }
        });
    }
    tracing_subscriber::fmt()
        .with_writer(log.clone())
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_ansi(ansi)
        .event_format(log_writer::RequestLines(
            tracing_subscriber::fmt::format().with_target(false),
        ))
        .init();
    // Signals are handled from here on: a SIGTERM right after the banner stops it cleanly.
    let stop = shutdown_signal();
    let server = match builder.start().await {
        Ok(server) => server,
        Err(e) => {
            eprintln!("webhooks-mock: cannot listen on {}: {e}", args.addr);
            return ExitCode::FAILURE;
        }
    };
    let addr = server.addr();
    // A closed stdout (a parent that stopped reading) must not stop the server.
    let mut banner = format!("webhooks-mock listening on http://{addr}\n");
    for provider in Provider::ALL {
        if args.provider.is_some_and(|only| only != provider) {
            continue;
        }
        banner.push_str(&format!(
            "  {:<11} {}\n",
            provider.name(),
            server.base_url(provider)
        ));
    }
    banner.push_str(&format!("  docs        http://{addr}/docs/\n"));
    if let (true, Some(token)) = (made_token, &admin_token) {
        banner.push_str(&format!(
            "  admin API   send {}: {token}\n",
            webhooks_mock::app::ADMIN_TOKEN_HEADER
        ));
    }
    if let Some(steps) = fixtures {
        match server.load_fixtures(steps).await {
            Ok(answers) => banner.push_str(&format!("fixtures: {answers}\n")),
            Err(failure) => {
                eprintln!("webhooks-mock: --fixtures: {failure}");
                return ExitCode::FAILURE;
            }
        }
    }
    let mut stdout = std::io::stdout();
    let _ = stdout
        .write_all(banner.as_bytes())
        .and_then(|()| stdout.flush());
    stop.await;
    server.stop().await;
    log.flush();
    ExitCode::SUCCESS
}

/// The admin token for `addr`: the one given, else on an address others
/// can reach a new one (anyone who reaches it could read every tenant's
/// secrets); whether it was made.
pub(crate) fn admin_token(addr: SocketAddr, given: Option<String>) -> (Option<String>, bool) {
    let made = given.is_none() && !addr.ip().is_loopback();
    (given.or_else(|| made.then(random_token)), made)
}

/// 32 random hex characters from the OS.
fn random_token() -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the OS random source works");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::admin_token;

    #[test]
    fn an_address_others_can_reach_always_has_an_admin_token() {
        let shared = "0.0.0.0:8080".parse().unwrap();
        let (made, was_made) = admin_token(shared, None);
        assert!(was_made && made.is_some_and(|t| t.len() == 32));
        assert_eq!(
            admin_token(shared, Some("given".into())),
            (Some("given".into()), false)
        );
        assert_eq!(
            admin_token("127.0.0.1:8080".parse().unwrap(), None),
            (None, false)
        );
    }
}
