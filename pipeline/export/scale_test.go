package export

import (
	"testing"

	"github.com/capsule-etl/capsule-etl/capsule"
)

func TestNoteScale(t *testing.T) {
	tests := []struct {
		name   string
		amount capsule.Opt[float64]
		fields []capsule.CustomField
		want   int
	}{
		{"nothing", capsule.Opt[float64]{}, nil, 0},
		{"whole amount", capsule.Some(1000.0), nil, 0},
		{"amount in fils", capsule.Some(12.125), nil, 3},
		{"number field as text", capsule.Opt[float64]{}, []capsule.CustomField{cf("Ratio", capsule.StringValue("0.15625"))}, 5},
		{"text and booleans ignored", capsule.Some(1.5), []capsule.CustomField{cf("Name", capsule.StringValue("v1.2.3.4")), cf("B", capsule.BoolValue(true))}, 1},
		{"exponent ignored", capsule.Opt[float64]{}, []capsule.CustomField{cf("Big", capsule.StringValue("1e-9"))}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fetched{}
			f.noteScale(tt.amount, tt.fields)
			if f.scale != tt.want {
				t.Errorf("scale = %d, want %d", f.scale, tt.want)
			}
		})
	}
}
