//! `http`: GET a response from a loopback HTTP server that parabench itself runs on
//! 127.0.0.1 while the workload runs (hyper), answering after `delay_ms` with `bytes` bytes.
//! Blocking models use ureq; async models use hyper's client on the runtime they run on.
//! Every request opens its own connection, as `urllib.request.urlopen` does. The server's
//! address reaches tasks and command templates as the `url` parameter.

use super::{
    int, int_or, Kernel, KernelError, Kind, ParamSpec, ParamValue, Params, Service, Task,
    TaskFuture,
};
use bytes::Bytes;
use http_body_util::{BodyExt, Empty, Full};
use hyper::body::Incoming;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

pub struct Http;

/// The parameter through which the server's address reaches tasks and commands.
pub const URL_PARAM: &str = "url";

struct HttpTask {
    url: String,
    addr: SocketAddr,
}

impl Kernel for Http {
    fn name(&self) -> &'static str {
        "http"
    }
    fn about(&self) -> &'static str {
        "GET from parabench's own loopback HTTP server (127.0.0.1), which answers after `delay_ms` with `bytes` bytes (checksum: bytes received)"
    }
    fn kind(&self) -> Kind {
        Kind::Io
    }
    fn cpython(&self) -> bool {
        true
    }
    fn params(&self) -> &'static [ParamSpec] {
        &[
            ParamSpec {
                name: "delay_ms",
                about: "server-side delay before each response",
                default: 20,
                min: 0,
                max: 600_000,
            },
            ParamSpec {
                name: "bytes",
                about: "response body size",
                default: 1024,
                min: 0,
                max: 1 << 28,
            },
        ]
    }
    fn service_params(&self) -> &'static [&'static str] {
        &[URL_PARAM]
    }
    fn service(&self, params: &Params) -> Result<Option<Service>, KernelError> {
        let delay = Duration::from_millis(int(params, "delay_ms")? as u64);
        let body = Bytes::from(vec![b'x'; int(params, "bytes")? as usize]);
        let server = Server::start(delay, body)?;
        let mut extra = Params::new();
        extra.insert(
            URL_PARAM.into(),
            ParamValue::Str(format!("http://{}/", server.addr)),
        );
        Ok(Some(Service {
            params: extra,
            guard: Box::new(server),
        }))
    }
    fn prepare(&self, params: &Params) -> Result<Arc<dyn Task>, KernelError> {
        let url = match params.get(URL_PARAM) {
            Some(ParamValue::Str(u)) => u.clone(),
            _ => {
                return Err(KernelError::Setup(
                    "the http kernel runs against parabench's own server; no `url` was given"
                        .into(),
                ))
            }
        };
        let addr = url
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .parse::<SocketAddr>()
            .map_err(|e| KernelError::Setup(format!("bad server address in `{url}`: {e}")))?;
        if !addr.ip().is_loopback() {
            return Err(KernelError::Setup(format!(
                "refusing to send requests to {addr}: the http kernel only talks to 127.0.0.1"
            )));
        }
        Ok(Arc::new(HttpTask { url, addr }))
    }
    fn task_cost_s(&self, params: &Params) -> f64 {
        1e-3 * int_or(params, "delay_ms", 20) + 1e-4
    }
}

impl Task for HttpTask {
    fn run(&self, _index: u64) -> Result<u64, KernelError> {
        let mut resp = ureq::get(&self.url)
            .header("Connection", "close")
            .call()
            .map_err(|e| KernelError::Task(format!("GET {} failed: {e}", self.url)))?;
        let body = resp
            .body_mut()
            .with_config()
            .limit(u64::MAX)
            .read_to_vec()
            .map_err(|e| {
                KernelError::Task(format!("reading the body of {} failed: {e}", self.url))
            })?;
        Ok(body.len() as u64)
    }

    fn run_async(self: Arc<Self>, _index: u64) -> TaskFuture {
        Box::pin(async move {
            let fail = |what: &str, e: &dyn std::fmt::Display| {
                KernelError::Task(format!("{what} {} failed: {e}", self.url))
            };
            let stream = tokio::net::TcpStream::connect(self.addr)
                .await
                .map_err(|e| fail("connecting to", &e))?;
            let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
                .await
                .map_err(|e| fail("handshake with", &e))?;
            tokio::spawn(conn);
            let req = Request::builder()
                .uri("/")
                .header(hyper::header::HOST, self.addr.to_string())
                .header(hyper::header::CONNECTION, "close")
                .body(Empty::<Bytes>::new())
                .map_err(|e| fail("building a request for", &e))?;
            let resp = sender
                .send_request(req)
                .await
                .map_err(|e| fail("GET", &e))?;
            if !resp.status().is_success() {
                return Err(KernelError::Task(format!(
                    "GET {} answered {}",
                    self.url,
                    resp.status()
                )));
            }
            let body = resp
                .into_body()
                .collect()
                .await
                .map_err(|e| fail("reading the body of", &e))?;
            Ok(body.to_bytes().len() as u64)
        })
    }
}

/// Connections the server's socket queues before it accepts them (the kernel caps it at
/// `net.core.somaxconn`, 4096 by default). With tokio's default of 1024, a burst of 1,024
/// connections on a busy 2-core machine overflowed the queue (`ListenOverflows` in `nstat`):
/// the dropped SYNs were retried after a second, and a 100 ms request took 1.1 s.
const BACKLOG: u32 = 4096;

/// The loopback server: its own small tokio runtime on a background thread, stopped (and its
/// port closed) when dropped.
struct Server {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    fn start(delay: Duration, body: Bytes) -> Result<Server, KernelError> {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("parabench-http")
            .enable_all()
            .build()
            .map_err(|e| {
                KernelError::Service(format!("cannot start the http server's runtime: {e}"))
            })?;
        let listener = rt
            .block_on(async {
                let socket = tokio::net::TcpSocket::new_v4()?;
                socket.bind(SocketAddr::from(([127, 0, 0, 1], 0)))?;
                socket.listen(BACKLOG)
            })
            .map_err(|e| KernelError::Service(format!("cannot listen on 127.0.0.1: {e}")))?;
        let addr = listener
            .local_addr()
            .map_err(|e| KernelError::Service(e.to_string()))?;
        let (stop, mut stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            rt.block_on(async move {
                loop {
                    let accepted = tokio::select! {
                        _ = &mut stopped => break,
                        a = listener.accept() => a,
                    };
                    let Ok((stream, _)) = accepted else { continue };
                    tokio::spawn(serve(stream, delay, body.clone()));
                }
            });
            rt.shutdown_timeout(Duration::from_millis(100));
        });
        Ok(Server {
            addr,
            stop: Some(stop),
            thread: Some(thread),
        })
    }
}

/// Serves one connection: every request is answered with `body` after `delay`.
async fn serve(stream: tokio::net::TcpStream, delay: Duration, body: Bytes) {
    let svc = hyper::service::service_fn(move |_req: Request<Incoming>| {
        let body = body.clone();
        async move {
            // tokio's timer rounds up to its 1 ms tick: a zero delay would still wait up to a
            // millisecond.
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            Ok::<_, Infallible>(Response::new(Full::new(body)))
        }
    });
    let _ = hyper::server::conn::http1::Builder::new()
        .serve_connection(TokioIo::new(stream), svc)
        .await;
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocking_and_async_clients_get_the_body() {
        let mut params = Params::new();
        params.insert("delay_ms".into(), ParamValue::Int(1));
        params.insert("bytes".into(), ParamValue::Int(3000));
        let service = Http.service(&params).unwrap().unwrap();
        params.extend(service.params.clone());
        let task = Http.prepare(&params).unwrap();
        assert_eq!(task.run(0), Ok(3000));
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        assert_eq!(rt.block_on(task.clone().run_async(1)), Ok(3000));
        let url = match &service.params[URL_PARAM] {
            ParamValue::Str(u) => u.clone(),
            _ => unreachable!(),
        };
        assert!(url.starts_with("http://127.0.0.1:"));
        drop(service);
        assert!(task.run(2).is_err(), "the server stops with its workload");
    }

    #[test]
    fn refuses_other_hosts() {
        let mut params = Params::new();
        params.insert(
            URL_PARAM.into(),
            ParamValue::Str("http://10.0.0.1:80/".into()),
        );
        assert!(Http.prepare(&params).is_err());
    }
}
