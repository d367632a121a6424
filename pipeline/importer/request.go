package importer

import (
	"bytes"
	"encoding/json"
	"strconv"

	"github.com/capsule-etl/capsule-etl/pipeline/journal"
)

// request builds the method, path and wrapped JSON body of p, with its
// references spliced in. ok is false while a reference has no id yet.
func (p *planOp) request() (method, path string, body []byte, ok bool) {
	method, path = "POST", p.kind.path
	if p.action == journal.Update {
		id := p.targetID
		if p.targetOp != nil {
			id = p.targetOp.resolvedID()
		}
		if id == "" {
			return "", "", nil, false
		}
		method, path = "PUT", p.kind.path+"/"+id
	}
	body, ok = p.body(false)
	return method, path, body, ok
}

// planBody is the request body for the plan file: references not known
// yet are shown as {"id": null, "planned": "file row N record"}.
func (p *planOp) planBody() json.RawMessage {
	b, _ := p.body(true)
	return b
}

func (p *planOp) body(plan bool) ([]byte, bool) {
	var b bytes.Buffer
	b.Grow(len(p.fields) + 32*len(p.refs) + len(p.kind.wrapper) + 8)
	b.WriteString(`{"`)
	b.WriteString(p.kind.wrapper)
	b.WriteString(`":{`)
	for i, r := range p.refs {
		if i > 0 {
			b.WriteByte(',')
		}
		fb, _ := json.Marshal(r.field)
		b.Write(fb)
		b.WriteByte(':')
		switch {
		case r.dep != nil:
			id := r.dep.resolvedID()
			switch {
			case id != "":
				b.WriteString(`{"id":` + id + `}`)
			case plan:
				nb, _ := json.Marshal(r.dep.in.name + " row " + strconv.Itoa(r.dep.row) + " " + r.dep.record)
				b.WriteString(`{"id":null,"planned":`)
				b.Write(nb)
				b.WriteByte('}')
			default:
				return nil, false
			}
		case r.id != "":
			b.WriteString(`{"id":` + r.id + `}`)
		default:
			nb, _ := json.Marshal(map[string]string{"name": r.name})
			b.Write(nb)
		}
	}
	inner := bytes.TrimSpace(p.fields)
	if len(inner) > 2 {
		if len(p.refs) > 0 {
			b.WriteByte(',')
		}
		b.Write(inner[1 : len(inner)-1])
	}
	b.WriteString("}}")
	return b.Bytes(), true
}
