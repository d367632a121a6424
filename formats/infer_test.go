package formats

import (
	"testing"
	"time"
)

func TestInfer(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Value
	}{
		{"blank is null", "  ", Value{}},
		{"integer", "42", IntValue(42)},
		{"negative integer", "-7", IntValue(-7)},
		{"leading zero stays text", "007", StringValue("007")},
		{"phone stays text", "+44 20 7946 0958", StringValue("+44 20 7946 0958")},
		{"E.164 phone stays text", "+49301234567", StringValue("+49301234567")},
		{"negative number", "-12", IntValue(-12)},
		{"decimal kept exact", "1234.50", DecimalValue("1234.50")},
		{"exponent is float", "1e3", FloatValue(1000)},
		{"bool", "TRUE", BoolValue(true)},
		{"iso date", "2024-02-29", DateValue(time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC))},
		{"invalid date is text", "2024-02-30", StringValue("2024-02-30")},
		{"timestamp", "2024-03-01T13:30:00+01:00", TimestampValue(time.Date(2024, 3, 1, 12, 30, 0, 0, time.UTC))},
		{"text", "Zoë", StringValue("Zoë")},
		{"huge integer is decimal", "123456789012345678901234", DecimalValue("123456789012345678901234")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Infer(tt.in); !got.Equal(tt.want) {
				t.Errorf("Infer(%q) = %v (%s), want %v (%s)", tt.in, got, got.Kind(), tt.want, tt.want.Kind())
			}
		})
	}
}

func TestInferenceKind(t *testing.T) {
	d := DateValue(time.Now())
	tests := []struct {
		name string
		vals []Value
		want Kind
	}{
		{"all null", []Value{{}, {}}, Null},
		{"ints with nulls", []Value{IntValue(1), {}, IntValue(2)}, Int},
		{"ints and decimals", []Value{IntValue(1), DecimalValue("2.5")}, Decimal},
		{"ints and floats", []Value{IntValue(1), FloatValue(2.5)}, Float},
		{"dates and timestamps", []Value{d, TimestampValue(time.Now())}, Timestamp},
		{"mixed is string", []Value{IntValue(1), StringValue("x")}, String},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var in Inference
			for _, v := range tt.vals {
				in.Add(v)
			}
			if got := in.Kind(); got != tt.want {
				t.Errorf("Kind = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestParseValue(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		kind    Kind
		want    Value
		wantErr bool
	}{
		{"int", " 12 ", Int, IntValue(12), false},
		{"bad int", "12x", Int, Value{}, true},
		{"blank int is null", "", Int, Value{}, false},
		{"yes is true", "yes", Bool, BoolValue(true), false},
		{"decimal", "-3.50", Decimal, DecimalValue("-3.50"), false},
		{"bad decimal", "3,50", Decimal, Value{}, true},
		{"list splits on semicolons", "a; b;", List, ListValue([]Value{StringValue("a"), StringValue("b")}), false},
		{"blank string stays string", "", String, StringValue(""), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseValue(tt.in, tt.kind)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if err == nil && !got.Equal(tt.want) {
				t.Errorf("got %v (%s), want %v (%s)", got, got.Kind(), tt.want, tt.want.Kind())
			}
		})
	}
}

func TestColumnLetter(t *testing.T) {
	for i, want := range map[int]string{0: "A", 25: "Z", 26: "AA", 701: "ZZ", 702: "AAA"} {
		if got := ColumnLetter(i); got != want {
			t.Errorf("ColumnLetter(%d) = %q, want %q", i, got, want)
		}
	}
}
