// Command argocd-health runs Argo CD resource health checks (Lua, in gopher-lua — the interpreter
// Argo CD embeds) from an argocd-cm ConfigMap on objects read from stdin, the way Argo CD's
// application controller runs a `resource.customizations.health.<group>_<Kind>` script:
//
//   - the object is the global `obj` (maps → tables, lists → 1-based tables, integers → numbers);
//   - only the package, base and table libraries are open (Argo CD also offers a safe `os` with
//     time/date; these scripts do not use it), unless `resource.customizations.useOpenLibs.<key>`
//     is "true";
//   - the script runs under a 1 s deadline and must return a table {status, message}; a status
//     outside Healthy, Progressing, Degraded, Suspended, Missing, Unknown becomes Unknown.
//
// argocd-health --argocd-cm examples/gitops/argocd/argocd-cm-health.yaml < objects.json
//
// Input: one object, a List or a JSON array. Output: one JSON line per object,
// {"kind","namespace","name","status","message"}. Exit code 1 when an object has no script, the
// script fails or returns no table (Argo CD would then show the resource's health as Unknown).
package main

import (
	"flag"
	"fmt"
	"os"

	"agent-governor/tools/helm/internal/objects"
	"sigs.k8s.io/yaml"
)

func main() {
	configMap := flag.String("argocd-cm", "", "argocd-cm ConfigMap (YAML) holding the health checks")
	flag.Parse()
	if *configMap == "" {
		fmt.Fprintln(os.Stderr, "argocd-health: give --argocd-cm FILE (the argocd-cm ConfigMap with the health checks)")
		os.Exit(2)
	}
	data, err := readConfigMapData(*configMap)
	if err != nil {
		fmt.Fprintln(os.Stderr, "argocd-health:", err)
		os.Exit(1)
	}
	items, err := objects.Read(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "argocd-health:", err)
		os.Exit(1)
	}
	verdicts := make([]objects.Verdict, 0, len(items))
	for _, u := range items {
		key := customizationKey(u.GroupVersionKind().Group, u.GetKind())
		script, ok := data[healthKeyPrefix+key]
		if !ok || script == "" {
			fmt.Fprintf(os.Stderr, "argocd-health: %s has no key %s%s\n", *configMap, healthKeyPrefix, key)
			os.Exit(1)
		}
		health, err := runHealthScript(u.Object, script, data[openLibsKeyPrefix+key] == "true")
		if err != nil {
			fmt.Fprintf(os.Stderr, "argocd-health: %s %s/%s: %v\n", u.GetKind(), u.GetNamespace(), u.GetName(), err)
			os.Exit(1)
		}
		verdicts = append(verdicts, objects.VerdictOf(u, health.Status, health.Message))
	}
	if err := objects.Print(os.Stdout, verdicts); err != nil {
		fmt.Fprintln(os.Stderr, "argocd-health:", err)
		os.Exit(1)
	}
}

const (
	healthKeyPrefix   = "resource.customizations.health."
	openLibsKeyPrefix = "resource.customizations.useOpenLibs."
)

// customizationKey is Argo CD's per-kind key suffix: "<group>_<Kind>", or "<Kind>" for the core group.
func customizationKey(group, kind string) string {
	if group == "" {
		return kind
	}
	return group + "_" + kind
}

func readConfigMapData(path string) (map[string]string, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	var cm struct {
		Kind     string                `json:"kind"`
		Metadata struct{ Name string } `json:"metadata"`
		Data     map[string]string     `json:"data"`
	}
	if err := yaml.Unmarshal(raw, &cm); err != nil {
		return nil, fmt.Errorf("%s is not a ConfigMap in YAML: %w", path, err)
	}
	if cm.Kind != "ConfigMap" || cm.Metadata.Name != "argocd-cm" {
		return nil, fmt.Errorf("%s: expected the ConfigMap argocd-cm, found %s %q", path, cm.Kind, cm.Metadata.Name)
	}
	return cm.Data, nil
}
