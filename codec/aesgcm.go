// Package codec encrypts the payloads tsworker and the Go SDK send to
// Temporal (workflow and activity arguments and results, signals, queries,
// updates, memo, failure details), and serves the same codec over HTTP so
// the Temporal Web UI and CLI can show them decrypted.
//
//	key, err := codec.LoadKey("codec.key") // 64 hex digits: openssl rand -hex 32
//	if err != nil { ... }
//	aes, err := codec.NewAESGCM(key, "")
//	if err != nil { ... }
//	dc := converter.NewCodecDataConverter(converter.GetDefaultDataConverter(), aes)
//	c, err := client.Dial(ctx, client.Options{SDK: sdkclient.Options{
//		DataConverter:    dc,
//		FailureConverter: codec.FailureConverter(dc),
//	}})
//	w, err := worker.New(c, "orders", worker.Options{Workflows: "workflows.ts", DataConverter: dc})
//
// The codec changes payloads only after the data converter has made them
// (JSON, bytes, protobuf), so JS workflows see the same values as without
// it. Search attributes are not payloads the server can index when
// encrypted: they stay in plain text, so keep secrets out of them.
package codec

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"google.golang.org/protobuf/proto"
)

// Metadata of an encrypted payload, as Temporal's encryption samples for
// every SDK write it.
const (
	// EncodingEncrypted is the "encoding" of an encrypted payload.
	EncodingEncrypted = "binary/encrypted"
	// MetadataEncoding is the metadata key of a payload's encoding.
	MetadataEncoding = converter.MetadataEncoding
	// MetadataKeyID is the metadata key naming the key a payload was
	// encrypted with.
	MetadataKeyID = "encryption-key-id"
)

// AESGCM is a payload codec that encrypts each payload with AES-GCM. An
// encrypted payload's data is a random 12-byte nonce followed by the sealed
// protobuf encoding of the original payload (metadata and data), so the
// original encoding is hidden too; its metadata holds only
// "encoding: binary/encrypted" and the key id. It is safe for concurrent
// use.
type AESGCM struct {
	aead  cipher.AEAD
	keyID string
}

var _ converter.PayloadCodec = (*AESGCM)(nil)

// NewAESGCM returns a codec that encrypts with key, a 16-, 24- or 32-byte
// AES key (32 bytes, AES-256, is recommended), and records keyID in every
// payload it encrypts. An empty keyID means KeyID(key), a fingerprint that
// does not reveal the key.
func NewAESGCM(key []byte, keyID string) (*AESGCM, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("codec: AES key of %d bytes: want 32 (or 16 or 24)", len(key))
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("codec: %w", err)
	}
	if keyID == "" {
		keyID = KeyID(key)
	}
	return &AESGCM{aead: aead, keyID: keyID}, nil
}

// KeyID returns the default id of key: "sha256:" and the first 16 hex
// digits of its SHA-256 hash.
func KeyID(key []byte) string {
	sum := sha256.Sum256(key)
	return "sha256:" + hex.EncodeToString(sum[:8])
}

// KeyID returns the id recorded in the payloads c encrypts.
func (c *AESGCM) KeyID() string { return c.keyID }

// Encode encrypts every payload.
func (c *AESGCM) Encode(payloads []*commonpb.Payload) ([]*commonpb.Payload, error) {
	out := make([]*commonpb.Payload, len(payloads))
	for i, p := range payloads {
		plain, err := proto.Marshal(p)
		if err != nil {
			return payloads, fmt.Errorf("codec: encode payload: %w", err)
		}
		nonce := make([]byte, c.aead.NonceSize(), c.aead.NonceSize()+len(plain)+c.aead.Overhead())
		if _, err := rand.Read(nonce); err != nil {
			return payloads, fmt.Errorf("codec: encode payload: %w", err)
		}
		out[i] = &commonpb.Payload{
			Metadata: map[string][]byte{
				MetadataEncoding: []byte(EncodingEncrypted),
				MetadataKeyID:    []byte(c.keyID),
			},
			Data: c.aead.Seal(nonce, nonce, plain, nil),
		}
	}
	return out, nil
}

// Decode decrypts every encrypted payload. Payloads that are not encrypted
// (written before encryption was turned on, or by a client without the
// codec) are returned as they are. A payload encrypted with another key is
// an error naming both key ids.
func (c *AESGCM) Decode(payloads []*commonpb.Payload) ([]*commonpb.Payload, error) {
	out := make([]*commonpb.Payload, len(payloads))
	for i, p := range payloads {
		if string(p.GetMetadata()[MetadataEncoding]) != EncodingEncrypted {
			out[i] = p
			continue
		}
		if id := string(p.GetMetadata()[MetadataKeyID]); id != c.keyID {
			return payloads, fmt.Errorf("codec: payload encrypted with key %q, but this codec has key %q; use the key it was encrypted with", id, c.keyID)
		}
		data := p.GetData()
		n := c.aead.NonceSize()
		if len(data) < n+c.aead.Overhead() {
			return payloads, fmt.Errorf("codec: encrypted payload of %d bytes is too short", len(data))
		}
		plain, err := c.aead.Open(nil, data[:n], data[n:], nil)
		if err != nil {
			return payloads, fmt.Errorf("codec: decrypt payload with key %q: %w (the key is wrong or the payload was altered)", c.keyID, err)
		}
		var orig commonpb.Payload
		if err := proto.Unmarshal(plain, &orig); err != nil {
			return payloads, fmt.Errorf("codec: decode decrypted payload: %w", err)
		}
		out[i] = &orig
	}
	return out, nil
}

// FailureConverter returns the failure converter to use beside a data
// converter with a codec: it encodes failure details with dc, and also
// moves failure messages and stack traces into an encoded attribute, so an
// error message holding a secret is encrypted too. Set it as the client's
// FailureConverter; the Go SDK's default encodes neither.
func FailureConverter(dc converter.DataConverter) converter.FailureConverter {
	return temporal.NewDefaultFailureConverter(temporal.DefaultFailureConverterOptions{
		DataConverter:          dc,
		EncodeCommonAttributes: true,
	})
}
