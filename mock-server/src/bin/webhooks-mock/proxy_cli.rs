//! `webhooks-mock proxy` and `webhooks-mock serve --replay`: checking the
//! specs against a live API through the validation proxy, and answering
//! from a recording it made.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use webhooks_mock::Provider;
use webhooks_mock::proxy::{Proxy, ProxyConfig, ReplayServer};

/// `proxy`: forward one provider's API to an upstream, checking both ways.
#[derive(Args)]
pub struct ProxyArgs {
    /// The provider whose hand-written spec the traffic is checked against;
    /// it is served at its real base path.
    #[arg(long, value_parser = crate::provider())]
    provider: Provider,
    /// Where requests go, unchanged: the provider's real base URL (such as
    /// https://api.billing.io/v1) or any http(s) URL. The one command that
    /// sends requests off the machine, and only there; redirects are not followed.
    #[arg(long, value_name = "URL")]
    upstream: String,
    /// Where to listen (port 0 picks one). On an address that is not
    /// loopback the summary route needs the admin token, as `serve`'s admin API does.
    #[arg(long, default_value = "127.0.0.1:8090")]
    addr: SocketAddr,
    /// Write one JSON line per violation here (and nothing else): the
    /// operation, request or response, status, JSON pointer, expected,
    /// found, whether the SDK still reads it, and the x-inferred guess it refutes.
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    /// Write each exchange here as a JSON line, secrets redacted and
    /// credentials left out, for `serve --replay`.
    #[arg(long, value_name = "FILE")]
    record: Option<PathBuf>,
    /// Answer a response that violates the spec with a 502 listing the
    /// violations (by default the client gets the upstream's answer byte for byte).
    #[arg(long)]
    strict: bool,
    /// Token GET /__mock/proxy/summary requires in x-mock-admin-token
    /// (made and printed on an address that is not loopback, if not given).
    #[arg(long, env = "WEBHOOKS_MOCK_ADMIN_TOKEN", hide_env_values = true)]
    admin_token: Option<String>,
}

/// Runs the proxy until Ctrl-C or SIGTERM, then prints the summary.
pub async fn proxy(args: ProxyArgs) -> ExitCode {
    let mut config = match ProxyConfig::new(args.provider, &args.upstream) {
        Ok(config) => config.addr(args.addr).strict(args.strict),
        Err(why) => {
            eprintln!("webhooks-mock: {why}");
            return ExitCode::FAILURE;
        }
    };
    if let Some(report) = args.report {
        config = config.report(report);
    }
    if let Some(record) = args.record {
        config = config.record(record);
    }
    let (admin_token, made) = crate::admin_token(args.addr, args.admin_token);
    if let Some(token) = &admin_token {
        config = config.admin_token(token.clone());
    }
    crate::log_to_stderr_at("info");
    let stop = crate::shutdown_signal();
    let proxy = match Proxy::start(config).await {
        Ok(proxy) => proxy,
        Err(e) => {
            eprintln!(
                "webhooks-mock: cannot start the proxy on {}: {e}",
                args.addr
            );
            return ExitCode::FAILURE;
        }
    };
    println!(
        "webhooks-mock proxy for {} on {} -> {}",
        args.provider.title(),
        proxy.base_url(),
        args.upstream
    );
    println!("  summary     http://{}/__mock/proxy/summary", proxy.addr());
    if let (true, Some(token)) = (made, &admin_token) {
        println!(
            "  admin API   send {}: {token}",
            webhooks_mock::app::ADMIN_TOKEN_HEADER
        );
    }
    stop.await;
    print!("{}", proxy.stop().await);
    ExitCode::SUCCESS
}

/// `serve --replay FILE --provider P`: answers from the recording.
pub async fn replay(path: PathBuf, provider: Provider, addr: SocketAddr) -> ExitCode {
    crate::log_to_stderr_at("warn");
    let stop = crate::shutdown_signal();
    let server = match ReplayServer::start(provider, &path, addr).await {
        Ok(server) => server,
        Err(e) => {
            eprintln!("webhooks-mock: --replay {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    };
    println!(
        "webhooks-mock replaying {} exchange(s) of {} on {}",
        server.exchanges(),
        provider.title(),
        server.base_url()
    );
    stop.await;
    ExitCode::SUCCESS
}
