package patterns

import (
	"fmt"
	"slices"

	"go.yaml.in/yaml/v3"
)

// UnmarshalYAML accepts a scalar or a sequence of scalars.
func (l *StringList) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		*l = StringList{n.Value}
		return nil
	}
	var s []string
	if err := n.Decode(&s); err != nil {
		return err
	}
	*l = s
	return nil
}

// UnmarshalYAML accepts a bare signature id or {signature, where}.
func (s *Selector) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		*s = Selector{Signature: n.Value}
		return nil
	}
	if err := knownKeys(n, "signature", "where", "where_not"); err != nil {
		return err
	}
	type plain Selector // without the method, so Decode does not recurse
	return n.Decode((*plain)(s))
}

// UnmarshalYAML accepts a bare field name or {name, from, signatures, take}.
func (f *FieldSpec) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		*f = FieldSpec{Name: n.Value}
		return nil
	}
	if err := knownKeys(n, "name", "from", "signatures", "take"); err != nil {
		return err
	}
	type plain FieldSpec
	return n.Decode((*plain)(f))
}

// knownKeys rejects unknown keys in a mapping. Node.Decode does not inherit
// the decoder's KnownFields setting, so custom unmarshalers check by hand:
// a misspelt key must fail loudly, not be ignored.
func knownKeys(n *yaml.Node, keys ...string) error {
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: expected a string or a mapping", n.Line)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if !slices.Contains(keys, k.Value) {
			return fmt.Errorf("line %d: field %s not found in %v", k.Line, k.Value, keys)
		}
	}
	return nil
}
