// Command dockerfile-check runs the checks `docker build --check` runs — BuildKit's own Dockerfile
// parser and linter (github.com/moby/buildkit/frontend/dockerfile) — without a Docker engine:
//
//	dockerfile-check Dockerfile
//
// It prints one JSON line per warning {"rule","detail","line"} and exits 1 when there is a warning
// or the Dockerfile does not parse. Base images are not pulled (no registry is reached): each FROM
// image is taken as an empty linux/amd64 image, which every rule but those about the base image's
// own environment needs.
package main

import (
	ctx "context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/client/llb/sourceresolver"
	"github.com/moby/buildkit/frontend/dockerfile/dockerfile2llb"
	"github.com/moby/buildkit/frontend/dockerui"
	digest "github.com/opencontainers/go-digest"
)

type finding struct {
	Rule   string `json:"rule"`
	Detail string `json:"detail"`
	Line   int32  `json:"line,omitempty"`
}

// offlineImages answers every FROM with an empty image: the linter needs a config, not the layers.
type offlineImages struct{}

func (offlineImages) ResolveImageConfig(_ ctx.Context, ref string, _ sourceresolver.Opt) (string, digest.Digest, []byte, error) {
	config := []byte(`{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]},"config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]}}`)
	return ref, digest.FromBytes(config), config, nil
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: dockerfile-check DOCKERFILE")
		os.Exit(2)
	}
	path := os.Args[1]
	data, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "dockerfile-check:", err)
		os.Exit(2)
	}
	context := llb.Local("context")
	source := llb.NewSourceMap(&context, filepath.Base(path), "Dockerfile", data)
	source.Definition = &llb.Definition{}
	results, err := dockerfile2llb.DockerfileLint(ctx.Background(), data, dockerfile2llb.ConvertOpt{
		Config:       dockerui.Config{},
		SourceMap:    source,
		MetaResolver: offlineImages{},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "dockerfile-check:", err)
		os.Exit(2)
	}
	out := json.NewEncoder(os.Stdout)
	for _, w := range results.Warnings {
		f := finding{Rule: w.RuleName, Detail: w.Detail}
		if w.Location != nil && len(w.Location.Ranges) > 0 {
			f.Line = w.Location.Ranges[0].Start.Line
		}
		_ = out.Encode(f)
	}
	if results.Error != nil {
		fmt.Fprintln(os.Stderr, "dockerfile-check: the Dockerfile does not build:", results.Error.Message)
		os.Exit(1)
	}
	if len(results.Warnings) > 0 {
		os.Exit(1)
	}
}
