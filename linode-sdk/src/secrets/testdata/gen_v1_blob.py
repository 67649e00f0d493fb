"""Writes v1-blob.json: a secret blob of the first format (linode-secret/v1), made by this
independent implementation of the format (HChaCha20 written here, ChaCha20-Poly1305 from the
`cryptography` package), so the Rust tests prove that v1 blobs stay readable.

Master key: the 32 bytes 00 01 .. 1f (test only). Value: "legacy value". Run with the
project's venv: .tools/venv/bin/python gen_v1_blob.py > v1-blob.json
"""

import base64
import hashlib
import json
import struct

from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

KEY = bytes(range(32))
FINGERPRINT_CONTEXT = b"linode-secrets master key fingerprint v1\0"
AAD_CONTEXT = b"linode-secret/v1 header\0"


def rotl(v, n):
    return ((v << n) & 0xFFFFFFFF) | (v >> (32 - n))


def quarter(s, a, b, c, d):
    s[a] = (s[a] + s[b]) & 0xFFFFFFFF; s[d] = rotl(s[d] ^ s[a], 16)
    s[c] = (s[c] + s[d]) & 0xFFFFFFFF; s[b] = rotl(s[b] ^ s[c], 12)
    s[a] = (s[a] + s[b]) & 0xFFFFFFFF; s[d] = rotl(s[d] ^ s[a], 8)
    s[c] = (s[c] + s[d]) & 0xFFFFFFFF; s[b] = rotl(s[b] ^ s[c], 7)


def hchacha20(key, nonce16):
    s = [0x61707865, 0x3320646E, 0x79622D32, 0x6B206574]
    s += list(struct.unpack("<8I", key)) + list(struct.unpack("<4I", nonce16))
    for _ in range(10):
        quarter(s, 0, 4, 8, 12); quarter(s, 1, 5, 9, 13); quarter(s, 2, 6, 10, 14); quarter(s, 3, 7, 11, 15)
        quarter(s, 0, 5, 10, 15); quarter(s, 1, 6, 11, 12); quarter(s, 2, 7, 8, 13); quarter(s, 3, 4, 9, 14)
    return struct.pack("<8I", *(s[0:4] + s[12:16]))


def xchacha_seal(key, nonce24, msg, aad):
    sub = hchacha20(key, nonce24[:16])
    return ChaCha20Poly1305(sub).encrypt(b"\0" * 4 + nonce24[16:], msg, aad)


fingerprint = "sha256:" + hashlib.sha256(FINGERPRINT_CONTEXT + KEY).digest()[:16].hex()
# serde_json's compact form of the v1 header, fields in declaration order.
header = (
    '{"format":"linode-secret/v1","alg":"XChaCha20-Poly1305","name":"app/legacy",'
    f'"key_id":"{fingerprint}","revision":2,"created":"2025-06-01T10:00:00Z",'
    '"updated":"2025-07-01T10:00:00Z","rotated":"2025-07-01T10:00:00Z",'
    '"rotation_period":"90d","labels":{"team":"ml"}}'
)
aad = AAD_CONTEXT + header.encode()
dek = bytes(range(100, 132))
nonce = bytes(range(1, 25))
dek_nonce = bytes(range(50, 74))
b64 = lambda b: base64.b64encode(b).decode()
blob = {
    "header": json.loads(header),
    "wrapped_dek": b64(xchacha_seal(KEY, dek_nonce, dek, aad)),
    "dek_nonce": b64(dek_nonce),
    "nonce": b64(nonce),
    "ciphertext": b64(xchacha_seal(dek, nonce, b"legacy value", aad)),
}
print(json.dumps(blob, indent=2))
