// Package auth keeps capsule-etl's Capsule credentials and runs the OAuth 2
// login (authorisation code with PKCE, loopback redirect).
//
// # Store
//
//	dir, err := auth.DefaultDir()          // os.UserConfigDir()/capsule-etl (XDG_CONFIG_HOME on Linux)
//	st := auth.NewStore(dir)               // file dir/credentials.json, 0600, dir 0700
//	cred, ok, err := st.Get(baseURL)       // keyed by API base URL (trailing slash ignored)
//	err = st.Put(auth.Credential{BaseURL: u, Kind: auth.KindToken, AccessToken: t, User: "ann"})
//	removed, err := st.Delete(baseURL)
//	ts := st.TokenSource(ctx, cred)        // OAuth: refreshes when expired and saves the new token
//
// The file is rewritten atomically (temporary file, fsync, rename) and
// tightened to 0600 when found looser. There is no OS keyring: no pure-Go
// keyring works without a desktop session (Secret Service needs D-Bus and
// an unlocked collection), which servers and cron jobs do not have.
// Credential's String, GoString and LogValue never show a token.
//
// # OAuth 2
//
//	ep, err := auth.Endpoints(baseURL)     // scheme+host of the base URL + /oauth/authorise, /oauth/token
//	tok, err := auth.Login(ctx, auth.LoginOptions{BaseURL: u, ClientID: id, ClientSecret: s,
//		Announce: func(url string) error { fmt.Println("open", url); return nil }})
//	err = auth.Revoke(ctx, httpClient, cred)   // POST /oauth/token/revoke (token=...)
//
// Login listens on 127.0.0.1:0, announces the authorisation URL (S256
// challenge of oauth2.GenerateVerifier, random state), waits for the
// browser's redirect to /callback, checks the state and exchanges the code
// with the verifier.
package auth
