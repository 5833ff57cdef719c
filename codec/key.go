package codec

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
)

// keyHint says how to make a key file.
const keyHint = "want a 256-bit key as 64 hex digits (make one with: openssl rand -hex 32 > codec.key) or as base64"

// LoadKey reads an AES key from a file: 64 hex digits (or 32 or 48, for
// AES-128 and AES-192), or the base64 of 16, 24 or 32 bytes. Surrounding
// white space is ignored. The file should be readable by its owner only.
func LoadKey(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("codec key file %s does not exist; %s", path, keyHint)
		}
		return nil, fmt.Errorf("read codec key file: %w", err)
	}
	key, err := ParseKey(string(b))
	if err != nil {
		return nil, fmt.Errorf("codec key file %s: %w", path, err)
	}
	return key, nil
}

// ParseKey reads an AES key written as hex or base64, as LoadKey does.
func ParseKey(text string) ([]byte, error) {
	s := strings.TrimSpace(text)
	if s == "" {
		return nil, errors.New("empty key; " + keyHint)
	}
	var sizeErr error
	if b, err := hex.DecodeString(s); err == nil {
		if validKeySize(len(b)) {
			return b, nil
		}
		sizeErr = fmt.Errorf("hex key of %d bytes; %s", len(b), keyHint)
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			if validKeySize(len(b)) {
				return b, nil
			}
			if sizeErr == nil {
				sizeErr = fmt.Errorf("base64 key of %d bytes; %s", len(b), keyHint)
			}
		}
	}
	if sizeErr != nil {
		return nil, sizeErr
	}
	return nil, errors.New("not hex or base64; " + keyHint)
}

func validKeySize(n int) bool { return n == 16 || n == 24 || n == 32 }

// LoadKeys reads the keys of a codec from a file, for NewAESGCMKeys. The
// file holds one key a line, oldest first, so the last key is the one that
// encrypts:
//
//	# codec keys, newest last
//	2025-01=9c1f...   (64 hex digits, or base64)
//	2025-07=4b77...
//
// A line is "id=key", or a key alone (its id is then the key's
// fingerprint, KeyID); blank lines and lines starting with # are ignored.
// A file of one key alone, as LoadKey reads, is a valid key file. The file
// should be readable by its owner only.
func LoadKeys(path string) ([]Key, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("codec key file %s does not exist; %s", path, keyHint)
		}
		return nil, fmt.Errorf("read codec key file: %w", err)
	}
	keys, err := ParseKeys(string(b))
	if err != nil {
		return nil, fmt.Errorf("codec key file %s: %w", path, err)
	}
	return keys, nil
}

// ParseKeys reads keys written as LoadKeys reads them. A key given alone
// has an empty ID.
func ParseKeys(text string) ([]Key, error) {
	var keys []Key
	seen := map[string]int{}
	for n, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		var k Key
		if key, err := ParseKey(line); err == nil {
			k.Key = key
		} else {
			id, text, ok := strings.Cut(line, "=")
			id = strings.TrimSpace(id)
			if !ok || id == "" || strings.ContainsAny(id, " \t") {
				return nil, fmt.Errorf("line %d: %w; a line is id=key or a key alone", n+1, err)
			}
			if k.Key, err = ParseKey(text); err != nil {
				return nil, fmt.Errorf("line %d: key %q: %w", n+1, id, err)
			}
			k.ID = id
		}
		id := k.ID
		if id == "" {
			id = KeyID(k.Key)
		}
		if prev, dup := seen[id]; dup {
			return nil, fmt.Errorf("line %d: key id %q is also on line %d; give each key its own id", n+1, id, prev)
		}
		seen[id] = n + 1
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return nil, errors.New("no key; " + keyHint)
	}
	return keys, nil
}
