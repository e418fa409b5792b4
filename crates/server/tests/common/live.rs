//! WebSocket clients for tests: send JSON frames, and wait for the frame one expects.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt, stream::SplitSink};
use serde::{Serialize, de::DeserializeOwned};
use tokio::{net::TcpStream, sync::mpsc, task::JoinHandle};
use tokio_tungstenite::{
    MaybeTlsStream, WebSocketStream, connect_async,
    tungstenite::{Message, client::IntoClientRequest, http::HeaderValue},
};

/// How long a test waits for an expected frame.
pub const FRAME_WAIT: Duration = Duration::from_secs(10);
/// How long a test waits for a frame it picks among others.
pub const UNTIL_WAIT: Duration = Duration::from_secs(30);

type Stream = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// A client that reads all the time, as a browser does: it answers the server's pings even
/// while a test is not waiting for a frame, and keeps what came until asked.
pub struct Ws {
    sink: SplitSink<Stream, Message>,
    frames: mpsc::UnboundedReceiver<Message>,
    reader: JoinHandle<()>,
}

impl Drop for Ws {
    /// Drops the connection without a word, as a lost network does.
    fn drop(&mut self) {
        self.reader.abort();
    }
}

impl Ws {
    /// Connects with extra request headers; panics if the server refuses.
    pub async fn connect(url: &str, headers: &[(&'static str, &str)]) -> Ws {
        Ws::try_connect(url, headers)
            .await
            .unwrap_or_else(|status| panic!("connecting to {url}: {status}"))
    }

    /// Connects, or returns the HTTP status of the refusal.
    pub async fn try_connect(url: &str, headers: &[(&'static str, &str)]) -> Result<Ws, u16> {
        let (sink, mut stream) = open(url, headers).await?.split();
        let (forward, frames) = mpsc::unbounded_channel();
        let reader = tokio::spawn(async move {
            while let Some(Ok(message)) = stream.next().await {
                if forward.send(message).is_err() {
                    return;
                }
            }
        });
        Ok(Ws {
            sink,
            frames,
            reader,
        })
    }

    /// Connects and never reads: a client gone quiet (a sleeping laptop, a dead network)
    /// whose connection was not closed. Keep it to keep the connection.
    pub async fn silent(url: &str, headers: &[(&'static str, &str)]) -> impl Send + use<> {
        open(url, headers)
            .await
            .unwrap_or_else(|status| panic!("connecting to {url}: {status}"))
    }

    pub async fn send(&mut self, frame: &impl Serialize) {
        self.send_text(&serde_json::to_string(frame).unwrap()).await;
    }

    pub async fn send_text(&mut self, text: &str) {
        self.sink.send(Message::Text(text.into())).await.unwrap();
    }

    /// The next JSON frame, or `None` when the server closed the connection.
    pub async fn next_raw(&mut self) -> Option<serde_json::Value> {
        self.next_raw_by(tokio::time::Instant::now() + FRAME_WAIT)
            .await
    }

    /// The next JSON frame by `deadline` (pings do not count), or `None` when the server
    /// closed the connection.
    async fn next_raw_by(&mut self, deadline: tokio::time::Instant) -> Option<serde_json::Value> {
        loop {
            let message = tokio::time::timeout_at(deadline, self.frames.recv())
                .await
                .expect("a frame within the wait")?;
            match message {
                Message::Text(text) => return Some(serde_json::from_str(&text).unwrap()),
                Message::Close(_) => return None,
                _ => {}
            }
        }
    }

    /// The next frame as `T`.
    pub async fn next<T: DeserializeOwned>(&mut self) -> T {
        self.next_by(tokio::time::Instant::now() + FRAME_WAIT).await
    }

    async fn next_by<T: DeserializeOwned>(&mut self, deadline: tokio::time::Instant) -> T {
        let raw = self
            .next_raw_by(deadline)
            .await
            .expect("the connection to stay open");
        serde_json::from_value(raw.clone())
            .unwrap_or_else(|e| panic!("unexpected frame {raw}: {e}"))
    }

    /// Skips frames until `pick` returns something, for at most [`UNTIL_WAIT`] in all (a
    /// quiet spell within it is fine; frames that keep coming, such as queue updates, do not
    /// keep a test waiting for one that never does).
    pub async fn until<T: DeserializeOwned, R>(
        &mut self,
        mut pick: impl FnMut(T) -> Option<R>,
    ) -> R {
        let deadline = tokio::time::Instant::now() + UNTIL_WAIT;
        loop {
            if let Some(found) = pick(self.next_by(deadline).await) {
                return found;
            }
        }
    }

    /// The close frame's code, once the server closes.
    pub async fn closed_with(&mut self) -> Option<u16> {
        let deadline = tokio::time::Instant::now() + FRAME_WAIT;
        loop {
            let message = tokio::time::timeout_at(deadline, self.frames.recv())
                .await
                .expect("closing in time");
            match message {
                Some(Message::Close(frame)) => return frame.map(|f| u16::from(f.code)),
                Some(_) => {}
                None => {
                    eprintln!("closed without a close frame");
                    return None;
                }
            }
        }
    }
}

/// Opens a connection, or returns the HTTP status of the refusal.
async fn open(url: &str, headers: &[(&'static str, &str)]) -> Result<Stream, u16> {
    let mut request = url.into_client_request().unwrap();
    for (name, value) in headers {
        request
            .headers_mut()
            .insert(*name, HeaderValue::from_str(value).unwrap());
    }
    match connect_async(request).await {
        Ok((stream, _)) => Ok(stream),
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            Err(response.status().as_u16())
        }
        Err(other) => panic!("connecting to {url}: {other}"),
    }
}
