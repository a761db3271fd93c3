// Package objects reads Kubernetes objects the way the tools they feed read them: JSON decoded by
// apimachinery's unstructured codec (integers stay int64, as client-go delivers them).
package objects

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// Read decodes one object, a v1 List (`kubectl get -o json` of several objects) or a JSON array of
// objects from r, in order.
func Read(r io.Reader) ([]*unstructured.Unstructured, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("reading objects: %w", err)
	}
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return nil, fmt.Errorf("no objects on stdin: expected one JSON object, a List or an array")
	}
	if data[0] == '[' {
		var raw []json.RawMessage
		if err := json.Unmarshal(data, &raw); err != nil {
			return nil, fmt.Errorf("decoding the array of objects: %w", err)
		}
		out := make([]*unstructured.Unstructured, 0, len(raw))
		for i, item := range raw {
			u := &unstructured.Unstructured{}
			if err := u.UnmarshalJSON(item); err != nil {
				return nil, fmt.Errorf("decoding object %d: %w", i, err)
			}
			out = append(out, u)
		}
		return out, nil
	}
	u := &unstructured.Unstructured{}
	if err := u.UnmarshalJSON(data); err != nil {
		return nil, fmt.Errorf("decoding the object: %w", err)
	}
	if !u.IsList() {
		return []*unstructured.Unstructured{u}, nil
	}
	list, err := u.ToList()
	if err != nil {
		return nil, fmt.Errorf("decoding the List: %w", err)
	}
	out := make([]*unstructured.Unstructured, 0, len(list.Items))
	for i := range list.Items {
		out = append(out, &list.Items[i])
	}
	return out, nil
}

// Verdict is one object's status as a tool judged it, printed as one JSON line.
type Verdict struct {
	Kind      string `json:"kind"`
	Namespace string `json:"namespace,omitempty"`
	Name      string `json:"name"`
	Status    string `json:"status"`
	Message   string `json:"message"`
}

// VerdictOf names u in a verdict.
func VerdictOf(u *unstructured.Unstructured, status, message string) Verdict {
	return Verdict{Kind: u.GetKind(), Namespace: u.GetNamespace(), Name: u.GetName(), Status: status, Message: message}
}

// Print writes the verdicts as JSON lines.
func Print(w io.Writer, verdicts []Verdict) error {
	enc := json.NewEncoder(w)
	for _, v := range verdicts {
		if err := enc.Encode(v); err != nil {
			return err
		}
	}
	return nil
}
