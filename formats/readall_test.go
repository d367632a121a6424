package formats_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/capsule-etl/capsule-etl/formats"
	"github.com/capsule-etl/capsule-etl/formats/csvfile"
)

// An address book typed by hand: the third row lost a cell.
const handTyped = "Name;Phone;City\nJürgen Weiß;+49 30 1234567;Berlin\nAnna Kowalska;0048 22 555 01 01;Warszawa\nLi Wei;010 6552 9988\n"

func TestReadAllClonesAndStopsAtTheFirstError(t *testing.T) {
	r, err := csvfile.NewReader(strings.NewReader(handTyped))
	if err != nil {
		t.Fatal(err)
	}
	recs, err := formats.ReadAll(r)
	if !errors.Is(err, formats.ErrRaggedRow) {
		t.Fatalf("error = %v, want the ragged row", err)
	}
	var pe *formats.ParseError
	if !errors.As(err, &pe) || pe.Row != 4 {
		t.Errorf("error %v does not name row 4", err)
	}
	if len(recs) != 2 {
		t.Fatalf("%d records before the error, want 2", len(recs))
	}
	// Clones: the first record is not overwritten by the second.
	if a, b := recs[0].Values[0].Text(), recs[1].Values[0].Text(); a != "Jürgen Weiß" || b != "Anna Kowalska" {
		t.Errorf("records = %q, %q", a, b)
	}
}

func TestRecordsStopsWhenTheLoopBreaks(t *testing.T) {
	r, err := csvfile.NewReader(strings.NewReader(handTyped))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for rec, err := range formats.Records(r) {
		if err != nil {
			t.Fatal(err)
		}
		n++
		if rec.Pos.Row != n+1 {
			t.Errorf("record %d at row %d", n, rec.Pos.Row)
		}
		if n == 1 {
			break
		}
	}
	if n != 1 {
		t.Fatalf("%d records, want 1", n)
	}
	// The reader is where the loop left it: the next record is row 3.
	rec, err := r.Read()
	if err != nil || rec.Pos.Row != 3 {
		t.Fatalf("next read = row %v, %v; want row 3", rec, err)
	}
}
