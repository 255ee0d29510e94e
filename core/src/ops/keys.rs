//! Signing keys: initialize or rotate, publish the public half, and find the key that verifies
//! an artifact.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Nothing, Outcome};
use crate::error::{Code, Error, Result};
use crate::ports::Ports;
use crate::records::{self, PublicKeyRecord, StoredSigningKey};
use crate::signing::{PublicKey, SigningKeys};
use crate::store::{Batch, Store};

/// The signature algorithm of every key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
pub enum Algorithm {
    /// Ed25519 (RFC 8032).
    Ed25519,
}

/// The current signing keys, from the host's keyring or the store.
pub(crate) fn current<S: Store + ?Sized>(
    store: &S,
    ports: &Ports<'_>,
) -> Result<Option<SigningKeys>> {
    let pem = match ports.keyring {
        Some(keyring) => keyring.load()?,
        None => records::signing_key(store)?.map(|k| k.private_key_pem),
    };
    pem.map(|pem| {
        SigningKeys::from_pkcs8_pem(&pem).map_err(|e| {
            Error::new(
                Code::SigningKeyUnreadable,
                format!("The stored signing key cannot be read: {}", e.detail),
            )
        })
    })
    .transpose()
}

/// The current keys, or 409 `KEYS_NOT_INITIALIZED` telling the caller to initialize them.
pub(crate) fn required<S: Store + ?Sized>(store: &S, ports: &Ports<'_>) -> Result<SigningKeys> {
    current(store, ports)?.ok_or_else(|| {
        Error::new(
            Code::KeysNotInitialized,
            "Signing keys are not initialized: POST /v1/keys/initialize (or run `mcp-orchestration keys init`) first",
        )
    })
}

/// Adds archiving the public half of `keys` to `batch` unless it is archived already, so that
/// artifacts it signs stay verifiable after a rotation.
pub(crate) fn archive<S: Store + ?Sized>(
    store: &S,
    batch: &mut Batch,
    keys: &SigningKeys,
    ports: &Ports<'_>,
) -> Result<()> {
    let key_id = keys.key_id();
    if records::public_key(store, &key_id)?.is_none() {
        records::put_public_key(
            batch,
            &PublicKeyRecord {
                key_id,
                public_key: keys.public_key_pem()?,
                created_at: ports.clock.now(),
            },
        )?;
    }
    Ok(())
}

/// The public key with id `key_id`: the archive first, then the current key.
pub(crate) fn verifier<S: Store + ?Sized>(
    store: &S,
    ports: &Ports<'_>,
    key_id: &str,
) -> Result<PublicKey> {
    if let Some(record) = records::public_key(store, key_id)? {
        return PublicKey::from_spki_pem(&record.public_key);
    }
    match current(store, ports)? {
        Some(keys) if keys.key_id() == key_id => Ok(keys.public_key()),
        _ => Err(Error::new(
            Code::SigningKeyUnknown,
            format!(
                "The key '{key_id}' that signed this artifact is not known here, so its signature cannot be verified"
            ),
        )),
    }
}

/// The input of [`initialize`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InitializeKeys {
    /// Replace existing keys with new ones; earlier artifacts stay verifiable.
    #[serde(default)]
    pub regenerate: bool,
}

/// The answer of [`initialize`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct KeysInitialized {
    /// Always true.
    pub success: bool,
    /// `initialized`.
    pub status: Outcome,
    /// Id of the new key (as in artifacts' `signing_key_id`).
    pub key_id: String,
    /// The new public key, SPKI PEM.
    pub public_key: String,
    /// The algorithm.
    pub algorithm: Algorithm,
    /// Ids of every key that signed or signs artifacts.
    pub keys: Vec<String>,
    /// What happened, in a sentence.
    pub message: String,
}

/// Creates the signing keys, or rotates them with `regenerate`; 409
/// `KEYS_ALREADY_INITIALIZED` when they exist and `regenerate` is not set.
pub fn initialize<S: Store + ?Sized>(
    store: &mut S,
    ports: &Ports<'_>,
    input: InitializeKeys,
) -> Result<KeysInitialized> {
    if let Some(existing) = current(store, ports)?
        && !input.regenerate
    {
        return Err(Error::new(
            Code::KeysAlreadyInitialized,
            format!(
                "Signing keys are already initialized (key id '{}'); send {{\"regenerate\": true}} (or run `mcp-orchestration keys init --regenerate`) to rotate them",
                existing.key_id()
            ),
        ));
    }
    let keys = SigningKeys::generate(ports.entropy)?;
    let private_key_pem = keys.to_pkcs8_pem()?;
    let public_key = keys.public_key_pem()?;
    let mut batch = Batch::new();
    match ports.keyring {
        Some(keyring) => keyring.save(&private_key_pem, &public_key)?,
        None => records::put_signing_key(&mut batch, &StoredSigningKey { private_key_pem })?,
    }
    archive(store, &mut batch, &keys, ports)?;
    store.commit(batch)?;
    let keys_known = records::public_keys(store)?
        .into_iter()
        .map(|k| k.key_id)
        .collect();
    Ok(KeysInitialized {
        success: true,
        status: Outcome::Initialized,
        key_id: keys.key_id(),
        public_key,
        algorithm: Algorithm::Ed25519,
        keys: keys_known,
        message: if input.regenerate {
            "Signing keys rotated; artifacts signed before stay verifiable"
        } else {
            "Signing keys initialized"
        }
        .to_owned(),
    })
}

/// One public key, by id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct KeyEntry {
    /// The key id, as in artifacts' `signing_key_id`.
    pub key_id: String,
    /// SPKI PEM.
    pub public_key: String,
}

/// The answer of [`public`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct PublicKeyInfo {
    /// Id of the current key.
    pub key_id: String,
    /// The current public key, SPKI PEM.
    pub public_key: String,
    /// The algorithm.
    pub algorithm: Algorithm,
    /// Every key that signed or signs artifacts here: the current one and those rotated out,
    /// whose artifacts stay verifiable.
    pub keys: Vec<KeyEntry>,
}

/// The current public key and the archived ones, for verifiers; 404 `KEYS_NOT_FOUND` before
/// keys exist.
pub fn public<S: Store + ?Sized>(
    store: &mut S,
    ports: &Ports<'_>,
    _: Nothing,
) -> Result<PublicKeyInfo> {
    let keys = current(store, ports)?
        .ok_or_else(|| Error::new(
            Code::KeysNotFound,
            "Signing keys are not initialized yet: POST /v1/keys/initialize (or run `mcp-orchestration keys init`) first",
        ))?;
    let key_id = keys.key_id();
    let public_key = keys.public_key_pem()?;
    let mut listed: Vec<KeyEntry> = records::public_keys(store)?
        .into_iter()
        .map(|k| KeyEntry {
            key_id: k.key_id,
            public_key: k.public_key,
        })
        .collect();
    if !listed.iter().any(|k| k.key_id == key_id) {
        listed.push(KeyEntry {
            key_id: key_id.clone(),
            public_key: public_key.clone(),
        });
    }
    Ok(PublicKeyInfo {
        key_id,
        public_key,
        algorithm: Algorithm::Ed25519,
        keys: listed,
    })
}
