package parquetfile

import (
	"math"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/capsule-etl/capsule-etl/formats"
)

// getter returns the value at row i of one column of a batch.
type getter func(i int) formats.Value

// getterFor builds the converter for an arrow column once per batch, so the
// per-row work is a type-specific index and no reflection.
func getterFor(a arrow.Array) getter {
	nullable := func(g getter) getter {
		if a.NullN() == 0 {
			return g
		}
		return func(i int) formats.Value {
			if a.IsNull(i) {
				return formats.Value{}
			}
			return g(i)
		}
	}
	switch c := a.(type) {
	case *array.Null:
		return func(int) formats.Value { return formats.Value{} }
	case *array.Boolean:
		return nullable(func(i int) formats.Value { return formats.BoolValue(c.Value(i)) })
	case *array.Int8:
		return nullable(func(i int) formats.Value { return formats.IntValue(int64(c.Value(i))) })
	case *array.Int16:
		return nullable(func(i int) formats.Value { return formats.IntValue(int64(c.Value(i))) })
	case *array.Int32:
		return nullable(func(i int) formats.Value { return formats.IntValue(int64(c.Value(i))) })
	case *array.Int64:
		return nullable(func(i int) formats.Value { return formats.IntValue(c.Value(i)) })
	case *array.Uint8:
		return nullable(func(i int) formats.Value { return formats.IntValue(int64(c.Value(i))) })
	case *array.Uint16:
		return nullable(func(i int) formats.Value { return formats.IntValue(int64(c.Value(i))) })
	case *array.Uint32:
		return nullable(func(i int) formats.Value { return formats.IntValue(int64(c.Value(i))) })
	case *array.Uint64:
		return nullable(func(i int) formats.Value {
			if v := c.Value(i); v <= math.MaxInt64 {
				return formats.IntValue(int64(v))
			}
			return formats.DecimalValue(strconv.FormatUint(c.Value(i), 10))
		})
	case *array.Float16:
		return nullable(func(i int) formats.Value { return formats.FloatValue(float64(c.Value(i).Float32())) })
	case *array.Float32:
		return nullable(func(i int) formats.Value { return formats.FloatValue(float64(c.Value(i))) })
	case *array.Float64:
		return nullable(func(i int) formats.Value { return formats.FloatValue(c.Value(i)) })
	case *array.String:
		return nullable(func(i int) formats.Value { return formats.StringValue(c.Value(i)) })
	case *array.LargeString:
		return nullable(func(i int) formats.Value { return formats.StringValue(c.Value(i)) })
	case *array.StringView:
		return nullable(func(i int) formats.Value { return formats.StringValue(c.Value(i)) })
	case *array.Binary:
		return nullable(func(i int) formats.Value { return formats.StringValue(string(c.Value(i))) })
	case *array.Decimal128:
		scale := c.DataType().(*arrow.Decimal128Type).Scale
		return nullable(func(i int) formats.Value { return formats.DecimalValue(c.Value(i).ToString(scale)) })
	case *array.Decimal256:
		scale := c.DataType().(*arrow.Decimal256Type).Scale
		return nullable(func(i int) formats.Value { return formats.DecimalValue(c.Value(i).ToString(scale)) })
	case *array.Date32:
		return nullable(func(i int) formats.Value { return formats.DateValue(c.Value(i).ToTime()) })
	case *array.Date64:
		return nullable(func(i int) formats.Value { return formats.DateValue(c.Value(i).ToTime()) })
	case *array.Timestamp:
		unit := c.DataType().(*arrow.TimestampType).Unit
		return nullable(func(i int) formats.Value { return formats.TimestampValue(c.Value(i).ToTime(unit)) })
	case *array.List:
		return listGetter(c, c.ValueOffsets)
	case *array.LargeList:
		return listGetter(c, c.ValueOffsets)
	case *array.Dictionary:
		dict := getterFor(c.Dictionary())
		return nullable(func(i int) formats.Value { return dict(c.GetValueIndex(i)) })
	}
	// Structs, maps, times of day and the rest: their text form.
	return nullable(func(i int) formats.Value { return formats.StringValue(a.ValueStr(i)) })
}

type listArray interface {
	arrow.Array
	ListValues() arrow.Array
}

func listGetter(c listArray, offsets func(int) (int64, int64)) getter {
	elem := getterFor(c.ListValues())
	return func(i int) formats.Value {
		if c.IsNull(i) {
			return formats.Value{}
		}
		start, end := offsets(i)
		vs := make([]formats.Value, 0, end-start)
		for j := start; j < end; j++ {
			vs = append(vs, elem(int(j)))
		}
		return formats.ListValue(vs)
	}
}

// kindOf is the formats.Kind a column of type t reads as.
func kindOf(t arrow.DataType) formats.Kind {
	switch t.ID() {
	case arrow.BOOL:
		return formats.Bool
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64, arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64:
		return formats.Int
	case arrow.FLOAT16, arrow.FLOAT32, arrow.FLOAT64:
		return formats.Float
	case arrow.DECIMAL128, arrow.DECIMAL256:
		return formats.Decimal
	case arrow.DATE32, arrow.DATE64:
		return formats.Date
	case arrow.TIMESTAMP:
		return formats.Timestamp
	case arrow.LIST, arrow.LARGE_LIST:
		return formats.List
	case arrow.NULL:
		return formats.Null
	case arrow.DICTIONARY:
		return kindOf(t.(*arrow.DictionaryType).ValueType)
	}
	return formats.String
}
