//! Reading the answer a server sends before the request body is complete.
//!
//! A server may refuse an upload as soon as it has read the headers (an
//! expired URL, a signature that does not match) and close the connection
//! while the body is still being sent. The client then sees a write error
//! (broken pipe, connection reset) instead of the refusal, which is the one
//! thing the user needs to see. `Expect: 100-continue` avoids most of it
//! (the CLI sends it with bodies above 1 MiB); for servers that ignore it, this
//! transport keeps going after a failed write: it discards the rest of the
//! body and reads the answer the server sent, and only when there is none
//! reports the write error, as a [`WriteBroke`] that says how much of the
//! request had gone (so that the error is not mistaken for a failure to
//! connect).

use std::io;

use ureq::unversioned::transport::{Buffers, ConnectionDetails, Connector, NextTimeout, Transport};

/// Wraps each connection of the chain before it in [`KeepReading`].
#[derive(Debug)]
pub(crate) struct ReadAfterWriteError;

impl Connector<Box<dyn Transport>> for ReadAfterWriteError {
    type Out = Box<dyn Transport>;

    fn connect(
        &self,
        _details: &ConnectionDetails,
        chained: Option<Box<dyn Transport>>,
    ) -> Result<Option<Self::Out>, ureq::Error> {
        Ok(chained.map(|inner| {
            Box::new(KeepReading {
                inner,
                sent: 0,
                write_failed: None,
            }) as Box<dyn Transport>
        }))
    }
}

/// A connection that turns a failed write into "sent", remembering the
/// failure, so that the answer already on its way can still be read.
#[derive(Debug)]
struct KeepReading {
    inner: Box<dyn Transport>,
    /// Bytes of the request written so far (head and body).
    sent: u64,
    /// The first write error (kind and text).
    write_failed: Option<(io::ErrorKind, String)>,
}

impl KeepReading {
    fn write_error(&self) -> Option<ureq::Error> {
        self.write_failed.as_ref().map(|(kind, text)| {
            ureq::Error::Io(io::Error::new(
                *kind,
                WriteBroke {
                    sent: self.sent,
                    text: text.clone(),
                },
            ))
        })
    }
}

/// The connection broke while the request was being written, and the
/// server sent no answer: the inner error of the [`io::Error`] (of the
/// write's kind, `BrokenPipe` or `ConnectionReset`) that is then reported.
#[derive(Debug)]
pub(crate) struct WriteBroke {
    /// Bytes of the request (head and body) written before the break.
    pub(crate) sent: u64,
    /// The write error's own text (`Broken pipe (os error 32)`).
    pub(crate) text: String,
}

impl std::fmt::Display for WriteBroke {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl std::error::Error for WriteBroke {}

impl Transport for KeepReading {
    fn buffers(&mut self) -> &mut dyn Buffers {
        self.inner.buffers()
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        if self.write_failed.is_some() {
            // The peer is gone: what is left of the body goes nowhere.
            return Ok(());
        }
        match self.inner.transmit_output(amount, timeout) {
            Ok(()) => {
                self.sent += amount as u64;
                Ok(())
            }
            Err(ureq::Error::Io(error))
                if matches!(
                    error.kind(),
                    io::ErrorKind::BrokenPipe | io::ErrorKind::ConnectionReset
                ) =>
            {
                self.write_failed = Some((error.kind(), error.to_string()));
                Ok(())
            }
            other => other,
        }
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        match self.inner.await_input(timeout) {
            // No answer after a failed write: the write error says more.
            Err(error) => Err(self.write_error().unwrap_or(error)),
            Ok(false) if self.write_failed.is_some() => {
                Err(self.write_error().unwrap_or(ureq::Error::ConnectionFailed))
            }
            other => other,
        }
    }

    fn is_open(&mut self) -> bool {
        self.write_failed.is_none() && self.inner.is_open()
    }

    fn is_tls(&self) -> bool {
        self.inner.is_tls()
    }
}
