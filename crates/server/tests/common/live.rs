//! WebSocket clients for tests: send JSON frames, and wait for the frame one expects.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde::{Serialize, de::DeserializeOwned};
use tokio::net::TcpStream;
use tokio_tungstenite::{
    MaybeTlsStream, WebSocketStream, connect_async,
    tungstenite::{Message, client::IntoClientRequest, http::HeaderValue},
};

/// How long a test waits for an expected frame.
pub const FRAME_WAIT: Duration = Duration::from_secs(10);

pub struct Ws {
    stream: WebSocketStream<MaybeTlsStream<TcpStream>>,
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
        let mut request = url.into_client_request().unwrap();
        for (name, value) in headers {
            request
                .headers_mut()
                .insert(*name, HeaderValue::from_str(value).unwrap());
        }
        match connect_async(request).await {
            Ok((stream, _)) => Ok(Ws { stream }),
            Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
                Err(response.status().as_u16())
            }
            Err(other) => panic!("connecting to {url}: {other}"),
        }
    }

    pub async fn send(&mut self, frame: &impl Serialize) {
        self.send_text(&serde_json::to_string(frame).unwrap()).await;
    }

    pub async fn send_text(&mut self, text: &str) {
        self.stream.send(Message::Text(text.into())).await.unwrap();
    }

    /// The next JSON frame, or `None` when the server closed the connection.
    pub async fn next_raw(&mut self) -> Option<serde_json::Value> {
        loop {
            let message = tokio::time::timeout(FRAME_WAIT, self.stream.next())
                .await
                .expect("a frame within the wait")?;
            match message {
                Ok(Message::Text(text)) => return Some(serde_json::from_str(&text).unwrap()),
                Ok(Message::Close(_)) | Err(_) => return None,
                Ok(_) => {}
            }
        }
    }

    /// The next frame as `T`.
    pub async fn next<T: DeserializeOwned>(&mut self) -> T {
        let raw = self.next_raw().await.expect("the connection to stay open");
        serde_json::from_value(raw.clone())
            .unwrap_or_else(|e| panic!("unexpected frame {raw}: {e}"))
    }

    /// Skips frames until `pick` returns something.
    pub async fn until<T: DeserializeOwned, R>(
        &mut self,
        mut pick: impl FnMut(T) -> Option<R>,
    ) -> R {
        loop {
            if let Some(found) = pick(self.next().await) {
                return found;
            }
        }
    }

    /// The close frame's code, once the server closes.
    pub async fn closed_with(&mut self) -> Option<u16> {
        loop {
            let message = tokio::time::timeout(FRAME_WAIT, self.stream.next())
                .await
                .expect("closing in time")?;
            match message {
                Ok(Message::Close(frame)) => return frame.map(|f| u16::from(f.code)),
                Ok(_) => {}
                Err(e) => {
                    eprintln!("closed without a close frame: {e}");
                    return None;
                }
            }
        }
    }
}
