//! Ed25519 signing keys, in the PEM forms the Python mcp-orchestration uses: the private key as
//! PKCS#8 (`BEGIN PRIVATE KEY`), the public key as SPKI (`BEGIN PUBLIC KEY`). Signatures are
//! standard base64 with padding, as Python's `base64.b64encode` writes them.
//!
//! A key's id is the first 16 lowercase hex characters of the SHA-256 of its raw 32-byte public
//! key: the same key always has the same id, on every host.
//!
//! A signature that does not verify is a 409 `SIGNATURE_INVALID`: the data disagrees with the
//! key, which is a conflict of state rather than a malformed request.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use ed25519_dalek::pkcs8::{
    DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey, KeypairBytes,
};
use ed25519_dalek::{Signature, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

use crate::error::{Code, Error, Result};
use crate::ports::Entropy;

/// Number of hex characters in a key id.
pub const KEY_ID_LEN: usize = 16;

/// Lowercase hex SHA-256 of `bytes` (64 characters).
pub fn sha256_hex(bytes: &[u8]) -> String {
    to_hex(&Sha256::digest(bytes))
}

/// `bytes` as lowercase hex, two characters a byte.
pub fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

fn key_id_of(public: &VerifyingKey) -> String {
    let mut id = sha256_hex(public.as_bytes());
    id.truncate(KEY_ID_LEN);
    id
}

/// An Ed25519 key pair that signs artifacts.
#[derive(Clone)]
pub struct SigningKeys {
    key: SigningKey,
}

impl SigningKeys {
    /// A new key pair from 32 bytes of `entropy` (fails only if the entropy source does).
    pub fn generate(entropy: &dyn Entropy) -> Result<Self> {
        let mut seed = [0u8; 32];
        entropy.fill(&mut seed)?;
        Ok(Self {
            key: SigningKey::from_bytes(&seed),
        })
    }

    /// Reads a PKCS#8 PEM private key, as a host keeps it.
    ///
    /// A key that does not parse is a 500 `SIGNING_KEY_INVALID`: private keys only ever come
    /// from the host's own keyring or store, never from a request.
    pub fn from_pkcs8_pem(pem: &str) -> Result<Self> {
        let invalid = |what: String| {
            Error::new(
                Code::SigningKeyInvalid,
                format!(
                    "The stored signing key is not a valid Ed25519 PKCS#8 PEM private key: {what}"
                ),
            )
        };
        let pair = KeypairBytes::from_pkcs8_pem(pem).map_err(|e| invalid(e.to_string()))?;
        // Checks the embedded public key, if any, against the private key.
        let key = SigningKey::try_from(&pair).map_err(|e| invalid(e.to_string()))?;
        Ok(Self { key })
    }

    /// The private key as PKCS#8 v1 PEM (LF line endings), byte for byte what Python's
    /// `cryptography` writes for the same key.
    pub fn to_pkcs8_pem(&self) -> Result<String> {
        let pair = KeypairBytes {
            secret_key: self.key.to_bytes(),
            public_key: None,
        };
        pair.to_pkcs8_pem(LineEnding::LF)
            .map(|pem| pem.to_string())
            .map_err(|e| {
                Error::new(
                    Code::KeyEncode,
                    format!("Could not encode the signing key as PEM: {e}"),
                )
            })
    }

    /// The public key as SPKI PEM.
    pub fn public_key_pem(&self) -> Result<String> {
        self.public_key().to_spki_pem()
    }

    /// The public half, for verifying.
    pub fn public_key(&self) -> PublicKey {
        PublicKey {
            key: self.key.verifying_key(),
        }
    }

    /// The key id: the first 16 hex characters of SHA-256 of the raw public key.
    pub fn key_id(&self) -> String {
        key_id_of(&self.key.verifying_key())
    }

    /// Signs `msg`; the signature as standard base64 with padding (88 characters).
    pub fn sign(&self, msg: &[u8]) -> String {
        use ed25519_dalek::Signer as _;
        STANDARD.encode(self.key.sign(msg).to_bytes())
    }
}

impl fmt::Debug for SigningKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never print the secret.
        f.debug_struct("SigningKeys")
            .field("key_id", &self.key_id())
            .finish_non_exhaustive()
    }
}

/// An Ed25519 public key that verifies artifact signatures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicKey {
    key: VerifyingKey,
}

impl PublicKey {
    /// Reads an SPKI PEM public key (`BEGIN PUBLIC KEY`); 400 `INVALID_PUBLIC_KEY` if it is not
    /// one.
    pub fn from_spki_pem(pem: &str) -> Result<Self> {
        VerifyingKey::from_public_key_pem(pem)
            .map(|key| Self { key })
            .map_err(|e| {
                Error::new(
                    Code::InvalidPublicKey,
                    format!("The public key is not a valid Ed25519 SPKI PEM public key: {e}"),
                )
            })
    }

    /// The key as SPKI PEM (LF line endings).
    pub fn to_spki_pem(&self) -> Result<String> {
        self.key.to_public_key_pem(LineEnding::LF).map_err(|e| {
            Error::new(
                Code::KeyEncode,
                format!("Could not encode the public key as PEM: {e}"),
            )
        })
    }

    /// The key id: the first 16 hex characters of SHA-256 of the raw public key.
    pub fn key_id(&self) -> String {
        key_id_of(&self.key)
    }

    /// Checks a base64 signature of `msg`. Bad base64, a wrong length or a signature that does
    /// not match are all 409 `SIGNATURE_INVALID`, each with its own detail.
    pub fn verify(&self, msg: &[u8], signature_b64: &str) -> Result<()> {
        let invalid = |detail: &str| Error::new(Code::SignatureInvalid, detail);
        let bytes = STANDARD
            .decode(signature_b64)
            .map_err(|_| invalid("The signature is not valid base64"))?;
        let bytes: [u8; 64] = bytes.try_into().map_err(|b: Vec<u8>| {
            Error::new(
                Code::SignatureInvalid,
                format!(
                    "The signature is {} bytes long; an Ed25519 signature is 64",
                    b.len()
                ),
            )
        })?;
        self.key
            .verify_strict(msg, &Signature::from_bytes(&bytes))
            .map_err(|_| invalid("The signature does not match the content and the public key"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::{Fixed, NoEntropy};
    use crate::timestamp::Timestamp;

    fn keys(seed: u64) -> SigningKeys {
        SigningKeys::generate(&Fixed::new(Timestamp(0), seed)).unwrap()
    }

    #[test]
    fn pem_round_trips_and_key_id_is_stable() {
        let k = keys(1);
        let pem = k.to_pkcs8_pem().unwrap();
        assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----\n"));
        let back = SigningKeys::from_pkcs8_pem(&pem).unwrap();
        assert_eq!(back.key_id(), k.key_id());
        assert_eq!(back.sign(b"m"), k.sign(b"m"));
        let public = PublicKey::from_spki_pem(&k.public_key_pem().unwrap()).unwrap();
        assert_eq!(public, k.public_key());
        assert_eq!(public.key_id(), k.key_id());
        assert_eq!(k.key_id().len(), KEY_ID_LEN);
        assert!(
            k.key_id()
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        );
        assert_ne!(keys(2).key_id(), k.key_id());
    }

    #[test]
    fn key_id_is_the_prefix_of_sha256_of_the_raw_public_key() {
        let k = keys(3);
        let raw = k.public_key().key.to_bytes();
        assert_eq!(k.key_id(), sha256_hex(&raw)[..16]);
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn generation_reports_a_broken_entropy_source() {
        let err = SigningKeys::generate(&NoEntropy).unwrap_err();
        assert_eq!(err.code, "ENTROPY_UNAVAILABLE");
    }

    #[test]
    fn garbage_pems_are_errors_not_panics() {
        let public_pem = keys(1).public_key_pem().unwrap();
        for garbage in [
            "",
            "hello",
            "-----BEGIN PRIVATE KEY-----\n!!!\n-----END PRIVATE KEY-----\n",
            &public_pem,
        ] {
            let err = SigningKeys::from_pkcs8_pem(garbage).unwrap_err();
            assert_eq!(
                (err.status(), err.code.as_str()),
                (500, "SIGNING_KEY_INVALID"),
                "{garbage:?}"
            );
        }
        let private_pem = keys(1).to_pkcs8_pem().unwrap();
        for garbage in [
            "",
            "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
            &private_pem,
        ] {
            let err = PublicKey::from_spki_pem(garbage).unwrap_err();
            assert_eq!(
                (err.status(), err.code.as_str()),
                (400, "INVALID_PUBLIC_KEY"),
                "{garbage:?}"
            );
        }
    }

    #[test]
    fn signatures_verify_only_for_the_same_message_and_key() {
        let k = keys(1);
        let sig = k.sign(b"payload");
        assert_eq!(sig.len(), 88);
        assert!(k.public_key().verify(b"payload", &sig).is_ok());
        let wrong_msg = k.public_key().verify(b"payloaD", &sig).unwrap_err();
        assert_eq!(
            (wrong_msg.status(), wrong_msg.code.as_str()),
            (409, "SIGNATURE_INVALID")
        );
        assert!(keys(2).public_key().verify(b"payload", &sig).is_err());
    }

    #[test]
    fn malformed_signatures_say_what_is_wrong() {
        let public = keys(1).public_key();
        let bad_b64 = public.verify(b"m", "not base64!").unwrap_err();
        assert!(bad_b64.detail.contains("base64"));
        let short = public
            .verify(b"m", &STANDARD.encode([0u8; 10]))
            .unwrap_err();
        assert!(short.detail.contains("10 bytes"), "{}", short.detail);
        let zeros = public
            .verify(b"m", &STANDARD.encode([0u8; 64]))
            .unwrap_err();
        assert_eq!(zeros.code, "SIGNATURE_INVALID");
    }

    #[test]
    fn debug_output_hides_the_secret() {
        let k = keys(1);
        let shown = format!("{k:?}");
        assert!(shown.contains(&k.key_id()));
        assert!(!shown.contains(&to_hex(&k.key.to_bytes())));
    }
}
