//! A TCP proxy between a browser and the test server that can cut the network and bring it
//! back: while cut, every open connection is dropped and new ones are closed at once, as
//! when a phone loses its signal. It can also be slow: new connections then reach the server
//! only after a while, as on a poor mobile network. And it can freeze the open connections:
//! they stay open but carry nothing either way, as after a phone moves from Wi-Fi to mobile
//! data (the old connection is dead, and neither end is told).

use std::{
    net::SocketAddr,
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    time::Duration,
};

use tokio::{
    net::{TcpListener, TcpStream},
    sync::watch,
    task::JoinHandle,
};

pub struct Proxy {
    pub base: String,
    up: Arc<AtomicBool>,
    /// How long a new connection waits before it reaches the server, in milliseconds.
    latency_ms: Arc<AtomicU64>,
    /// Bumped at each cut; connections end when it changes.
    cuts: watch::Sender<u64>,
    /// Bumped at each freeze; connections open then carry nothing more, and stay open.
    freezes: watch::Sender<u64>,
    task: JoinHandle<()>,
}

impl Proxy {
    /// Forwards a fresh local port to `target`.
    pub async fn start(target: SocketAddr) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let up = Arc::new(AtomicBool::new(true));
        let latency_ms = Arc::new(AtomicU64::new(0));
        let (cuts, _) = watch::channel(0);
        let (freezes, _) = watch::channel(0);
        let task = tokio::spawn({
            let up = up.clone();
            let latency_ms = latency_ms.clone();
            let cuts = cuts.clone();
            let freezes = freezes.clone();
            async move {
                while let Ok((mut client, _)) = listener.accept().await {
                    if !up.load(Ordering::SeqCst) {
                        continue; // dropped: the connection closes at once
                    }
                    let mut cut = cuts.subscribe();
                    let mut freeze = freezes.subscribe();
                    let latency = Duration::from_millis(latency_ms.load(Ordering::SeqCst));
                    tokio::spawn(async move {
                        tokio::time::sleep(latency).await;
                        let Ok(mut server) = TcpStream::connect(target).await else {
                            return;
                        };
                        tokio::select! {
                            _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                            _ = cut.changed() => {}
                            _ = freeze.changed() => {
                                // Both sockets held open, read by no one, until a cut.
                                let _ = cut.changed().await;
                            }
                        }
                    });
                }
            }
        });
        Proxy {
            base: format!("http://{addr}"),
            up,
            latency_ms,
            cuts,
            freezes,
            task,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Drops every connection and refuses new ones until [`Proxy::restore`].
    pub fn cut(&self) {
        self.up.store(false, Ordering::SeqCst);
        self.cuts.send_modify(|n| *n += 1);
    }

    /// The connections open now stop carrying anything, without closing; new ones work.
    pub fn freeze(&self) {
        self.freezes.send_modify(|n| *n += 1);
    }

    pub fn restore(&self) {
        self.up.store(true, Ordering::SeqCst);
    }

    /// From now on, new connections reach the server only after `latency`.
    pub fn slow(&self, latency: Duration) {
        let ms = u64::try_from(latency.as_millis()).unwrap_or(u64::MAX);
        self.latency_ms.store(ms, Ordering::SeqCst);
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}
