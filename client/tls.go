package client

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
)

// TLSConfig returns the TLS configuration these options stand for, or nil
// when the connection does not use TLS (see UsesTLS). It reads the
// certificate files, so a missing or malformed file is reported here, naming
// the file.
func (o Options) TLSConfig() (*tls.Config, error) {
	if !o.UsesTLS() {
		return nil, nil
	}
	cfg := &tls.Config{
		MinVersion:         tls.VersionTLS12,
		ServerName:         o.TLSServerName,
		InsecureSkipVerify: o.TLSDisableHostVerification, //nolint:gosec // explicitly asked for, for testing
	}

	certPEM, certFrom, err := pemSource("certificate", o.TLSCertPath, o.TLSCertData)
	if err != nil {
		return nil, err
	}
	keyPEM, keyFrom, err := pemSource("key", o.TLSKeyPath, o.TLSKeyData)
	if err != nil {
		return nil, err
	}
	switch {
	case certPEM != nil && keyPEM != nil:
		pair, err := tls.X509KeyPair(certPEM, keyPEM)
		if err != nil {
			return nil, fmt.Errorf("load TLS client certificate %s with key %s: %w", certFrom, keyFrom, err)
		}
		cfg.Certificates = []tls.Certificate{pair}
	case certPEM != nil:
		return nil, fmt.Errorf("TLS client certificate %s has no key: also give the key (--tls-key-path or %s)", certFrom, EnvTLSKey)
	case keyPEM != nil:
		return nil, fmt.Errorf("TLS client key %s has no certificate: also give the certificate (--tls-cert-path or %s)", keyFrom, EnvTLSCert)
	}

	caPEM, caFrom, err := pemSource("CA", o.TLSCAPath, o.TLSCAData)
	if err != nil {
		return nil, err
	}
	if caPEM != nil {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(caPEM) {
			return nil, fmt.Errorf("load TLS CA %s: no PEM certificate found", caFrom)
		}
		cfg.RootCAs = pool
	}
	return cfg, nil
}

// pemSource returns the PEM text of a file or of inline data, and a name for
// it in messages. Giving both is an error.
func pemSource(what, path, data string) ([]byte, string, error) {
	switch {
	case path != "" && data != "":
		return nil, "", fmt.Errorf("TLS %s given both as a file (%s) and as data: give only one", what, path)
	case data != "":
		return []byte(data), "(inline " + what + " data)", nil
	case path == "":
		return nil, "", nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, "", fmt.Errorf("TLS %s file %s does not exist", what, path)
		}
		return nil, "", fmt.Errorf("read TLS %s file: %w", what, err)
	}
	return b, path, nil
}
