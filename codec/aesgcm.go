// Package codec encrypts the payloads tsworker and the Go SDK send to
// Temporal (workflow and activity arguments and results, signals, queries,
// updates, memo, failure details), and serves the same codec over HTTP so
// the Temporal Web UI and CLI can show them decrypted.
//
//	keys, err := codec.LoadKeys("codec.key") // "id=key" lines, newest last; or one key: openssl rand -hex 32
//	if err != nil { ... }
//	aes, err := codec.NewAESGCMKeys(keys...) // the newest key encrypts, every key decrypts
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
	"errors"
	"fmt"
	"strconv"
	"strings"

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
// "encoding: binary/encrypted" and the id of the key. A codec may hold
// several keys (NewAESGCMKeys): the newest encrypts, and every key decrypts
// the payloads that name it, so keys can be rotated without losing old
// data. It is safe for concurrent use.
type AESGCM struct {
	enc  *aesKey            // the newest key: encrypts
	byID map[string]*aesKey // every key, by id: decrypt
	ids  []string           // every id, oldest first
}

type aesKey struct {
	id   string
	aead cipher.AEAD
}

var _ converter.PayloadCodec = (*AESGCM)(nil)

// Key is an AES key and the id recorded in the payloads it encrypts.
type Key struct {
	// ID names the key in payload metadata. Empty means KeyID(Key), a
	// fingerprint that does not reveal the key.
	ID string
	// Key is a 16-, 24- or 32-byte AES key (32 bytes, AES-256, is
	// recommended).
	Key []byte
}

// NewAESGCM returns a codec that encrypts with key, a 16-, 24- or 32-byte
// AES key (32 bytes, AES-256, is recommended), and records keyID in every
// payload it encrypts. An empty keyID means KeyID(key), a fingerprint that
// does not reveal the key.
func NewAESGCM(key []byte, keyID string) (*AESGCM, error) {
	return NewAESGCMKeys(Key{ID: keyID, Key: key})
}

// NewAESGCMKeys returns a codec that holds several keys, oldest first: the
// last one encrypts, and each one decrypts the payloads that carry its id.
// To rotate, append a new key and restart the codec's users (the codec
// server too); remove an old key only once nothing encrypted with it is
// needed any more. Key ids must be distinct.
func NewAESGCMKeys(keys ...Key) (*AESGCM, error) {
	if len(keys) == 0 {
		return nil, errors.New("codec: no key; " + keyHint)
	}
	c := &AESGCM{byID: make(map[string]*aesKey, len(keys))}
	for _, k := range keys {
		block, err := aes.NewCipher(k.Key)
		if err != nil {
			return nil, fmt.Errorf("codec: AES key of %d bytes: want 32 (or 16 or 24)", len(k.Key))
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("codec: %w", err)
		}
		id := k.ID
		if id == "" {
			id = KeyID(k.Key)
		}
		if _, dup := c.byID[id]; dup {
			return nil, fmt.Errorf("codec: two keys have the id %q; give each key its own id", id)
		}
		c.enc = &aesKey{id: id, aead: aead}
		c.byID[id] = c.enc
		c.ids = append(c.ids, id)
	}
	return c, nil
}

// KeyID returns the default id of key: "sha256:" and the first 16 hex
// digits of its SHA-256 hash.
func KeyID(key []byte) string {
	sum := sha256.Sum256(key)
	return "sha256:" + hex.EncodeToString(sum[:8])
}

// KeyID returns the id recorded in the payloads c encrypts: that of its
// newest key.
func (c *AESGCM) KeyID() string { return c.enc.id }

// KeyIDs returns the ids of every key of c, oldest first; the last one
// encrypts.
func (c *AESGCM) KeyIDs() []string { return append([]string(nil), c.ids...) }

// Encode encrypts every payload with the newest key.
func (c *AESGCM) Encode(payloads []*commonpb.Payload) ([]*commonpb.Payload, error) {
	k := c.enc
	out := make([]*commonpb.Payload, len(payloads))
	for i, p := range payloads {
		plain, err := proto.Marshal(p)
		if err != nil {
			return payloads, fmt.Errorf("codec: encode payload: %w", err)
		}
		nonce := make([]byte, k.aead.NonceSize(), k.aead.NonceSize()+len(plain)+k.aead.Overhead())
		if _, err := rand.Read(nonce); err != nil {
			return payloads, fmt.Errorf("codec: encode payload: %w", err)
		}
		out[i] = &commonpb.Payload{
			Metadata: map[string][]byte{
				MetadataEncoding: []byte(EncodingEncrypted),
				MetadataKeyID:    []byte(k.id),
			},
			Data: k.aead.Seal(nonce, nonce, plain, nil),
		}
	}
	return out, nil
}

// Decode decrypts every encrypted payload with the key its metadata names.
// Payloads that are not encrypted (written before encryption was turned
// on, or by a client without the codec) are returned as they are. A
// payload encrypted with a key c does not hold is an error naming the key
// ids; one without a key id is tried with every key.
func (c *AESGCM) Decode(payloads []*commonpb.Payload) ([]*commonpb.Payload, error) {
	out := make([]*commonpb.Payload, len(payloads))
	for i, p := range payloads {
		if string(p.GetMetadata()[MetadataEncoding]) != EncodingEncrypted {
			out[i] = p
			continue
		}
		plain, err := c.open(p)
		if err != nil {
			return payloads, err
		}
		var orig commonpb.Payload
		if err := proto.Unmarshal(plain, &orig); err != nil {
			return payloads, fmt.Errorf("codec: decode decrypted payload: %w", err)
		}
		out[i] = &orig
	}
	return out, nil
}

// open decrypts the data of an encrypted payload.
func (c *AESGCM) open(p *commonpb.Payload) ([]byte, error) {
	data := p.GetData()
	id, named := p.GetMetadata()[MetadataKeyID]
	if !named {
		// Written by a codec that does not record key ids: the key that
		// authenticates the data is the right one.
		for _, id := range c.ids {
			if plain, err := c.byID[id].open(data); err == nil {
				return plain, nil
			}
		}
		return nil, fmt.Errorf("codec: payload without a key id: none of the keys %s decrypts it (the key is missing or the payload was altered)", quoteIDs(c.ids))
	}
	k, ok := c.byID[string(id)]
	if !ok {
		return nil, fmt.Errorf("codec: payload encrypted with key %q, but this codec has %s %s; add that key to decrypt it", id, plural(len(c.ids), "key"), quoteIDs(c.ids))
	}
	plain, err := k.open(data)
	if err != nil {
		return nil, fmt.Errorf("codec: decrypt payload with key %q: %w", k.id, err)
	}
	return plain, nil
}

func (k *aesKey) open(data []byte) ([]byte, error) {
	n := k.aead.NonceSize()
	if len(data) < n+k.aead.Overhead() {
		return nil, fmt.Errorf("encrypted payload of %d bytes is too short", len(data))
	}
	plain, err := k.aead.Open(nil, data[:n], data[n:], nil)
	if err != nil {
		return nil, fmt.Errorf("%w (the key is wrong or the payload was altered)", err)
	}
	return plain, nil
}

func quoteIDs(ids []string) string {
	q := make([]string, len(ids))
	for i, id := range ids {
		q[i] = strconv.Quote(id)
	}
	return strings.Join(q, ", ")
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
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
