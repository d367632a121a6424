package cli

import (
	"bufio"
	"bytes"
	"io"
	"strings"

	"golang.org/x/term"
)

// IOStreams are the standard streams a command reads and writes, and
// whether each is a terminal: the one place that decides between a
// redrawn progress line and log lines, and whether a prompt may be shown.
// Tests build it over buffers (NewTestIOStreams) and may declare a stream
// a terminal with SetStdinTTY and SetStderrTTY.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	// Declared terminal state (tests); nil asks the stream itself.
	stdinTTY, stdoutTTY, stderrTTY *bool
}

// NewTestIOStreams returns streams over buffers: stdin holds in, and the
// buffers returned receive standard output and standard error. No stream is
// a terminal unless declared so.
func NewTestIOStreams(in string) (s *IOStreams, out, errOut *bytes.Buffer) {
	out, errOut = &bytes.Buffer{}, &bytes.Buffer{}
	return &IOStreams{In: strings.NewReader(in), Out: out, ErrOut: errOut}, out, errOut
}

// IsStdinTTY reports whether standard input is a terminal (a prompt can be
// answered).
func (s *IOStreams) IsStdinTTY() bool { return isTTY(s.stdinTTY, s.In) }

// IsStdoutTTY reports whether standard output is a terminal.
func (s *IOStreams) IsStdoutTTY() bool { return isTTY(s.stdoutTTY, s.Out) }

// IsStderrTTY reports whether standard error is a terminal (progress is a
// redrawn line there, log lines otherwise).
func (s *IOStreams) IsStderrTTY() bool { return isTTY(s.stderrTTY, s.ErrOut) }

// SetStdinTTY declares whether standard input is a terminal.
func (s *IOStreams) SetStdinTTY(tty bool) { s.stdinTTY = &tty }

// SetStdoutTTY declares whether standard output is a terminal.
func (s *IOStreams) SetStdoutTTY(tty bool) { s.stdoutTTY = &tty }

// SetStderrTTY declares whether standard error is a terminal.
func (s *IOStreams) SetStderrTTY(tty bool) { s.stderrTTY = &tty }

// ReadSecret reads one line from standard input without echo when it is a
// terminal device; from a stream declared a terminal (tests) it reads the
// line as is.
func (s *IOStreams) ReadSecret() (string, error) {
	if fd, ok := terminalFd(s.In); ok {
		b, err := term.ReadPassword(fd)
		return string(b), err
	}
	line, err := bufio.NewReader(io.LimitReader(s.In, 64<<10)).ReadString('\n')
	if err == io.EOF {
		err = nil
	}
	return strings.TrimRight(line, "\r\n"), err
}

func isTTY(declared *bool, stream any) bool {
	if declared != nil {
		return *declared
	}
	_, ok := terminalFd(stream)
	return ok
}

// terminalFd reports whether stream is a terminal device, and its
// descriptor. It is the only terminal check of the commands: a character
// device that is not a terminal (/dev/null) is not one.
func terminalFd(stream any) (int, bool) {
	f, ok := stream.(interface{ Fd() uintptr })
	if !ok || f == nil {
		return 0, false
	}
	fd := int(f.Fd())
	return fd, term.IsTerminal(fd)
}
