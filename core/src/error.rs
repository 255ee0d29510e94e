//! The one error type of the core, and how it maps onto an HTTP answer.

use std::fmt;

/// Result with the core's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong, as a kind (which decides the HTTP status and `error_type`), a stable
/// machine code and a human sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// The kind of failure.
    pub kind: ErrorKind,
    /// Stable machine-readable code, e.g. `CLIENT_NOT_FOUND`.
    pub code: &'static str,
    /// One human sentence saying exactly what is wrong.
    pub detail: String,
}

/// The kinds of failure; each maps to one HTTP status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Bad input: malformed JSON, a missing or invalid field, a failed validation (400).
    BadRequest,
    /// No or wrong credentials (401).
    Unauthorized,
    /// The thing named does not exist (404).
    NotFound,
    /// The method is not served on that route (405).
    MethodNotAllowed,
    /// The request conflicts with the current state (409).
    Conflict,
    /// The body is larger than the limit (413).
    PayloadTooLarge,
    /// A stored value or a host facility failed (500); never caused by request input.
    Internal,
}

impl ErrorKind {
    /// The HTTP status code for this kind.
    pub fn status(self) -> u16 {
        match self {
            Self::BadRequest => 400,
            Self::Unauthorized => 401,
            Self::NotFound => 404,
            Self::MethodNotAllowed => 405,
            Self::Conflict => 409,
            Self::PayloadTooLarge => 413,
            Self::Internal => 500,
        }
    }

    /// The `error_type` string of the error body.
    pub fn name(self) -> &'static str {
        match self {
            Self::BadRequest => "BadRequest",
            Self::Unauthorized => "Unauthorized",
            Self::NotFound => "NotFound",
            Self::MethodNotAllowed => "MethodNotAllowed",
            Self::Conflict => "Conflict",
            Self::PayloadTooLarge => "PayloadTooLarge",
            Self::Internal => "InternalError",
        }
    }
}

impl Error {
    /// An error of `kind` with a machine `code` and a human `detail`.
    pub fn new(kind: ErrorKind, code: &'static str, detail: impl Into<String>) -> Self {
        Self {
            kind,
            code,
            detail: detail.into(),
        }
    }

    /// 400 with `code`.
    pub fn bad_request(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(ErrorKind::BadRequest, code, detail)
    }

    /// 404 with `code`.
    pub fn not_found(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(ErrorKind::NotFound, code, detail)
    }

    /// 409 with `code`.
    pub fn conflict(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(ErrorKind::Conflict, code, detail)
    }

    /// 500 with `code`: a stored value or a host facility failed.
    pub fn internal(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(ErrorKind::Internal, code, detail)
    }

    /// The HTTP status code.
    pub fn status(&self) -> u16 {
        self.kind.status()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.detail, self.code)
    }
}

impl std::error::Error for Error {}
