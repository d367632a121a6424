package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
)

// FileName is the credentials file inside the store's directory.
const FileName = "credentials.json"

// Kinds of credential.
const (
	KindToken = "token" // personal access token
	KindOAuth = "oauth" // OAuth 2 access and refresh tokens
)

// Credential is what is stored for one API base URL.
type Credential struct {
	BaseURL      string    `json:"baseURL"`
	Kind         string    `json:"kind"`
	AccessToken  string    `json:"accessToken"`
	RefreshToken string    `json:"refreshToken,omitempty"`
	Expiry       time.Time `json:"expiry,omitzero"`
	ClientID     string    `json:"clientID,omitempty"`
	ClientSecret string    `json:"clientSecret,omitempty"`
	UserID       int64     `json:"userID,omitempty"`
	User         string    `json:"user,omitempty"` // username, for `auth status`
	Site         string    `json:"site,omitempty"` // site name or subdomain
	Saved        time.Time `json:"saved,omitzero"`
}

// String never shows a token.
func (c Credential) String() string {
	return fmt.Sprintf("auth.Credential{%s %s user=%s}", c.Kind, c.BaseURL, c.User)
}

// GoString never shows a token.
func (c Credential) GoString() string { return c.String() }

// LogValue never shows a token.
func (c Credential) LogValue() slog.Value { return slog.StringValue(c.String()) }

// Token is the credential as an oauth2 token.
func (c Credential) Token() *oauth2.Token {
	return &oauth2.Token{AccessToken: c.AccessToken, RefreshToken: c.RefreshToken, TokenType: "Bearer", Expiry: c.Expiry}
}

// Store is the credentials file. Safe for concurrent use in one process.
type Store struct {
	dir string
	mu  sync.Mutex
}

// NewStore returns the store in dir (created on first Put).
func NewStore(dir string) *Store { return &Store{dir: dir} }

// DefaultDir is os.UserConfigDir()/capsule-etl.
func DefaultDir() (string, error) {
	d, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("finding the config directory (set XDG_CONFIG_HOME or HOME): %w", err)
	}
	return filepath.Join(d, "capsule-etl"), nil
}

// Path is the credentials file.
func (s *Store) Path() string { return filepath.Join(s.dir, FileName) }

type file struct {
	Version     int                   `json:"version"`
	Credentials map[string]Credential `json:"credentials"`
}

func key(baseURL string) string { return strings.TrimRight(baseURL, "/") }

// Get returns the credential stored for baseURL.
func (s *Store) Get(baseURL string) (Credential, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, err := s.load()
	if err != nil {
		return Credential{}, false, err
	}
	c, ok := f.Credentials[key(baseURL)]
	return c, ok, nil
}

// Put stores c under c.BaseURL, replacing what was there.
func (s *Store) Put(c Credential) error {
	if c.BaseURL == "" || c.AccessToken == "" {
		return errors.New("storing credentials: base URL and token are required")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	f, err := s.load()
	if err != nil {
		return err
	}
	c.BaseURL = key(c.BaseURL)
	if c.Saved.IsZero() {
		c.Saved = time.Now().UTC()
	}
	f.Credentials[c.BaseURL] = c
	return s.save(f)
}

// Delete removes the credential of baseURL; false when there was none.
func (s *Store) Delete(baseURL string) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, err := s.load()
	if err != nil {
		return false, err
	}
	if _, ok := f.Credentials[key(baseURL)]; !ok {
		return false, nil
	}
	delete(f.Credentials, key(baseURL))
	return true, s.save(f)
}

func (s *Store) load() (*file, error) {
	f := &file{Version: 1, Credentials: map[string]Credential{}}
	data, err := os.ReadFile(s.Path())
	if errors.Is(err, fs.ErrNotExist) {
		return f, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading credentials %s: %w", s.Path(), err)
	}
	if st, err := os.Stat(s.Path()); err == nil && st.Mode().Perm()&0o077 != 0 {
		// Someone loosened it: tighten before anything else reads it.
		if err := os.Chmod(s.Path(), 0o600); err != nil {
			return nil, fmt.Errorf("restricting credentials %s to 0600: %w", s.Path(), err)
		}
	}
	if err := json.Unmarshal(data, f); err != nil {
		return nil, fmt.Errorf("credentials %s are damaged (%v): remove the file and run `capsule-etl auth login` again", s.Path(), err)
	}
	if f.Credentials == nil {
		f.Credentials = map[string]Credential{}
	}
	return f, nil
}

// save writes atomically: a crash leaves the old file or the new one.
func (s *Store) save(f *file) error {
	if err := os.MkdirAll(s.dir, 0o700); err != nil {
		return fmt.Errorf("creating %s: %w", s.dir, err)
	}
	if err := os.Chmod(s.dir, 0o700); err != nil {
		return fmt.Errorf("restricting %s to 0700: %w", s.dir, err)
	}
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(s.dir, ".credentials-*.tmp") // CreateTemp makes it 0600
	if err != nil {
		return fmt.Errorf("writing credentials: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("writing credentials: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("writing credentials: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing credentials: %w", err)
	}
	if err := os.Rename(tmp.Name(), s.Path()); err != nil {
		return fmt.Errorf("writing credentials: %w", err)
	}
	return nil
}

// TokenSource returns the source a client should use for c: a static one
// for a personal token; for OAuth, one that refreshes through the token
// endpoint when the access token expires and saves the new tokens (Capsule
// may rotate the refresh token: the newest must be kept).
func (s *Store) TokenSource(ctx context.Context, c Credential) (oauth2.TokenSource, error) {
	if c.Kind != KindOAuth {
		return oauth2.StaticTokenSource(c.Token()), nil
	}
	cfg, err := oauthConfig(c.BaseURL, c.ClientID, c.ClientSecret, "")
	if err != nil {
		return nil, err
	}
	return &persisting{store: s, cred: c, src: cfg.TokenSource(ctx, c.Token())}, nil
}

type persisting struct {
	store *Store
	mu    sync.Mutex
	cred  Credential
	src   oauth2.TokenSource
}

func (p *persisting) Token() (*oauth2.Token, error) {
	tok, err := p.src.Token()
	if err != nil {
		return nil, fmt.Errorf("refreshing the Capsule OAuth token (run `capsule-etl auth login --oauth` again if it was revoked): %w", err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if tok.AccessToken != p.cred.AccessToken || tok.RefreshToken != p.cred.RefreshToken {
		p.cred.AccessToken, p.cred.Expiry = tok.AccessToken, tok.Expiry
		if tok.RefreshToken != "" {
			p.cred.RefreshToken = tok.RefreshToken
		}
		p.cred.Saved = time.Now().UTC()
		if err := p.store.Put(p.cred); err != nil {
			return nil, fmt.Errorf("saving the refreshed token: %w", err)
		}
	}
	return tok, nil
}
