package survey

import (
	"fmt"
	"reflect"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

var (
	typeOfConfig = reflect.TypeFor[Config]()
	typeOfDist   = reflect.TypeFor[Dist]()
)

// checkKeys walks a YAML node beside the Go type it decodes into and returns
// the first unknown key as ` line N: unknown key "a.b" (known: ...)`. It
// records the line of every key it meets in lines, for validation messages.
// yaml's own KnownFields check stays on as a backstop, but its messages name
// Go types rather than config keys.
func checkKeys(n *yaml.Node, t reflect.Type, path string, lines map[string]int) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if t == typeOfDist {
		if n.Kind == yaml.ScalarNode {
			return nil
		}
		t = reflect.TypeFor[distFields]()
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
				return nil
			}
			return fmt.Errorf("%d: %s: expected a mapping of keys", n.Line, orTop(path))
		}
		fields := map[string]reflect.StructField{}
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			if name != "" && name != "-" {
				fields[name] = f
			}
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			key := join(path, k.Value)
			f, ok := fields[k.Value]
			if !ok {
				known := make([]string, 0, len(fields))
				for name := range fields {
					known = append(known, name)
				}
				sort.Strings(known)
				return fmt.Errorf("%d: unknown key %q (known keys in %s: %s)", k.Line, key, orTop(path), strings.Join(known, ", "))
			}
			lines[key] = k.Line
			if err := checkKeys(v, f.Type, key, lines); err != nil {
				return err
			}
		}
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			return nil
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			key := join(path, n.Content[i].Value)
			lines[key] = n.Content[i].Line
			if err := checkKeys(n.Content[i+1], t.Elem(), key, lines); err != nil {
				return err
			}
		}
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			return nil
		}
		for i, e := range n.Content {
			if err := checkKeys(e, t.Elem(), fmt.Sprintf("%s[%d]", path, i), lines); err != nil {
				return err
			}
		}
	}
	return nil
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func orTop(path string) string {
	if path == "" {
		return "the top level"
	}
	return path
}
