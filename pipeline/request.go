package pipeline

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
	var b bytes.Buffer
	b.Grow(len(p.body) + 32*len(p.refs) + len(p.kind.wrapper) + 8)
	b.WriteString(`{"`)
	b.WriteString(p.kind.wrapper)
	b.WriteString(`":{`)
	first := true
	for _, r := range p.refs {
		if !first {
			b.WriteByte(',')
		}
		first = false
		fb, _ := json.Marshal(r.field)
		b.Write(fb)
		b.WriteByte(':')
		switch {
		case r.dep != nil:
			id := r.dep.resolvedID()
			if id == "" {
				return method, path, nil, false
			}
			b.WriteString(`{"id":` + id + `}`)
		case r.id != "":
			b.WriteString(`{"id":` + r.id + `}`)
		default:
			nb, _ := json.Marshal(map[string]string{"name": r.name})
			b.Write(nb)
		}
	}
	inner := bytes.TrimSpace(p.body)
	if len(inner) > 2 {
		if !first {
			b.WriteByte(',')
		}
		b.Write(inner[1 : len(inner)-1])
	}
	b.WriteString("}}")
	return method, path, b.Bytes(), true
}

// planBody is the request body for the plan file: references not known
// yet are shown as {"id": null, "planned": "file row N record"}.
func (p *planOp) planBody() json.RawMessage {
	saved := p.refs
	refs := make([]refVal, len(saved))
	copy(refs, saved)
	var placeholders []string
	for i, r := range refs {
		if r.dep != nil && r.dep.resolvedID() == "" {
			placeholders = append(placeholders, r.field)
			refs[i] = refVal{field: r.field, id: "0"}
		}
	}
	p.refs = refs
	_, _, body, _ := p.request()
	p.refs = saved
	if len(placeholders) == 0 || body == nil {
		return body
	}
	var m map[string]map[string]any
	if json.Unmarshal(body, &m) != nil {
		return body
	}
	for _, r := range saved {
		if r.dep != nil && r.dep.resolvedID() == "" {
			m[p.kind.wrapper][r.field] = map[string]any{"id": nil, "planned": r.dep.in.name + " row " + strconv.Itoa(r.dep.row) + " " + r.dep.record}
		}
	}
	return mustJSON(m)
}
