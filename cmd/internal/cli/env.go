package cli

import "context"

// envKey carries environment overrides in a command's context.
type envKey struct{}

// withEnv returns a context in which commands read the given variables
// (CAPSULE_TOKEN, CAPSULE_BASE_URL) from vars before the process
// environment. The demo and the README test use it to point commands at an
// in-process sandbox without changing the process environment and without
// putting a token on a command line.
func withEnv(ctx context.Context, vars map[string]string) context.Context {
	return context.WithValue(ctx, envKey{}, vars)
}

// envFrom returns the overrides set by withEnv, or nil.
func envFrom(ctx context.Context) map[string]string {
	if ctx == nil {
		return nil
	}
	m, _ := ctx.Value(envKey{}).(map[string]string)
	return m
}
