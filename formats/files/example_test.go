package files_test

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/capsule-etl/capsule-etl/formats"
	"github.com/capsule-etl/capsule-etl/formats/files"
)

// Write a CSV file atomically, then read it back with detection.
func Example() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "people.csv")

	w, err := files.Create(path, []string{"name", "note"}, files.WriteOptions{})
	if err != nil {
		panic(err)
	}
	w.Write([]formats.Value{formats.StringValue("Zoë"), formats.StringValue("=1+1")})
	if err := w.Close(); err != nil {
		panic(err)
	}

	r, err := files.Open(path, files.Options{})
	if err != nil {
		panic(err)
	}
	defer r.Close()
	info := files.InfoOf(r)
	fmt.Println(info.Format, info.Encoding, info.Delimiter, r.Header().Names())
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		name, _ := rec.Get("Name") // case-insensitive lookup
		note, _ := rec.Get("note")
		fmt.Println(rec.Pos.Row, name, note)
	}
	// Output:
	// csv utf-8 , [name note]
	// 2 Zoë '=1+1
}
