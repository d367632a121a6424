package cli

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/spf13/pflag"
)

// envLogFormat sets --log-format when the flag is not given.
const envLogFormat = "CAPSULE_ETL_LOG_FORMAT"

// logFormat is the value of the persistent --log-format flag: "text" (the
// default: a redrawn line on a terminal, plain lines otherwise) or "json"
// (one slog JSON object per stderr line, for log collectors). It is a
// pflag.Value so a wrong word is a flag error (exit 2) before any command runs.
type logFormat struct{ v string }

const (
	logText = "text"
	logJSON = "json"
)

func (f *logFormat) String() string { return f.v }
func (f *logFormat) Type() string   { return "text|json" }
func (f *logFormat) Set(s string) error {
	v, err := parseLogFormat(s)
	if err != nil {
		return err
	}
	f.v = v
	return nil
}

func parseLogFormat(s string) (string, error) {
	switch v := strings.ToLower(strings.TrimSpace(s)); v {
	case logText, logJSON:
		return v, nil
	}
	return "", fmt.Errorf("%q is not a log format: use text or json", s)
}

// resolve applies CAPSULE_ETL_LOG_FORMAT when the flag was not given.
func (f *logFormat) resolve() error {
	if f.v != "" {
		return nil
	}
	f.v = logText
	if env := os.Getenv(envLogFormat); env != "" {
		v, err := parseLogFormat(env)
		if err != nil {
			return usageError(fmt.Errorf("%s: %w", envLogFormat, err))
		}
		f.v = v
	}
	return nil
}

// logger is the JSON logger for stderr, or nil for the text format.
func (f *logFormat) logger(w io.Writer) *slog.Logger {
	if f == nil || f.v != logJSON {
		return nil
	}
	return slog.New(slog.NewJSONHandler(w, nil))
}

// commandLogger resolves --log-format (or its environment variable) for cmd
// and returns the JSON logger, or nil for text.
func commandLogger(cmd interface {
	Flag(string) *pflag.Flag
}, w io.Writer) (*slog.Logger, error) {
	fl := cmd.Flag("log-format")
	if fl == nil {
		return nil, nil
	}
	lf, ok := fl.Value.(*logFormat)
	if !ok {
		return nil, nil
	}
	if err := lf.resolve(); err != nil {
		return nil, err
	}
	return lf.logger(w), nil
}
