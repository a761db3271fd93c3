// Command kstatus prints the kstatus status (Current, InProgress, Failed, Terminating, …) of each
// object read from stdin, computed by sigs.k8s.io/cli-utils — the library Flux's health checks and
// kpt use — so the operator's status conditions are judged by the real rules, not a re-reading.
//
//	kubectl get tokenbudgets -A -o json | kstatus
//
// Input: one object, a List or a JSON array. Output: one JSON line per object,
// {"kind","namespace","name","status","message"}. Exit code 1 on unreadable input.
package main

import (
	"fmt"
	"os"

	"agent-governor/tools/helm/internal/objects"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
)

func main() {
	items, err := objects.Read(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "kstatus:", err)
		os.Exit(1)
	}
	verdicts := make([]objects.Verdict, 0, len(items))
	for _, u := range items {
		result, err := status.Compute(u)
		if err != nil {
			fmt.Fprintf(os.Stderr, "kstatus: %s %s/%s: %v\n", u.GetKind(), u.GetNamespace(), u.GetName(), err)
			os.Exit(1)
		}
		verdicts = append(verdicts, objects.VerdictOf(u, result.Status.String(), result.Message))
	}
	if err := objects.Print(os.Stdout, verdicts); err != nil {
		fmt.Fprintln(os.Stderr, "kstatus:", err)
		os.Exit(1)
	}
}
