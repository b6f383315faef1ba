//! `webhooks-mock`: the five providers' webhook-endpoint APIs on one port.

use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;

use webhooks_mock::Provider;

mod log_writer;

// Measured: under load glibc malloc took about a sixth of the mock's CPU.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const HELP: &str = "\
webhooks-mock: a stateful mock of the webhook-endpoint APIs of billing.io,
chargeapi.co, Donutwork, meum.io and Commet.

usage: webhooks-mock [--addr ADDR] [--provider NAME] [--allow-remote-deliveries]
                     [--time-compression N]

options:
  --addr ADDR                 where to listen (default 127.0.0.1:8080; port 0 picks one)
  --provider NAME             serve only this provider, at its real base path
                              (billing-io, chargeapi, donutwork, meum, commet);
                              without it all five are served under /<name><base path>
  --allow-remote-deliveries   deliver events to non-loopback URLs too (off: a test
                              tool must not become a request forwarder)
  --time-compression N        divide the providers' retry delays by N (default 10000)
  -h, --help                  this text

Also served: /<prefix>/openapi.json per provider, /docs (Swagger UI, offline),
POST /__mock/reset[?api_key=KEY], GET /__mock/requests,
POST /__mock/<provider>/events (signed deliveries), GET /__mock/deliveries,
POST and DELETE /__mock/faults (answer the next requests with an error).
Logs one line per request; RUST_LOG=warn quiets it. Stops on Ctrl-C or SIGTERM.";

struct Args {
    addr: SocketAddr,
    provider: Option<Provider>,
    deliveries: webhooks_mock::DeliveryConfig,
}

fn parse_args() -> Result<Option<Args>, String> {
    let mut args = Args {
        addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
        provider: None,
        deliveries: Default::default(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) => (f.to_string(), Some(v.to_string())),
            None => (arg.clone(), None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| it.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(None),
            "--addr" => {
                let v = value("--addr")?;
                args.addr = v.parse().map_err(|e| format!("--addr {v}: {e}"))?;
            }
            "--provider" => {
                let v = value("--provider")?;
                args.provider = Some(Provider::from_name(&v).ok_or_else(|| {
                    format!(
                        "--provider {v}: not one of billing-io, chargeapi, donutwork, meum, commet"
                    )
                })?);
            }
            "--allow-remote-deliveries" => args.deliveries.allow_remote = true,
            "--time-compression" => {
                let v = value("--time-compression")?;
                args.deliveries.time_compression = v
                    .parse()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| format!("--time-compression {v}: a whole number above 0"))?;
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(Some(args))
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

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(Some(args)) => args,
        Ok(None) => {
            println!("{HELP}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("webhooks-mock: {e}\n\n{HELP}");
            return ExitCode::from(2);
        }
    };
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
    let mut stdout = std::io::stdout();
    let _ = stdout
        .write_all(banner.as_bytes())
        .and_then(|()| stdout.flush());
    let app = webhooks_mock::app_with(args.provider, args.deliveries);
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
