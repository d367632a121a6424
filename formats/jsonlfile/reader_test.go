package jsonlfile

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/capsule-etl/capsule-etl/formats"
)

func TestReader(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		header  string
		want    [][]formats.Value
		rows    []int
		wantErr error
		errIn   string
	}{
		{name: "typed values in key order",
			in:     `{"name":"Zoë","n":3,"x":2.5,"big":12345678901234567890.5,"ok":true,"tags":["a","b"],"addr":{"city":"Ulm"},"none":null}` + "\n",
			header: "name|n|x|big|ok|tags|addr|none",
			want: [][]formats.Value{{formats.StringValue("Zoë"), formats.IntValue(3), formats.FloatValue(2.5), formats.DecimalValue("12345678901234567890.5"), formats.BoolValue(true),
				formats.ListValue([]formats.Value{formats.StringValue("a"), formats.StringValue("b")}), formats.StringValue(`{"city":"Ulm"}`), {}}},
			rows: []int{1}},
		{name: "missing keys are null and blank lines skipped", in: "{\"a\":1,\"b\":2}\n\n{\"b\":3}\n", header: "a|b",
			want: [][]formats.Value{{formats.IntValue(1), formats.IntValue(2)}, {{}, formats.IntValue(3)}}, rows: []int{1, 3}},
		{name: "keys of later objects join the header", in: "{\"a\":1}\n{\"b\":3,\"a\":2}\n", header: "a|b",
			want: [][]formats.Value{{formats.IntValue(1), {}}, {formats.IntValue(2), formats.IntValue(3)}}, rows: []int{1, 2}},
		{name: "new key after the first objects refused", in: strings.Repeat("{\"a\":1}\n", 100) + "{\"a\":2,\"b\":3}\n", wantErr: formats.ErrUnknownColumn, errIn: `row 101, column "b"`},
		{name: "keys differing in case across objects", in: "{\"Name\":1}\n{\"name\":2}\n", wantErr: formats.ErrDuplicateHeader, errIn: "keys of the first 2 objects"},
		{name: "error while looking ahead comes in its turn", in: "{\"a\":1}\n{\"a\":\n", errIn: "row 2"},
		{name: "not an object", in: "{\"a\":1}\n[1,2]\n", errIn: "row 2: not a JSON object"},
		{name: "broken JSON", in: "{\"a\":1}\n{\"a\":\n", errIn: "row 2"},
		{name: "duplicate key in first line", in: `{"a":1,"A":2}`, wantErr: formats.ErrDuplicateHeader},
		{name: "line too long", in: "{\"a\":\"" + strings.Repeat("x", 200) + "\"}\n", wantErr: formats.ErrRecordTooLarge},
		{name: "empty input", in: "", header: ""},
		{name: "a JSON array of objects, pretty-printed", in: "\xEF\xBB\xBF [\n  {\"id\": 1,\n   \"name\": \"Zoë\", \"big\": 12345678901234567890.5},\n  {\"id\": 2, \"name\": null}\n]\n", header: "id|name|big",
			want: [][]formats.Value{{formats.IntValue(1), formats.StringValue("Zoë"), formats.DecimalValue("12345678901234567890.5")}, {formats.IntValue(2), {}, {}}}, rows: []int{1, 2}},
		{name: "empty array", in: "[]", header: ""},
		{name: "array element not an object", in: `[{"a":1}, 7]`, errIn: "row 2: not a JSON object"},
		{name: "array not closed", in: `[{"a":1}, {"a":2}`, errIn: "the JSON array is not closed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := NewReader(strings.NewReader(tt.in), WithName("in.jsonl"), WithMaxLineBytes(128))
			var got [][]formats.Value
			var rows []int
			for err == nil {
				var rec *formats.Record
				if rec, err = r.Read(); err == nil {
					got = append(got, append([]formats.Value(nil), rec.Values...))
					rows = append(rows, rec.Pos.Row)
				}
			}
			if tt.wantErr != nil || tt.errIn != "" {
				if tt.wantErr != nil && !errors.Is(err, tt.wantErr) || !strings.Contains(err.Error(), tt.errIn) || !strings.HasPrefix(err.Error(), "in.jsonl") {
					t.Fatalf("err = %v, want %v containing %q", err, tt.wantErr, tt.errIn)
				}
				return
			}
			if err != io.EOF {
				t.Fatal(err)
			}
			if h := strings.Join(r.Header().Names(), "|"); h != tt.header {
				t.Errorf("header = %q, want %q", h, tt.header)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("rows = %v, want %v", got, tt.want)
			}
			for i := range got {
				if rows[i] != tt.rows[i] {
					t.Errorf("row %d numbered %d, want %d", i, rows[i], tt.rows[i])
				}
				for j := range got[i] {
					if !got[i][j].Equal(tt.want[i][j]) {
						t.Errorf("row %d col %d = %v (%s), want %v (%s)", i, j, got[i][j], got[i][j].Kind(), tt.want[i][j], tt.want[i][j].Kind())
					}
				}
			}
		})
	}
}

func TestWriterEscapes(t *testing.T) {
	var b bytes.Buffer
	w := NewWriter(&b, []string{"s", "<k>"})
	w.Write([]formats.Value{formats.StringValue("a \"q\" <b>\n"), formats.DecimalValue("1.50")})
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if want := `{"s":"a \"q\" <b>\n","<k>":1.50}` + "\n"; b.String() != want {
		t.Fatalf("got %q, want %q", b.String(), want)
	}
}
