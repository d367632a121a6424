package mappings

import (
	"fmt"
	"regexp"
	"strings"
)

var secretKey = regexp.MustCompile(`(?i)^(token|api[_-]?key|apikey|access[_-]?token|refresh[_-]?token|password|passwd|secret|client[_-]?secret|bearer|authorization)$`)

func secretName(name string) bool {
	u := strings.ToUpper(name)
	return strings.Contains(u, "TOKEN") || strings.Contains(u, "SECRET") || strings.Contains(u, "PASSWORD") || strings.HasSuffix(u, "API_KEY")
}

// tokenLike catches pasted credentials: a long unbroken run of letters and
// digits mixing both, as personal access tokens are.
var tokenLike = regexp.MustCompile(`^[A-Za-z0-9+/_\-=.]{32,}$`)

func looksLikeToken(s string) bool {
	if !tokenLike.MatchString(s) || strings.Contains(s, "/") && strings.Count(s, "/") > 3 {
		return false
	}
	var letters, digits bool
	for _, r := range s {
		letters = letters || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')
		digits = digits || (r >= '0' && r <= '9')
	}
	return letters && digits && !identifierLike(s)
}

// identifierWord is one part of a snake_case, kebab-case or dotted name: a
// word, a number, or a short tag such as "v2".
var identifierWord = regexp.MustCompile(`^([A-Za-z][a-z]*|[A-Z]+|[0-9]+|[A-Za-z0-9]{1,3})$`)

// identifierLike tells long column names (secondary_billing_address_line_2)
// from tokens: a random token's parts mix cases and digits, a name's parts
// are words and numbers.
func identifierLike(s string) bool {
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == '_' || r == '-' || r == '.' })
	if len(parts) < 3 {
		return false
	}
	for _, p := range parts {
		if !identifierWord.MatchString(p) {
			return false
		}
	}
	return true
}

// checkSecrets refuses anything that looks like a credential: mappings are
// shared and committed, tokens never belong in them.
func (p *mparser) checkSecrets(n *node, path string) {
	const hint = "set CAPSULE_TOKEN in the environment instead; never put a token in a mapping"
	switch n.kind {
	case nodeMap:
		for i, k := range n.keys {
			kp := join(path, k.str)
			if secretKey.MatchString(k.str) {
				p.c.errorf(k.pos, kp, hint, "mappings must not hold credentials (key %q)", k.str)
				continue
			}
			p.checkSecrets(n.vals[i], kp)
		}
	case nodeSeq:
		for i, it := range n.items {
			p.checkSecrets(it, fmt.Sprintf("%s[%d]", path, i))
		}
	case nodeScalar:
		if looksLikeToken(n.str) {
			p.c.errorf(n.pos, path, hint, "this value looks like an access token")
		}
	}
}
